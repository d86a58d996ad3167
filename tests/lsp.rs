//! End-to-end: the real `smaqit-ls` binary over JSON-RPC on stdio — document
//! sync, positions and publishing.

mod support;

use serde_json::{Value, json};
use support::*;

fn caps_push() -> Value {
    json!({
        "general": { "positionEncodings": ["utf-16"] },
        "window": { "workDoneProgress": true },
        "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } },
        "textDocument": { "publishDiagnostics": { "relatedInformation": true } }
    })
}

fn fast() -> Value {
    json!({ "debounceMs": 0 })
}

/// A server on a copy of fixture `name`, its index built.
fn indexed(name: &str) -> (Lsp, std::path::PathBuf) {
    let dir = temp_copy(name);
    let (mut lsp, _) = Lsp::start(&dir, caps_push(), fast());
    lsp.wait_for("$/progress", |p| p["value"]["kind"] == "end");
    (lsp, dir)
}

/// A server on a copy of fixtures/clean with `text` written to and opened
/// as `specs/business/probe.md`.
fn open_probe(text: &str, version: i32) -> (Lsp, Doc) {
    let dir = probe_project();
    let path = dir.join("specs/business/probe.md");
    std::fs::write(&path, text).unwrap();
    let (mut lsp, _) = Lsp::start(&dir, caps_push(), fast());
    let doc = lsp.open_text(&path, text, version, "markdown");
    (lsp, doc)
}

#[test]
fn initialize_advertises_capabilities_and_indexes_with_progress() {
    let root = fixture("example");
    let (mut lsp, init) = Lsp::start(&root, caps_push(), fast());
    let caps = &init["capabilities"];
    assert_eq!(caps["positionEncoding"], "utf-16");
    assert_eq!(caps["textDocumentSync"]["change"], 2, "incremental sync");
    assert!(caps["codeActionProvider"].is_object());
    assert!(caps.get("diagnosticProvider").is_none(), "push mode when the client cannot pull");
    assert_eq!(init["serverInfo"]["name"], "smaqit-ls");
    // Work-done progress for the index, then diagnostics for closed files.
    let end = lsp.wait_for("$/progress", |p| p["value"]["kind"] == "end");
    assert!(end["value"]["message"].as_str().unwrap().ends_with("other files indexed"), "{end}");
    let tooling = uri(&root.join("specs/stack/tooling.md"));
    let d = lsp.diagnostics(&tooling, |d| !d.is_empty());
    assert_eq!(codes(&d), ["frontmatter/unterminated"]);
    assert_eq!(d[0]["source"], "smaqit");
    assert!(d[0]["codeDescription"]["href"].as_str().unwrap().ends_with("#frontmatterunterminated"));
    // The watcher registration went out.
    assert!(lsp.received.iter().any(|m| m["method"] == "client/registerCapability"));
    assert_eq!(lsp.shutdown(), Some(0));
}

#[test]
fn did_open_publishes_each_family_with_related_information() {
    let root = fixture("example");
    let (mut lsp, _) = Lsp::start(&root, caps_push(), fast());
    let path = root.join("specs/infrastructure/ci-pipeline.md");
    let (u, text) = lsp.open(&path, 1);
    let d = lsp.diagnostics(&u, |d| codes(d).contains(&"criteria/duplicate-id".to_owned()));
    let dup = d.iter().find(|d| d["code"] == "criteria/duplicate-id").unwrap();
    assert_eq!(dup["severity"], 1);
    let rel = &dup["relatedInformation"][0];
    assert!(rel["location"]["uri"].as_str().unwrap().ends_with("release-pipeline.md"));
    assert_eq!(rel["location"]["range"]["start"]["line"], 36);
    let ts = d.iter().find(|d| d["code"] == "frontmatter/missing-timestamp").unwrap();
    let start = offset_utf16(&text, 2, ts["range"]["start"]["character"].as_u64().unwrap());
    assert!(text[start..].starts_with("deployed"));
    lsp.shutdown();
}

