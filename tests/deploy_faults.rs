//! Deploy faults: the executor or its caller killed, signalled or
//! crashing, steps hanging or printing bytes that are not UTF-8. Nothing a
//! deploy rendered or started may hold a secret afterwards.

mod support;

use std::process::Command;

use support::deploy::*;
use support::*;

#[test]
fn a_step_that_hangs_past_its_timeout_is_killed() {
    let dir = temp_copy("clean");
    set_env(&dir, |t| {
        let t = t.replace("timeout_secs = 30", "timeout_secs = 1").replace("retries = 2", "retries = 0");
        let start = t.find("steps = [").unwrap();
        let end = t[start..].find("\n]\n").unwrap() + start + 3;
        format!("{}steps = [[\"sleep\", \"30\"]]\n{}", &t[..start], &t[end..])
    });
    let t0 = std::time::Instant::now();
    let (code, out, _) = deploy(&dir, &[("SMAQIT_SECRET_DB_PASSWORD", PW), ("SMAQIT_SECRET_SESSION_SECRET", SESSION)]);
    assert_eq!(code, 1);
    assert!(out["message"].as_str().unwrap().contains("timed out after 1 s"), "{out}");
    assert!(t0.elapsed().as_secs() < 10);
}

#[test]
fn killing_the_executor_or_its_caller_mid_step_leaves_no_secret_behind() {
    // A value of its own, so that other tests' deploys do not count.
    let pw = "Killed-mid-step-canary-91";
    for victim in ["executor", "caller"] {
        let dir = temp_copy("clean");
        set_env(&dir, |t| t.replacen("steps = [\n", "steps = [\n  [\"sleep\", \"30\"],\n", 1));
        let tmp = tmp_of(&dir);
        let mut child = Command::new(bin())
            .args(["deploy", "--env", "local", "--yes"])
            .current_dir(&dir)
            .env("TMPDIR", &tmp)
            .env("SMAQIT_SECRET_DB_PASSWORD", pw)
            .env("SMAQIT_SECRET_SESSION_SECRET", SESSION)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // Wait for the step (the private folder exists by then).
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while std::fs::read_dir(&tmp).unwrap().next().is_none() {
            assert!(std::time::Instant::now() < deadline, "the deploy never started");
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        std::thread::sleep(std::time::Duration::from_millis(300));
        let exec_pid = String::from_utf8(
            Command::new("pgrep")
                .args(["-f", "-P", &child.id().to_string(), "smaqit-ls exec"])
                .output()
                .unwrap()
                .stdout,
        )
        .unwrap()
        .trim()
        .to_owned();
        assert!(!exec_pid.is_empty(), "the executor runs as a child of the CLI");
        match victim {
            "executor" => {
                Command::new("kill").args(["-9", &exec_pid]).status().unwrap();
                let out = child.wait_with_output().unwrap();
                let stdout = String::from_utf8_lossy(&out.stdout);
                assert!(stdout.contains("without a result"), "{stdout}");
                assert!(!stdout.contains(pw) && !String::from_utf8_lossy(&out.stderr).contains(pw));
            }
            _ => {
                child.kill().unwrap();
                let _ = child.wait();
            }
        }
        // The steps die with the executor; the private folder goes.
        assert_nothing_left(&dir, &tmp, pw, victim);
        let infra = std::fs::read_to_string(dir.join(INFRA)).unwrap();
        assert!(
            infra.contains("status: draft") || infra.contains("status: failed"),
            "consistent status after {victim} was killed"
        );
    }
}

#[test]
fn a_panic_inside_the_executor_leaks_nothing_and_the_next_deploy_works() {
    let dir = temp_copy("clean");
    let _svc = Service(dir.clone());
    let before = std::fs::read_to_string(dir.join(INFRA)).unwrap();
    // The injected panic's message holds the values (debug builds only);
    // `deploy` asserts stdout and stderr are clean and the private folder,
    // with the rendered files, is gone.
    let env = [
        ("SMAQIT_SECRET_DB_PASSWORD", PW),
        ("SMAQIT_SECRET_SESSION_SECRET", SESSION),
        ("SMAQIT_EXEC_FAULT", "panic-after-render"),
    ];
    let (code, out, stderr) = deploy(&dir, &env);
    assert_eq!(code, 1, "{out}");
    assert!(out["message"].as_str().unwrap().contains("without a result"), "{out}");
    assert!(!stderr.contains("injected fault"), "the executor's stderr is not passed on: {stderr}");
    // It died before any step ran: no spec changes.
    let after = std::fs::read_to_string(dir.join(INFRA)).unwrap();
    assert_eq!(after, before);
    assert_tree_clean(&dir);
    let (code, out, _) = deploy(&dir, &env[..2]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(status_of(&dir, INFRA), "deployed");
}

#[test]
fn health_that_never_passes_missing_secrets_and_crashed_executors_fail_cleanly() {
    let dir = temp_copy("clean");
    set_env(&dir, |t| {
        let t = t.replace("url = \"http://127.0.0.1:{port}/health\"", "tcp = \"127.0.0.1:{port}\"");
        let t = t.replace("json = { status = \"ok\", sha = \"*\", deployedAt = \"*\" }\n", "");
        let t = t.replace("within_secs = 15", "within_secs = 1");
        let start = t.find("steps = [").unwrap();
        let end = t[start..].find("\n]\n").unwrap() + start + 3;
        format!("{}steps = [[\"true\"]]\n{}", &t[..start], &t[end..])
    });
    let (code, out, _) = deploy(&dir, &[("SMAQIT_SECRET_DB_PASSWORD", PW), ("SMAQIT_SECRET_SESSION_SECRET", SESSION)]);
    assert_eq!((code, out["attempts"].as_u64()), (1, Some(2)), "{out}");
    assert!(out["message"].as_str().unwrap().contains("health check TCP connect"), "{out}");

    let dir = temp_copy("clean");
    let (code, out, _) = deploy(&dir, &[("SMAQIT_SECRET_SESSION_SECRET", SESSION)]);
    assert_eq!(code, 1);
    assert!(out["message"].as_str().unwrap().contains("${secrets.DB_PASSWORD}"), "{out}");
    assert_eq!(out["attempts"], 0, "nothing ran");

    let dir = temp_copy("clean");
    set_env(&dir, |t| t.replace("retries = 2", "retries = 2\nexecutor = [\"sh\", \"-c\", \"read line; exit 3\"]"));
    let (code, out, _) = deploy(&dir, &[("SMAQIT_SECRET_DB_PASSWORD", PW), ("SMAQIT_SECRET_SESSION_SECRET", SESSION)]);
    assert_eq!(code, 1);
    assert!(out["message"].as_str().unwrap().contains("without a result"), "{out}");
}

/// Starts `smaqit-ls deploy --env local --yes` in `dir` in a process group
/// of its own, with `pw` as DB_PASSWORD; returns it once its step runs.
fn start_deploy(dir: &std::path::Path, tmp: &std::path::Path, pw: &str) -> std::process::Child {
    use std::os::unix::process::CommandExt;
    let child = Command::new(bin())
        .args(["deploy", "--env", "local", "--yes"])
        .current_dir(dir)
        .env("TMPDIR", tmp)
        .env("SMAQIT_SECRET_DB_PASSWORD", pw)
        .env("SMAQIT_SECRET_SESSION_SECRET", SESSION)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .process_group(0)
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    // The step's grandchild runs with the secret once the deploy is under way.
    while canary_processes(pw).len() < 3 {
        assert!(std::time::Instant::now() < deadline, "the deploy never started");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    child
}

/// A step whose grandchild (`sleep` under `sh -c`) holds the secret.
const GRANDCHILD: &str = "[[\"sh\", \"-c\", \"sleep 30; echo after\"]]";

fn executor_of(cli: u32) -> String {
    let out = Command::new("pgrep").args(["-f", "-P", &cli.to_string(), "smaqit-ls exec"]).output().unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

#[test]
fn a_step_s_grandchildren_die_when_the_executor_is_killed_or_terminated() {
    for (signal, pw) in [("-KILL", "Grandchild-KILL-canary-31"), ("-TERM", "Grandchild-TERM-canary-32")] {
        let dir = temp_copy("clean");
        set_steps(&dir, GRANDCHILD);
        let tmp = tmp_of(&dir);
        let child = start_deploy(&dir, &tmp, pw);
        let exec = executor_of(child.id());
        assert!(!exec.is_empty(), "the executor runs as a child of the CLI");
        Command::new("kill").args([signal, &exec]).status().unwrap();
        let out = child.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        if signal == "-TERM" {
            assert!(stdout.contains("stopped by signal 15"), "{stdout}");
        } else {
            assert!(stdout.contains("without a result"), "{stdout}");
        }
        assert_nothing_left(&dir, &tmp, pw, &format!("executor {signal}"));
        assert_eq!(status_of(&dir, INFRA), if signal == "-TERM" { "draft" } else { "failed" });
    }
}

#[test]
fn ctrl_c_to_the_whole_process_group_leaves_nothing_behind() {
    let pw = "Ctrl-C-canary-5520";
    let dir = temp_copy("clean");
    set_steps(&dir, GRANDCHILD);
    let tmp = tmp_of(&dir);
    let child = start_deploy(&dir, &tmp, pw);
    // What a terminal does on Ctrl-C (and CI runners on cancel): the
    // signal goes to the foreground process group, the CLI and the executor.
    Command::new("kill").args(["-INT", "--", &format!("-{}", child.id())]).status().unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", String::from_utf8_lossy(&out.stdout));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["status"], "cancelled", "{v}");
    assert_nothing_left(&dir, &tmp, pw, "Ctrl-C");
    assert_eq!(status_of(&dir, INFRA), "draft", "a cancel changes nothing");
}

#[test]
fn the_next_deploy_sweeps_the_private_folders_of_dead_executors() {
    let dir = temp_copy("clean");
    let _svc = Service(dir.clone());
    let tmp = tmp_of(&dir);
    // What a crash of everything leaves: a folder of an executor that no
    // longer runs, and one of a process that still does (not ours to take).
    let dead = tmp.join("smaqit-deploy-999999-1");
    std::fs::create_dir_all(&dead).unwrap();
    std::fs::write(dead.join("app.env"), "DB_PASSWORD=left-over-canary-77\n").unwrap();
    let alive = tmp.join(format!("smaqit-deploy-{}-2", std::process::id()));
    std::fs::create_dir_all(&alive).unwrap();
    let out = Command::new(bin())
        .args(["deploy", "--env", "local", "--yes"])
        .current_dir(&dir)
        .env("TMPDIR", &tmp)
        .envs(secrets_env())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(!dead.exists(), "the dead executor's folder is swept");
    assert!(alive.exists(), "a running process's folder is left alone");
    std::fs::remove_dir_all(&alive).unwrap();
}

#[test]
fn a_step_printing_bytes_that_are_not_utf8_does_not_fail_the_deploy() {
    let dir = temp_copy("clean");
    let _svc = Service(dir.clone());
    set_env(&dir, |t| {
        t.replacen(
            "steps = [\n",
            "steps = [\n  [\"sh\", \"-c\", \"printf 'caf\\\\351 ok\\\\n\\\\377\\\\376 binary\\\\n'; echo after\"],\n",
            1,
        )
    });
    let (code, out, stderr) = deploy(&dir, &secrets_env());
    assert_eq!(code, 0, "{out}\n{stderr}");
    assert!(stderr.contains("caf\u{fffd} ok") && stderr.contains("after"), "decoded lossily and read on: {stderr}");
}

#[test]
fn a_failed_health_check_runs_the_rollback_steps_or_says_the_service_may_still_run() {
    let dir = temp_copy("clean");
    let _svc = Service(dir.clone());
    let broken = |t: &str| {
        t.replace("expect_status = 200", "expect_status = 418")
            .replace("within_secs = 15", "within_secs = 1")
            .replace("retries = 2", "retries = 0")
    };
    set_env(&dir, |t| broken(t));
    let (code, out, _) = deploy(&dir, &secrets_env());
    assert_eq!(code, 1);
    assert!(out["notes"][0].as_str().unwrap().contains("may still be running, with its secrets"), "{out}");
    let report = std::fs::read_to_string(out["report"].as_str().unwrap()).unwrap();
    assert!(report.contains("- **Note:** the service the steps started may still be running"), "{report}");
    // With rollback steps, they run after the failed check and stop it.
    let dir = temp_copy("clean");
    let _svc2 = Service(dir.clone());
    set_env(&dir, |t| {
        broken(t).replace(
            "specs = [\"INF-LOCAL-SERVICE\"]",
            "specs = [\"INF-LOCAL-SERVICE\"]\nrollback = [[\"sh\", \"-c\", \"kill \\\"$(cat .smaqit/run/service.pid)\\\" && echo stopped > .smaqit/run/rolled-back\"]]",
        )
    });
    let (code, out, stderr) = deploy(&dir, &secrets_env());
    assert_eq!(code, 1, "{out}");
    assert!(out["notes"].as_array().unwrap().is_empty(), "{out}");
    assert!(
        std::fs::read_to_string(dir.join(".smaqit/run/rolled-back")).is_ok_and(|s| s.trim() == "stopped"),
        "{stderr}"
    );
    let pid = std::fs::read_to_string(dir.join(".smaqit/run/service.pid")).unwrap();
    // Gone, or a zombie waiting to be reaped by init.
    let stat = std::fs::read_to_string(format!("/proc/{}/stat", pid.trim())).unwrap_or_default();
    assert!(
        stat.is_empty() || stat.split(") ").nth(1).is_some_and(|s| s.starts_with('Z')),
        "the service was stopped: {stat}"
    );
}

#[test]
fn two_deploys_of_one_project_never_run_at_once() {
    let pw = "Lock-canary-4400";
    let dir = temp_copy("clean");
    set_steps(&dir, GRANDCHILD);
    let tmp = tmp_of(&dir);
    let mut first = start_deploy(&dir, &tmp, pw);
    let second = Command::new(bin())
        .args(["deploy", "--env", "local", "--yes"])
        .current_dir(&dir)
        .env("TMPDIR", &tmp)
        .envs(secrets_env())
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&second.stdout).unwrap();
    assert_eq!(v["status"], "refused");
    assert!(v["message"].as_str().unwrap().contains("already running"), "{v}");
    first.kill().unwrap();
    let _ = first.wait();
    assert_nothing_left(&dir, &tmp, pw, "the first deploy");
}
