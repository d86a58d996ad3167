//! Deploy from the editor: the `smaqit.deploy` command over real LSP, its
//! progress, cancellation and write-back into open documents, and the
//! server killed mid-deploy.

mod support;

use serde_json::{Value, json};
use support::deploy::*;
use support::*;

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
    // What it would deploy, for the confirmation.
    assert_eq!((&envs[0]["specs"], &envs[0]["pending"]), (&json!([INFRA]), &json!([INFRA])), "{envs}");
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
