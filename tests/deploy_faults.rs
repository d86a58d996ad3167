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
