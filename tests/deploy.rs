//! Deploy end to end: the real executor deploys a real local service
//! (fixtures/clean, environment `local`) and checks its health over
//! loopback. Canary secrets are planted and searched for everywhere.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};
use support::*;

const PW: &str = "Canary-pw/+7=é\"q";
const SESSION: &str = "canary-session-4b1f9e0c";

fn forms(v: &str) -> Vec<String> {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(v);
    let url: String = v
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let json = serde_json::to_string(v).unwrap();
    // JSON as Python writes it: non-ASCII escaped.
    let ascii: String = json[1..json.len() - 1]
        .chars()
        .map(|c| {
            if c.is_ascii() {
                c.to_string()
            } else {
                c.encode_utf16(&mut [0; 2]).iter().map(|u| format!("\\u{u:04x}")).collect()
            }
        })
        .collect();
    vec![v.to_owned(), b64, url, json[1..json.len() - 1].to_owned(), ascii]
}

/// Every form of every canary is absent from `text`.
fn assert_clean(what: &str, text: &str) {
    for v in [PW, SESSION] {
        for f in forms(v) {
            assert!(!text.contains(&f), "{what} leaks a secret form `{}`…", &f[..4.min(f.len())]);
        }
    }
}

/// Every file under `dir` (and the temp folders the executor made) is clean.
fn assert_tree_clean(dir: &Path) {
    for entry in walk(dir) {
        if let Ok(text) = std::fs::read_to_string(&entry) {
            assert_clean(&entry.display().to_string(), &text);
        }
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() { out.extend(walk(&p)) } else { out.push(p) }
        }
    }
    out
}

struct Service(PathBuf);

impl Drop for Service {
    fn drop(&mut self) {
        if let Ok(pid) = std::fs::read_to_string(self.0.join(".smaqit/run/service.pid")) {
            let _ = Command::new("kill").arg(pid.trim()).status();
        }
    }
}

