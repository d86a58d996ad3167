//! Deploys through real engines: Ansible (ansible-core, `connection:
//! local`, at `-vvv --diff`, with colour, then again after the values
//! rotate), docker-compose (`config`, which prints the resolved file and
//! its env_file), kubectl (`kustomize`, a generated Secret in base64) and a
//! real secret store (`pass`, through the `command` provider, with a
//! throwaway gpg key). Canaries in every form are searched
//! in every output, the report, every file left behind and every process's
//! environment.
//!
//! These need the engines installed, so they are not part of the README's
//! `cargo test --workspace`: `.ci/run` installs ansible-core (PyPI), pass,
//! docker-compose and kubernetes-client (Debian) and runs them with
//! `--ignored`. `SMAQIT_ANSIBLE_PLAYBOOK`, `SMAQIT_DOCKER_COMPOSE` and
//! `SMAQIT_KUBECTL` name the programs to use (default: the ones on PATH).

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use support::deploy::*;
use support::*;

const PLAYBOOK: &str = r#"---
- name: configure the Lantern Links API
  hosts: localhost
  connection: local
  gather_facts: false
  vars_files:
    - "{{ rendered }}/deploy/ansible/secrets.yml"
  tasks:
    - name: the configuration file, with the password in several encodings
      ansible.builtin.template:
        src: app.conf.j2
        dest: "{{ target }}/app.conf"
        mode: "0600"
    - name: the password line
      ansible.builtin.lineinfile:
        path: "{{ target }}/app.conf"
        regexp: "^password_line="
        line: "password_line={{ db_password }}"
    - name: a command with the password in its arguments
      ansible.builtin.command: "echo {{ db_password | quote }}"
      changed_when: false
    - name: a shell task with the password in its environment
      ansible.builtin.shell: "printf '%s' \"$PW\" | base64"
      environment:
        PW: "{{ db_password }}"
      changed_when: false
    - name: a debug of the password
      ansible.builtin.debug:
        var: db_password
"#;

const TEMPLATE: &str = "password={{ db_password }}\nurl=postgres://app:{{ db_password | urlencode }}@db/app\njson={{ db_password | to_json }}\nb64={{ db_password | b64encode }}\nbasic={{ ('app:' ~ db_password) | b64encode }}\nsession={{ session_secret }}\n";

/// The tests of this file share canary values and look for them in every
/// process's environment, where another test's deploy, still running,
/// holds them legitimately: one at a time.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

fn ansible_playbook() -> String {
    std::env::var("SMAQIT_ANSIBLE_PLAYBOOK").unwrap_or_else(|_| "ansible-playbook".into())
}

/// A copy of fixtures/clean whose `local` environment also runs Ansible on
/// a vars file the executor renders.
fn ansible_project() -> (PathBuf, PathBuf) {
    let dir = temp_copy("clean");
    let target = PathBuf::from(format!("{}-target", dir.display()));
    std::fs::create_dir_all(&target).unwrap();
    let a = dir.join("deploy/ansible");
    std::fs::create_dir_all(&a).unwrap();
    std::fs::write(a.join("site.yml"), PLAYBOOK).unwrap();
    std::fs::write(a.join("app.conf.j2"), TEMPLATE).unwrap();
    std::fs::write(
        a.join("secrets.yml"),
        "db_password: ${secrets.DB_PASSWORD|yaml}\nsession_secret: ${secrets.SESSION_SECRET|yaml}\n",
    )
    .unwrap();
    let step = format!(
        "  [\"env\", \"ANSIBLE_FORCE_COLOR=1\", \"ANSIBLE_LOCALHOST_WARNING=False\", \"ANSIBLE_INVENTORY_UNPARSED_WARNING=False\", \"LANG=C.UTF-8\", \"{}\", \"-vvv\", \"--diff\", \"-i\", \"localhost,\", \"deploy/ansible/site.yml\", \"-e\", \"rendered={{rendered}}\", \"-e\", \"target={}\", \"-e\", \"ansible_python_interpreter={{{{ ansible_playbook_python }}}}\"],\n",
        ansible_playbook(),
        target.display()
    );
    set_env(&dir, |t| {
        t.replace("files = [\"deploy/app.env\"]", "files = [\"deploy/app.env\", \"deploy/ansible/secrets.yml\"]")
            .replacen("\n]\n", &format!("\n{step}]\n"), 1)
    });
    (dir, target)
}

/// Everything a deploy leaves: outputs, the report, the project's files,
/// the target's files, the executor's record, and running processes.
fn assert_nowhere(dir: &Path, target: &Path, outputs: &[&str], values: &[&str]) {
    for (i, o) in outputs.iter().enumerate() {
        assert_clean_of(&format!("output {i}"), o, values);
    }
    for root in [
        dir.to_path_buf(),
        PathBuf::from(format!("{}-tmp", dir.display())),
        PathBuf::from(format!("{}-state", dir.display())),
    ] {
        for f in walk(&root) {
            assert_clean_of(
                &f.display().to_string(),
                &String::from_utf8_lossy(&std::fs::read(&f).unwrap_or_default()),
                values,
            );
        }
    }
    let _ = target;
    for v in values {
        let procs = canary_processes(v);
        // The deployed service holds its own password; nothing else may.
        let others: Vec<&String> = procs.iter().filter(|p| !is_service(p)).collect();
        assert!(others.is_empty(), "processes hold a value: {others:?}");
    }
}