#[test]
fn incremental_edits_with_emoji_place_diagnostics_in_utf16() {
    let text = "---\nid: BUS-PROBE\nstatus: implemented\ncreated: 2025-01-01T00:00:00Z\nimplemented: 2025-01-02T00:00:00Z\n---\n# Probe\n\n## Acceptance Criteria\n- [x] BUS-PROBE-001: works\n";
    let (mut lsp, mut doc) = open_probe(text, 1);
    lsp.diagnostics(&doc.uri, |d| d.is_empty());
    // Type a new open criterion after emoji and CJK, in three keystrokes.
    for piece in ["- [ ] 😀保存 ", "BUS-PROBE", "-002: 📝 more\n"] {
        doc.append(&mut lsp, piece);
    }
    // `- [ ] 😀保存 BUS-PROBE-002` is not a criterion (text before the ID),
    // so fix it into one: delete the emoji run, keeping the ID.
    let junk_start = doc.text.rfind("- [ ] 😀").unwrap() + "- [ ] ".len();
    let junk_end = doc.text.find("BUS-PROBE-002").unwrap();
    doc.edit(&mut lsp, junk_start..junk_end, "");
    let d = lsp.diagnostics(&doc.uri, |d| codes(d) == ["criteria/open-in-done-spec"]);
    let id_at = doc.text.find("BUS-PROBE-002").unwrap();
    assert_eq!(d[0]["range"]["start"], doc.pos(id_at));
    assert_eq!(d[0]["range"]["end"], doc.pos(id_at + "BUS-PROBE-002".len()));
    // An emoji and CJK before a finding on the same line: UTF-16 columns
    // count the emoji as two units.
    for piece in ["Notes 😀保存 ", "[TIMESTAMP] 🚀\n"] {
        doc.append(&mut lsp, piece);
    }
    let d = lsp.diagnostics(&doc.uri, |d| codes(d).contains(&"frontmatter/template-leftover".to_owned()));
    let leftover = d.iter().find(|d| d["code"] == "frontmatter/template-leftover").unwrap();
    let at = doc.text.find("[TIMESTAMP]").unwrap();
    assert_eq!(leftover["range"]["start"], doc.pos(at));
    assert_eq!(leftover["range"]["start"]["character"], 11, "6 + 2 (emoji) + 2 (CJK) + 1");
    assert_eq!(leftover["range"]["end"], doc.pos(at + "[TIMESTAMP]".len()));
    lsp.shutdown();
}

#[test]
fn pull_diagnostics_when_the_client_supports_them() {
    let root = fixture("example");
    let caps = json!({
        "textDocument": { "diagnostic": { "dynamicRegistration": false } },
        "workspace": { "diagnostics": { "refreshSupport": true } }
    });
    let (mut lsp, init) = Lsp::start(&root, caps, fast());
    assert_eq!(init["capabilities"]["diagnosticProvider"]["workspaceDiagnostics"], true);
    let path = root.join("specs/stack/web-client.md");
    let (u, _) = lsp.open(&path, 1);
    let report = lsp.request("textDocument/diagnostic", json!({ "textDocument": { "uri": u } }));
    assert_eq!(report["kind"], "full");
    let c = codes(report["items"].as_array().unwrap());
    assert!(c.contains(&"frontmatter/unknown-status".to_owned()), "{c:?}");
    // The workspace report covers closed files once the index is built.
    let mut found = false;
    for _ in 0..100 {
        let ws = lsp.request("workspace/diagnostic", json!({ "previousResultIds": [] }));
        found = ws["items"].as_array().unwrap().iter().any(|i| i["uri"].as_str().unwrap().ends_with("tooling.md"));
        if found {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(found);
    assert!(!lsp.received.iter().any(|m| m["method"] == "textDocument/publishDiagnostics"), "no push in pull mode");
    lsp.shutdown();
}

#[test]
fn utf8_positions_when_negotiated() {
    let dir = probe_project();
    let path = dir.join("specs/business/probe.md");
    let text = "---\nid: BUS-PROBE\nstatus: implemented\ncreated: 2025-01-01\nimplemented: 2025-01-02\n---\n# Probe\n## Acceptance Criteria\n- [ ] BUS-PROBE-001: 😀\n";
    std::fs::write(&path, text).unwrap();
    let caps = json!({ "general": { "positionEncodings": ["utf-8", "utf-16"] } });
    let (mut lsp, init) = Lsp::start(&dir, caps, fast());
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-8");
    let u = lsp.open_text(&path, text, 1, "markdown").uri;
    // Raw UTF-8 columns (the client's own encoding, not the helper's UTF-16).
    // Insert "é" (2 bytes) before the ID using a UTF-8 column.
    lsp.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": u, "version": 2 }, "contentChanges": [{ "range": { "start": { "line": 8, "character": 0 }, "end": { "line": 8, "character": 0 } }, "text": "é" }] }),
    );
    // "é- [ ] …" is no criterion any more; put it back with a UTF-8 range.
    lsp.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": u, "version": 3 }, "contentChanges": [{ "range": { "start": { "line": 8, "character": 0 }, "end": { "line": 8, "character": 2 } }, "text": "" }] }),
    );
    let d = lsp.diagnostics(&u, |d| codes(d) == ["criteria/open-in-done-spec"]);
    assert_eq!(d[0]["range"]["start"], json!({ "line": 8, "character": 6 }));
    lsp.shutdown();
}