fn deploy(dir: &Path, env: &[(&str, &str)]) -> (i32, Value, String) {
    // A temp folder of its own, so the private folder's removal is checked
    // without racing other tests.
    let tmp = PathBuf::from(format!("{}-tmp", dir.display()));
    std::fs::create_dir_all(&tmp).unwrap();
    let out = Command::new(bin())
        .args(["deploy", "--env", "local", "--yes"])
        .current_dir(dir)
        .env("TMPDIR", &tmp)
        .envs(env.iter().copied())
        .output()
        .unwrap();
    let left: Vec<_> = std::fs::read_dir(&tmp).unwrap().flatten().map(|e| e.path()).collect();
    assert!(left.is_empty(), "the private folder is removed: {left:?}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_clean("deploy stdout", &stdout);
    assert_clean("deploy stderr", &stderr);
    let v: Value = serde_json::from_str(stdout.trim()).unwrap_or_else(|e| panic!("{e}: {stdout}\n{stderr}"));
    (out.status.code().unwrap_or(-1), v, stderr)
}

fn status_of(dir: &Path, spec: &str) -> String {
    let text = std::fs::read_to_string(dir.join(spec)).unwrap();
    text.lines().find_map(|l| l.strip_prefix("status: ")).unwrap().to_owned()
}

fn set_env(dir: &Path, f: impl Fn(&str) -> String) {
    let p = dir.join(".smaqit/environments.toml");
    let text = std::fs::read_to_string(&p).unwrap();
    std::fs::write(&p, f(&text)).unwrap();
}

const INFRA: &str = "specs/infrastructure/local-service.md";
const UPSTREAM: &str = "specs/functional/reading-lists.md";

#[test]
fn cli_deploys_with_the_env_provider_and_writes_back() {
    let dir = temp_copy("clean");
    let _svc = Service(dir.clone());
    let (code, out, stderr) =
        deploy(&dir, &[("SMAQIT_SECRET_DB_PASSWORD", PW), ("SMAQIT_SECRET_SESSION_SECRET", SESSION)]);
    assert_eq!(code, 0, "{out}\n{stderr}");
    assert_eq!(out["status"], "success");
    let endpoint = out["endpoint"].as_str().unwrap();
    assert!(endpoint.starts_with("http://127.0.0.1:"));
    assert!(stderr.contains("health: GET"), "progress on stderr: {stderr}");
    // The service really runs and is healthy over loopback.
    let port = endpoint.trim_start_matches("http://127.0.0.1:").trim_end_matches('/');
    let mut conn = std::net::TcpStream::connect(format!("127.0.0.1:{port}")).unwrap();
    use std::io::{Read, Write};
    write!(conn, "GET /health HTTP/1.0\r\nHost: x\r\n\r\n").unwrap();
    let mut body = String::new();
    conn.read_to_string(&mut body).unwrap();
    assert!(body.starts_with("HTTP/1.0 200") && body.contains("\"deployedAt\""), "{body}");
    // Statuses, timestamps, ticks; untouched bytes elsewhere.
    assert_eq!(status_of(&dir, INFRA), "deployed");
    assert_eq!(status_of(&dir, UPSTREAM), "deployed");
    assert_eq!(status_of(&dir, "specs/business/uc1-save-links.md"), "deployed");
    let infra = std::fs::read_to_string(dir.join(INFRA)).unwrap();
    assert!(infra.contains("\ndeployed: 20"));
    let original = std::fs::read_to_string(fixture("clean").join(INFRA)).unwrap();
    let stamp = infra.lines().find(|l| l.starts_with("deployed: ")).unwrap();
    assert_eq!(
        infra,
        original
            .replace("status: draft\n", &format!("status: deployed\n{stamp}\n"))
            .replace("- [ ] INF-LOCAL-SERVICE-001", "- [x] INF-LOCAL-SERVICE-001"),
        "only the status, its timestamp and the criterion the health check verified change"
    );
    // The report.
    let report = PathBuf::from(out["report"].as_str().unwrap());
    let text = std::fs::read_to_string(&report).unwrap();
    for section in [
        "# Deployment Phase Report",
        "### Summary",
        "specs/infrastructure/local-service.md\n```",
        "### Infrastructure Specifications Processed",
        "#### INF-LOCAL-SERVICE",
        "- **Not verified by the deploy:** INF-LOCAL-SERVICE-002",
        "(reachable: a health check reached it)",
        "### Health Checks",
        "### Acceptance Criteria Status",
        "/smaqit.coverage",
        "```mermaid",
        "INF_LOCAL_SERVICE[\"INF-LOCAL-SERVICE\"] --> FUN_LISTS[\"FUN-LISTS\"]",
    ] {
        assert!(text.contains(section), "report lacks {section:?}:\n{text}");
    }
    // A second deploy the same day appends a section.
    let (code, _, _) = deploy(&dir, &[("SMAQIT_SECRET_DB_PASSWORD", PW), ("SMAQIT_SECRET_SESSION_SECRET", SESSION)]);
    assert_eq!(code, 0);
    let text = std::fs::read_to_string(&report).unwrap();
    assert_eq!(text.matches("## Deployment at ").count(), 2);
    assert_tree_clean(&dir);
}

#[test]
fn cli_deploys_with_the_file_and_command_providers() {
    let dir = temp_copy("clean");
    let _svc = Service(dir.clone());
    let secrets_dir = std::env::temp_dir().join(format!("smaqit-secrets-{}", std::process::id()));
    std::fs::create_dir_all(&secrets_dir).unwrap();
    let file = secrets_dir.join("lantern.env");
    std::fs::write(&file, format!("DB_PASSWORD={PW}\nSESSION_SECRET={SESSION}\n")).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let provider = format!("secrets = {{ provider = \"file\", path = \"{}\" }}", file.display());
    set_env(&dir, |t| t.replace("secrets = { provider = \"env\" }", &provider));
    let (code, out, _) = deploy(&dir, &[]);
    assert_eq!((code, out["status"].as_str()), (1, Some("failed")), "{out}");
    assert!(out["message"].as_str().unwrap().contains("readable by group or others"), "{out}");
    assert!(out["message"].as_str().unwrap().contains("nothing was run"), "{out}");
    assert_eq!(status_of(&dir, INFRA), "draft", "nothing ran: no spec changes");
    let report = std::fs::read_to_string(out["report"].as_str().unwrap()).unwrap();
    assert!(report.contains("- none (the deploy did not start)"), "no file was rendered: {report}");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let (code, out, _) = deploy(&dir, &[]);
    assert_eq!(code, 0, "{out}");

    let dir2 = temp_copy("clean");
    let _svc2 = Service(dir2.clone());
    set_env(&dir2, |t| {
        t.replace(
            "secrets = { provider = \"env\" }",
            "secrets = { provider = \"command\", argv = [\"printenv\", \"VAULT_{name}\"] }",
        )
    });
    let (code, out, _) = deploy(&dir2, &[("VAULT_DB_PASSWORD", PW), ("VAULT_SESSION_SECRET", SESSION)]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(status_of(&dir2, INFRA), "deployed");
    assert_tree_clean(&dir);
    assert_tree_clean(&dir2);
    let _ = std::fs::remove_dir_all(&secrets_dir);
}

#[test]
fn a_failing_step_is_retried_until_it_fails_the_same_way_and_its_output_scrubbed() {
    let dir = temp_copy("clean");
    // The step prints the secret raw, base64, URL-encoded and JSON-escaped.
    let leaky = r#"["sh", "-c", "echo raw=$DB_PASSWORD; printf %s \"$DB_PASSWORD\" | base64; python3 -c 'import os,json,urllib.parse as u; v=os.environ[\"DB_PASSWORD\"]; print(u.quote(v, safe=\"\")); print(json.dumps(v)); print(v[:8]); print(v[8:])'; exit 7"]"#;
    set_env(&dir, |t| {
        let start = t.find("steps = [").unwrap();
        let end = t[start..].find("\n]\n").unwrap() + start + 3;
        format!("{}steps = [{leaky}]\n{}", &t[..start], &t[end..])
    });
    let (code, out, stderr) =
        deploy(&dir, &[("SMAQIT_SECRET_DB_PASSWORD", PW), ("SMAQIT_SECRET_SESSION_SECRET", SESSION)]);
    assert_eq!(code, 1);
    assert_eq!(out["status"], "failed");
    assert_eq!(out["attempts"], 2, "a retry that fails the same way is not retried again");
    assert_eq!(out["escalated"], true, "{out}");
    assert!(out["message"].as_str().unwrap().contains("human review"), "{out}");
    assert!(stderr.contains("raw=***"), "the output is forwarded, scrubbed: {stderr}");
    // Split across two lines, each half alone is masked too.
    assert!(!stderr.contains(&PW[..8]) && !stderr.contains(&PW[8..]), "a value split across lines leaks: {stderr}");
    assert_eq!(status_of(&dir, INFRA), "failed");
    assert_eq!(status_of(&dir, UPSTREAM), "implemented", "upstream specs move only on success");
    let report = std::fs::read_to_string(out["report"].as_str().unwrap()).unwrap();
    assert_eq!(report.matches("#### Attempt ").count(), 2);
    assert!(report.contains("exited with exit status: 7"));
    assert!(!report.contains(&PW[..8]) && !report.contains(&PW[8..]));
    assert_tree_clean(&dir);
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
fn deploy_is_refused_while_conflicts_stand() {
    let dir = temp_copy("example");
    for f in [".smaqit/environments.toml", "deploy/app.env", "deploy/service.py"] {
        std::fs::copy(fixture("clean").join(f), dir.join(f)).unwrap();
    }
    // Without a `specs` list, the specs whose Target Environment is `local`.
    set_env(&dir, |t| t.replace("specs = [\"INF-LOCAL-SERVICE\"]\n", ""));
    let (code, out, stderr) = deploy(&dir, &[]);
    assert_eq!((code, out["status"].as_str()), (1, Some("refused")));
    let conflicts: Vec<&str> = out["conflicts"].as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect();
    // `local` deploys the specs whose Target Environment is local; the
    // findings of those (and of what they use) block it, file:line:col first.
    assert!(
        conflicts
            .iter()
            .any(|c| c.starts_with("specs/infrastructure/backups.md:4:") && c.contains("frontmatter/yaml-syntax")),
        "{conflicts:?}"
    );
    assert!(!conflicts.iter().any(|c| c.contains("ci-pipeline.md")), "ci's specs are not local's: {conflicts:?}");
    assert!(stderr.contains("specs/infrastructure/backups.md:4:"), "{stderr}");
}

fn caps() -> Value {
    json!({
        "window": { "workDoneProgress": true, "showDocument": { "support": true } },
        "workspace": { "applyEdit": true, "workspaceEdit": { "documentChanges": true } }
    })
}

#[test]
fn lsp_deploy_reports_progress_writes_back_around_user_typing_and_opens_the_report() {
    let dir = temp_copy("clean");
    let _svc = Service(dir.clone());
    // A slower first step leaves time to type during the deploy.
    set_env(&dir, |t| t.replacen("steps = [\n", "steps = [\n  [\"sleep\", \"1\"],\n", 1));
    let env = [("SMAQIT_SECRET_DB_PASSWORD", PW), ("SMAQIT_SECRET_SESSION_SECRET", SESSION)];
    let (mut lsp, init) = Lsp::start_with_env(&dir, caps(), json!({ "debounceMs": 0 }), &env);
    let commands = init["capabilities"]["executeCommandProvider"]["commands"].as_array().unwrap().clone();
    assert!(commands.contains(&json!("smaqit.deploy")));
    let path = dir.join(INFRA);
    let (u, mut text) = lsp.open(&path, 1);
    let envs =
        lsp.request("workspace/executeCommand", json!({ "command": "smaqit.listEnvironments", "arguments": [] }));
    assert_eq!(envs[0]["name"], "local");
    assert!(envs[0]["steps"].as_array().unwrap().len() >= 2);
    let plan = lsp.request("workspace/executeCommand", json!({ "command": "smaqit.plan", "arguments": [] }));
    assert_eq!(plan["output"], "specs/infrastructure/local-service.md\n");

    let typed = "\nNotes typed during the deploy.\n";
    let mut version = 1;
    let mut applied: Vec<Value> = Vec::new();
    let mut typed_yet = false;
    let resp = lsp.request_with(
        "workspace/executeCommand",
        json!({ "command": "smaqit.deploy", "arguments": [{ "environment": "local" }] }),
        &mut |m| {
            if m["method"] == "$/progress" && m["params"]["value"]["kind"] == "report" && !typed_yet {
                typed_yet = true;
                version += 1;
                let end = position_utf16(&text, text.len());
                text.push_str(typed);
                return vec![json!({ "jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
                    "textDocument": { "uri": u, "version": version },
                    "contentChanges": [{ "range": { "start": end, "end": end }, "text": typed }] } })];
            }
            if m["method"] == "workspace/applyEdit" {
                applied.push(m["params"].clone());
            }
            Vec::new()
        },
    );
    let result = &resp["result"];
    assert_eq!(result["status"], "success", "{resp}");
    assert!(typed_yet, "progress was reported");
    let edit = applied
        .iter()
        .find(|e| e["edit"]["documentChanges"][0]["textDocument"]["uri"] == u.as_str())
        .expect("applyEdit for the open spec");
    let change = &edit["edit"]["documentChanges"][0];
    assert_eq!(change["textDocument"]["version"], version, "computed on the text the user has now");
    let new_text = apply_edits(&text, change["edits"].as_array().unwrap());
    assert!(new_text.contains("status: deployed") && new_text.ends_with(typed), "{new_text}");
    // The closed upstream spec was written on disk, the report shown.
    assert_eq!(status_of(&dir, UPSTREAM), "deployed");
    let report = result["report"].as_str().unwrap();
    assert!(lsp.received.iter().any(|m| m["method"] == "window/showDocument" && m["params"]["uri"] == report));
    let kinds: Vec<String> = lsp
        .received
        .iter()
        .filter(|m| {
            m["method"] == "$/progress" && m["params"]["token"].as_str().is_some_and(|t| t.starts_with("smaqit/deploy"))
        })
        .map(|m| m["params"]["value"]["kind"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(kinds.first().map(String::as_str), Some("begin"));
    assert_eq!(kinds.last().map(String::as_str), Some("end"));
    let status = lsp.request("workspace/executeCommand", json!({ "command": "smaqit.status", "arguments": [] }));
    assert_eq!(status["deploying"], false);
    for m in &lsp.received {
        assert_clean("an LSP message", &m.to_string());
    }
    lsp.shutdown();
    assert_tree_clean(&dir);
}

#[test]
fn lsp_deploy_can_be_cancelled_and_changes_nothing() {
    let dir = temp_copy("clean");
    set_env(&dir, |t| t.replacen("steps = [\n", "steps = [\n  [\"sleep\", \"30\"],\n", 1));
    let env = [("SMAQIT_SECRET_DB_PASSWORD", PW), ("SMAQIT_SECRET_SESSION_SECRET", SESSION)];
    let (mut lsp, _) = Lsp::start_with_env(&dir, caps(), json!({ "debounceMs": 0 }), &env);
    let before = std::fs::read_to_string(dir.join(INFRA)).unwrap();
    let started = std::time::Instant::now();
    let mut sent = false;
    let resp = lsp.request_with(
        "workspace/executeCommand",
        json!({ "command": "smaqit.deploy", "arguments": [{ "environment": "local" }] }),
        &mut |m| {
            let p = &m["params"];
            if !sent && m["method"] == "$/progress" && p["value"]["message"].as_str().is_some_and(|s| s.contains("sleep")) {
                sent = true;
                return vec![json!({ "jsonrpc": "2.0", "method": "window/workDoneProgress/cancel", "params": { "token": p["token"] } })];
            }
            Vec::new()
        },
    );
    assert_eq!(resp["result"]["status"], "cancelled", "{resp}");
    assert!(started.elapsed().as_secs() < 20, "the sleeping step was killed");
    assert_eq!(std::fs::read_to_string(dir.join(INFRA)).unwrap(), before);
    assert!(
        !dir.join(".smaqit/reports")
            .read_dir()
            .unwrap()
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with("deployment-"))
    );
    lsp.shutdown();
}

fn tmp_of(dir: &Path) -> PathBuf {
    let tmp = PathBuf::from(format!("{}-tmp", dir.display()));
    std::fs::create_dir_all(&tmp).unwrap();
    tmp
}

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

/// Processes whose environment holds `value`.
fn canary_processes(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        if let Ok(env) = std::fs::read(e.path().join("environ"))
            && String::from_utf8_lossy(&env).contains(value)
        {
            out.push(e.file_name().to_string_lossy().into_owned());
        }
    }
    out
}

/// After `killed` was killed mid-step: within 15 s no process holds `pw` and
/// the private folder in `tmp` is gone; no file of `dir` holds `pw`.
fn assert_nothing_left(dir: &Path, tmp: &Path, pw: &str, killed: &str) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        let left: Vec<_> = std::fs::read_dir(tmp).unwrap().flatten().map(|e| e.path()).collect();
        let procs = canary_processes(pw);
        if left.is_empty() && procs.is_empty() {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "{killed} killed: left {left:?}, processes {procs:?}");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    for f in walk(dir) {
        assert!(!std::fs::read_to_string(&f).unwrap_or_default().contains(pw), "{} holds the secret", f.display());
    }
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
fn killing_the_server_mid_deploy_leaves_no_secret_behind_and_the_next_deploy_works() {
    let pw = "Server-killed-canary-57";
    let dir = temp_copy("clean");
    let _svc = Service(dir.clone());
    set_env(&dir, |t| t.replacen("steps = [\n", "steps = [\n  [\"sleep\", \"30\"],\n", 1));
    let tmp = tmp_of(&dir);
    let tmp_s = tmp.to_string_lossy().into_owned();
    let env = [("SMAQIT_SECRET_DB_PASSWORD", pw), ("SMAQIT_SECRET_SESSION_SECRET", SESSION), ("TMPDIR", &tmp_s)];
    let (mut lsp, _) = Lsp::start_with_env(&dir, caps(), json!({ "debounceMs": 0 }), &env);
    let before = std::fs::read_to_string(dir.join(INFRA)).unwrap();
    lsp.send(&json!({ "jsonrpc": "2.0", "id": "deploy", "method": "workspace/executeCommand",
        "params": { "command": "smaqit.deploy", "arguments": [{ "environment": "local" }] } }));
    // The executor runs its sleeping step (its private folder exists by then).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while std::fs::read_dir(&tmp).unwrap().next().is_none() {
        assert!(std::time::Instant::now() < deadline, "the deploy never started");
        lsp.pump(std::time::Duration::from_millis(50));
    }
    lsp.pump(std::time::Duration::from_millis(300));
    assert!(!canary_processes(pw).is_empty(), "the step runs with the secret");
    let server = lsp.pid();
    lsp.kill();
    // The executor and its steps die with the server; the private folder goes.
    assert_nothing_left(&dir, &tmp, pw, &format!("server {server}"));
    for m in &lsp.received {
        assert!(!m.to_string().contains(pw), "an LSP message holds the secret: {m}");
    }
    // Nothing half-written: the spec is as it was.
    assert_eq!(std::fs::read_to_string(dir.join(INFRA)).unwrap(), before);
    // And the next deploy works.
    set_env(&dir, |t| t.replacen("  [\"sleep\", \"30\"],\n", "", 1));
    let (code, out, _) = deploy(&dir, &[("SMAQIT_SECRET_DB_PASSWORD", PW), ("SMAQIT_SECRET_SESSION_SECRET", SESSION)]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(status_of(&dir, INFRA), "deployed");
}