fn is_service(pid: &str) -> bool {
    std::fs::read(format!("/proc/{pid}/cmdline"))
        .is_ok_and(|c| String::from_utf8_lossy(&c).contains("deploy/service.py"))
}

#[test]
#[ignore = "needs ansible-core; .ci/run installs it and runs this"]
fn ansible_at_vvv_diff_with_colour_and_a_rotation_leaks_nothing() {
    let _serial = serial();
    let (dir, target) = ansible_project();
    let _svc = Service(dir.clone());
    let old = "Ans1ble-old/pw+=é'q x";
    let new = "Ans1ble-new/pw+=ß\"q y";
    let env1 = [("SMAQIT_SECRET_DB_PASSWORD", old), ("SMAQIT_SECRET_SESSION_SECRET", SESSION)];
    let (code, out1, err1) = deploy(&dir, &env1);
    assert_eq!(code, 0, "{out1}\n{err1}");
    assert!(err1.contains("TASK [the configuration file"), "Ansible ran: {err1}");
    // The target really holds the value (Ansible rendered it there).
    let conf = std::fs::read_to_string(target.join("app.conf")).unwrap();
    assert!(conf.contains(&format!("password={old}")));
    let env2 = [("SMAQIT_SECRET_DB_PASSWORD", new), ("SMAQIT_SECRET_SESSION_SECRET", SESSION)];
    let (code, out2, err2) = deploy_with(&dir, &["--regen"], &env2);
    assert_eq!(code, 0, "{out2}\n{err2}");
    assert!(
        err2.contains("-password=***") && err2.contains("+password=***"),
        "--diff printed both values, masked: {err2}"
    );
    let r1 = std::fs::read_to_string(out1["report"].as_str().unwrap()).unwrap();
    std::fs::remove_dir_all(&target).unwrap();
    assert_nowhere(&dir, &target, &[&err1, &err2, &out1.to_string(), &out2.to_string(), &r1], &[old, new, SESSION]);
    assert!(!err1.contains('\u{1b}') && !r1.contains('\u{1b}'), "colour codes are removed");
}

/// A throwaway gpg key and password store holding the fixture's secrets.
struct PassStore {
    gnupg: PathBuf,
    store: PathBuf,
}

impl PassStore {
    fn new(values: &[(&str, &str)]) -> PassStore {
        let base = std::env::temp_dir().join(format!("smaqit-pass-{}", std::process::id()));
        let (gnupg, store) = (base.join("gnupg"), base.join("store"));
        std::fs::create_dir_all(&store).unwrap();
        std::fs::create_dir_all(&gnupg).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&gnupg, std::fs::Permissions::from_mode(0o700)).unwrap();
        let run = |args: &[&str], input: Option<&str>| {
            use std::io::Write;
            let mut c = Command::new(args[0])
                .args(&args[1..])
                .env("GNUPGHOME", &gnupg)
                .env("PASSWORD_STORE_DIR", &store)
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap_or_else(|e| panic!("{}: {e}", args[0]));
            if let Some(i) = input {
                c.stdin.take().unwrap().write_all(i.as_bytes()).unwrap();
            } else {
                drop(c.stdin.take());
            }
            let out = c.wait_with_output().unwrap();
            assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        };
        run(
            &[
                "gpg",
                "--batch",
                "--passphrase",
                "",
                "--quick-gen-key",
                "smaqit-ci <ci@example.invalid>",
                "default",
                "default",
                "never",
            ],
            None,
        );
        let list = Command::new("gpg")
            .args(["--list-secret-keys", "--with-colons"])
            .env("GNUPGHOME", &gnupg)
            .output()
            .unwrap();
        let fpr = String::from_utf8(list.stdout)
            .unwrap()
            .lines()
            .find(|l| l.starts_with("fpr:"))
            .unwrap()
            .split(':')
            .nth(9)
            .unwrap()
            .to_owned();
        run(&["pass", "init", &fpr], None);
        for (name, value) in values {
            run(&["pass", "insert", "-m", &format!("smaqit/{name}")], Some(value));
        }
        PassStore { gnupg, store }
    }
}

impl Drop for PassStore {
    fn drop(&mut self) {
        let _ = Command::new("gpgconf").args(["--kill", "gpg-agent"]).env("GNUPGHOME", &self.gnupg).status();
        let _ = std::fs::remove_dir_all(self.gnupg.parent().unwrap());
    }
}