#[test]
fn hostile_positions_and_stale_versions_are_survived() {
    let text = "---\nid: BUS-PROBE\nstatus: draft\ncreated: 2025-01-01\n---\n# 😀\n## Acceptance Criteria\n- [ ] BUS-PROBE-001: x\n";
    let (mut lsp, doc) = open_probe(text, 5);
    let u = doc.uri;
    // Raw ranges on purpose: inside the surrogate pair of 😀 (line 5, UTF-16 column 3), a reversed
    // range, and a position far past the end.
    lsp.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": u, "version": 6 }, "contentChanges": [
            { "range": { "start": { "line": 5, "character": 3 }, "end": { "line": 5, "character": 3 } }, "text": "A" },
            { "range": { "start": { "line": 999, "character": 9 }, "end": { "line": 2, "character": 0 } }, "text": "" },
            { "range": { "start": { "line": 4000000000u32, "character": 4000000000u32 }, "end": { "line": 4000000000u32, "character": 4000000000u32 } }, "text": "tail\n" }
        ]}),
    );
    // Clamped: "A" lands before the emoji; the reversed range deletes from
    // line 2 to the end, leaving an unterminated frontmatter.
    // A stale version is refused, an unknown document is ignored.
    lsp.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": u, "version": 4 }, "contentChanges": [{ "text": "LOST" }] }),
    );
    lsp.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": "file:///nope.md", "version": 1 }, "contentChanges": [{ "text": "x" }] }),
    );
    // Unknown method and malformed params get errors, not a crash.
    let r = lsp.request_raw("smaqit/nonsense", json!({}));
    assert!(r["error"].is_object());
    let r = lsp.request_raw("textDocument/codeAction", json!({ "bogus": true }));
    assert!(r["error"].is_object());
    // The server still answers, and its text is what we computed: a
    // full-document code action shows the frontmatter is gone.
    let acts = lsp.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": u }, "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } }, "context": { "diagnostics": [] } }),
    );
    assert!(acts.as_array().unwrap().is_empty(), "no transitions without a closed frontmatter: {acts}");
    let d = lsp.diagnostics(&u, |d| codes(d).contains(&"frontmatter/unterminated".to_owned()));
    assert!(!d.is_empty());
    assert!(lsp.is_alive());
    assert!(
        lsp.received
            .iter()
            .any(|m| m["method"] == "window/logMessage"
                && m["params"]["message"].as_str().unwrap_or("").contains("stale"))
    );
    assert_eq!(lsp.shutdown(), Some(0));
}

#[test]
fn closing_a_document_restores_the_disk_state() {
    let text = "---\nid: BUS-PROBE\nstatus: draft\ncreated: 2025-01-01\n---\n# P\n## Acceptance Criteria\n- [x] BUS-PROBE-001: x\n";
    let (mut lsp, mut doc) = open_probe(text, 1);
    doc.set(&mut lsp, &text.replace("status: draft", "status: bogus"));
    lsp.diagnostics(&doc.uri, |d| codes(d) == ["frontmatter/unknown-status"]);
    lsp.notify("textDocument/didClose", json!({ "textDocument": { "uri": doc.uri } }));
    lsp.diagnostics(&doc.uri, |d| d.is_empty());
    lsp.shutdown();
}

#[test]
fn a_secret_typed_into_an_open_iac_file_is_flagged_and_cleared_incrementally() {
    let dir = temp_copy("clean");
    let path = dir.join("deploy/values.yaml");
    let text: String = (0..600).map(|i| format!("key{i}: value {i}\n")).collect();
    std::fs::write(&path, &text).unwrap();
    let (mut lsp, _) = Lsp::start(&dir, caps_push(), fast());
    let mut doc = lsp.open_text(&path, &text, 1, "yaml");
    lsp.diagnostics(&doc.uri, |d| d.is_empty());
    // Line 400 of 600: far from the start, so only a window is re-scanned.
    let at = doc.text.match_indices('\n').nth(399).unwrap().0 + 1;
    let password = format!("Harbor{}Lights!", 2031);
    doc.insert(&mut lsp, at, &format!("db_password: \"{password}\"\n"));
    let d = lsp.diagnostics(&doc.uri, |d| !d.is_empty());
    assert_eq!(d[0]["code"], "secret/generic-password");
    assert_eq!(d[0]["range"]["start"]["line"], 400);
    // A line inserted above moves it; deleting it clears it.
    doc.insert(&mut lsp, 0, "top: 1\n");
    let d = lsp.diagnostics(&doc.uri, |d| d.first().is_some_and(|x| x["range"]["start"]["line"] == 401));
    assert_eq!(d.len(), 1);
    let line = doc.text.find("db_password").unwrap();
    let next = line + doc.text[line..].find('\n').unwrap() + 1;
    doc.edit(&mut lsp, line..next, "");
    lsp.diagnostics(&doc.uri, |d| d.is_empty());
    lsp.shutdown();
}

#[test]
fn watched_file_events_recheck_the_neighbours() {
    let (mut lsp, dir) = indexed("clean");
    let original = uri(&dir.join("specs/business/uc1-save-links.md"));
    let copy = dir.join("specs/business/copy.md");
    std::fs::copy(dir.join("specs/business/uc1-save-links.md"), &copy).unwrap();
    lsp.notify("workspace/didChangeWatchedFiles", json!({ "changes": [{ "uri": uri(&copy), "type": 1 }] }));
    lsp.diagnostics(&original, |d| codes(d).contains(&"spec/duplicate-id".to_owned()));
    std::fs::remove_file(&copy).unwrap();
    lsp.notify("workspace/didChangeWatchedFiles", json!({ "changes": [{ "uri": uri(&copy), "type": 3 }] }));
    lsp.diagnostics(&original, |d| !codes(d).contains(&"spec/duplicate-id".to_owned()));
    lsp.shutdown();
}

#[test]
fn an_edit_republishes_the_document_and_only_the_neighbours_whose_diagnostics_changed() {
    let (mut lsp, dir) = indexed("clean");
    let path = dir.join("specs/business/uc1-save-links.md");
    let mut doc = lsp.open_doc(&path, 1);
    let u = doc.uri.clone();
    lsp.wait_for("textDocument/publishDiagnostics", |p| p["uri"] == u.as_str() && p["version"] == 1);
    lsp.drain(std::time::Duration::from_millis(300));
    let referrers =
        [uri(&dir.join("specs/functional/saved-links.md")), uri(&dir.join("specs/functional/reading-lists.md"))];

    // Prose: the document's findings are the same, but each version is
    // published; files that refer to it see nothing new.
    let at = doc.text.find("in one step").unwrap();
    doc.insert(&mut lsp, at, "quickly ");
    lsp.wait_for("textDocument/publishDiagnostics", |p| p["uri"] == u.as_str() && p["version"] == 2);
    lsp.pump(std::time::Duration::from_millis(500));
    let others: Vec<&Value> = lsp
        .received
        .iter()
        .filter(|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] != u.as_str())
        .collect();
    assert!(others.is_empty(), "a prose edit republished other files: {others:?}");

    // Status back to draft: FUN-LINKS (deployed) is now ahead of it.
    doc.replace(&mut lsp, "status: deployed", "status: draft");
    let d = lsp.diagnostics(&referrers[0], |d| codes(d).contains(&"lifecycle/ahead-of-upstream".to_owned()));
    assert!(d.iter().any(|d| d["message"].as_str().is_some_and(|m| m.contains("BUS-LINKS"))), "{d:?}");
    lsp.shutdown();
}

#[test]
fn the_project_file_and_the_editor_setting_choose_levels() {
    let dir = probe_project();
    std::fs::write(dir.join(".smaqit/smaqit-ls.toml"), "[severity]\n\"criteria/open-in-done-spec\" = \"error\"\n")
        .unwrap();
    let path = dir.join("specs/business/probe.md");
    let text = "---\nid: BUS-PROBE\nstatus: implemented\ncreated: 2025-01-01\nimplemented: 2025-01-02\n---\n# Probe\n## Acceptance Criteria\n- [ ] BUS-PROBE-001: open\n";
    std::fs::write(&path, text).unwrap();
    let (mut lsp, _) = Lsp::start(&dir, caps_push(), fast());
    let u = lsp.open_text(&path, text, 1, "markdown").uri;
    let d = lsp.diagnostics(&u, |d| codes(d) == ["criteria/open-in-done-spec"]);
    assert_eq!(d[0]["severity"], 1, "the project raised it to an error");
    // The editor's own setting wins over the project's.
    lsp.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": { "smaqit": { "debounceMs": 0, "severity": { "criteria": "hint" } } } }),
    );
    let d = lsp.diagnostics(&u, |d| d.first().is_some_and(|d| d["severity"] == 4));
    assert_eq!(codes(&d), ["criteria/open-in-done-spec"]);
    // A config file the server watches: turned off, the finding goes.
    std::fs::write(dir.join(".smaqit/smaqit-ls.toml"), "[severity]\ncriteria = \"off\"\n").unwrap();
    lsp.notify("workspace/didChangeConfiguration", json!({ "settings": { "smaqit": { "debounceMs": 0 } } }));
    lsp.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri(&dir.join(".smaqit/smaqit-ls.toml")), "type": 2 }] }),
    );
    lsp.diagnostics(&u, |d| d.is_empty());
    lsp.shutdown();
}