#[test]
#[ignore = "needs pass and gpg; .ci/run installs them and runs this"]
fn secrets_from_pass_through_the_command_provider_leak_nothing() {
    let _serial = serial();
    let store = PassStore::new(&[("DB_PASSWORD", PW), ("SESSION_SECRET", SESSION)]);
    let (dir, target) = ansible_project();
    let _svc = Service(dir.clone());
    set_env(&dir, |t| {
        t.replace(
            "secrets = { provider = \"env\" }",
            "secrets = { provider = \"command\", argv = [\"pass\", \"show\", \"smaqit/{name}\"] }",
        )
    });
    let gnupg = store.gnupg.to_string_lossy().into_owned();
    let pstore = store.store.to_string_lossy().into_owned();
    let (code, out, stderr) = deploy(&dir, &[("GNUPGHOME", &gnupg), ("PASSWORD_STORE_DIR", &pstore)]);
    assert_eq!(code, 0, "{out}\n{stderr}");
    let conf = std::fs::read_to_string(target.join("app.conf")).unwrap();
    assert!(conf.contains(&format!("password={PW}")), "the value came from pass");
    let report = std::fs::read_to_string(out["report"].as_str().unwrap()).unwrap();
    std::fs::remove_dir_all(&target).unwrap();
    assert_nowhere(&dir, &target, &[&stderr, &out.to_string(), &report], &[PW, SESSION]);
}

/// A copy of fixtures/clean whose `local` environment also renders `files`
/// (path, text) and then runs `step` (a TOML argv).
fn engine_project(files: &[(&str, &str)], step: &str) -> PathBuf {
    let dir = temp_copy("clean");
    let mut listed = String::from("\"deploy/app.env\"");
    for (path, text) in files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        listed.push_str(&format!(", \"{path}\""));
    }
    set_env(&dir, |t| {
        t.replace("files = [\"deploy/app.env\"]", &format!("files = [{listed}]")).replacen(
            "\n]\n",
            &format!("\n  {step},\n]\n"),
            1,
        )
    });
    dir
}

/// Runs a deploy of `dir` and checks that `printed` (what the engine shows
/// of the values, masked) is in its log and no form of the canaries is
/// anywhere.
fn deploy_and_check(dir: &Path, printed: &[&str]) {
    let _svc = Service(dir.to_path_buf());
    let (code, out, stderr) = deploy(dir, &secrets_env());
    assert_eq!(code, 0, "{out}\n{stderr}");
    for p in printed {
        assert!(stderr.contains(p), "the engine printed {p:?}: {stderr}");
    }
    let report = std::fs::read_to_string(out["report"].as_str().unwrap()).unwrap();
    assert_nowhere(dir, dir, &[&stderr, &out.to_string(), &report], &[PW, SESSION]);
}

const COMPOSE: &str = r#"version: "3.9"
services:
  api:
    image: lantern/api:1.4
    env_file: app.env
    environment:
      DB_PASSWORD: ${secrets.DB_PASSWORD|yaml}
      DATABASE_URL: postgres://app:${secrets.DB_PASSWORD|url}@db/app
    command: ["serve", "--session", ${secrets.SESSION_SECRET|json}]
"#;

#[test]
#[ignore = "needs docker-compose; .ci/run installs Debian's and runs this"]
fn docker_compose_config_prints_the_resolved_file_masked() {
    let _serial = serial();
    let compose = std::env::var("SMAQIT_DOCKER_COMPOSE").unwrap_or_else(|_| "docker-compose".into());
    // `config` resolves the file (and the env_file beside it) and prints it
    // whole: every value, in YAML, with no daemon needed.
    let dir = engine_project(
        &[("deploy/docker-compose.yml", COMPOSE)],
        &format!("[\"{compose}\", \"-f\", \"{{rendered}}/deploy/docker-compose.yml\", \"config\"]"),
    );
    deploy_and_check(&dir, &["DB_PASSWORD: ***", "SESSION_SECRET: ***", "postgres://app:***@db/app"]);
}

const KUSTOMIZATION: &str =
    "secretGenerator:\n- name: db\n  files:\n  - password=db-password\nresources:\n- secret.yaml\n";
const K8S_SECRET: &str = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: session\nstringData:\n  session: ${secrets.SESSION_SECRET|yaml}\n  password: ${secrets.DB_PASSWORD|yaml}\n";

#[test]
#[ignore = "needs kubectl; .ci/run installs Debian's kubernetes-client and runs this"]
fn kubectl_kustomize_prints_the_manifests_masked_plain_and_base64() {
    let _serial = serial();
    let kubectl = std::env::var("SMAQIT_KUBECTL").unwrap_or_else(|_| "kubectl".into());
    // The generated Secret holds the password base64-encoded; the plain
    // one holds both values as YAML.
    let dir = engine_project(
        &[
            ("deploy/k8s/kustomization.yaml", KUSTOMIZATION),
            ("deploy/k8s/secret.yaml", K8S_SECRET),
            ("deploy/k8s/db-password", "${secrets.DB_PASSWORD}"),
        ],
        &format!("[\"{kubectl}\", \"kustomize\", \"{{rendered}}/deploy/k8s\"]"),
    );
    deploy_and_check(&dir, &["password: ***", "session: ***", "kind: Secret"]);
}
