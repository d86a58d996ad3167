//! End-to-end: the real `smaqit-ls` binary over JSON-RPC on stdio.

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
fn open_probe(text: &str, version: i32) -> (Lsp, String) {
    let dir = temp_copy("clean");
    let path = dir.join("specs/business/probe.md");
    std::fs::write(&path, text).unwrap();
    let (mut lsp, _) = Lsp::start(&dir, caps_push(), fast());
    let u = uri(&path);
    lsp.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": u, "languageId": "markdown", "version": version, "text": text } }),
    );
    (lsp, u)
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
    let dir = temp_copy("clean");
    let path = dir.join("specs/business/probe.md");
    let mut text = String::from(
        "---\nid: BUS-PROBE\nstatus: implemented\ncreated: 2025-01-01T00:00:00Z\nimplemented: 2025-01-02T00:00:00Z\n---\n# Probe\n\n## Acceptance Criteria\n- [x] BUS-PROBE-001: works\n",
    );
    std::fs::write(&path, &text).unwrap();
    let (mut lsp, _) = Lsp::start(&dir, caps_push(), fast());
    let u = uri(&path);
    lsp.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": u, "languageId": "markdown", "version": 1, "text": text } }),
    );
    lsp.diagnostics(&u, |d| d.is_empty());
    // Type a new open criterion after emoji and CJK, in three keystrokes.
    let mut version = 1;
    for piece in ["- [ ] 😀保存 ", "BUS-PROBE", "-002: 📝 more\n"] {
        let at = text.len();
        let pos = position_utf16(&text, at);
        version += 1;
        lsp.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": u, "version": version },
                "contentChanges": [{ "range": { "start": pos, "end": pos }, "text": piece }]
            }),
        );
        text.push_str(piece);
    }
    // `- [ ] 😀保存 BUS-PROBE-002` is not a criterion (text before the ID),
    // so fix it into one: delete the emoji run, keeping the ID.
    let line_start = text.rfind("- [ ] 😀").unwrap();
    let junk_start = line_start + "- [ ] ".len();
    let junk_end = text.find("BUS-PROBE-002").unwrap();
    version += 1;
    lsp.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": u, "version": version },
            "contentChanges": [{ "range": { "start": position_utf16(&text, junk_start), "end": position_utf16(&text, junk_end) }, "text": "" }]
        }),
    );
    text.replace_range(junk_start..junk_end, "");
    let d = lsp.diagnostics(&u, |d| codes(d) == ["criteria/open-in-done-spec"]);
    let r = &d[0]["range"];
    let id_at = text.find("BUS-PROBE-002").unwrap();
    assert_eq!(r["start"], position_utf16(&text, id_at));
    assert_eq!(r["end"], position_utf16(&text, id_at + "BUS-PROBE-002".len()));
    // An emoji and CJK before a finding on the same line: UTF-16 columns
    // count the emoji as two units.
    for piece in ["Notes 😀保存 ", "[TIMESTAMP] 🚀\n"] {
        let pos = position_utf16(&text, text.len());
        version += 1;
        lsp.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": u, "version": version },
                "contentChanges": [{ "range": { "start": pos, "end": pos }, "text": piece }]
            }),
        );
        text.push_str(piece);
    }
    let d = lsp.diagnostics(&u, |d| codes(d).contains(&"frontmatter/template-leftover".to_owned()));
    let leftover = d.iter().find(|d| d["code"] == "frontmatter/template-leftover").unwrap();
    let at = text.find("[TIMESTAMP]").unwrap();
    assert_eq!(leftover["range"]["start"], position_utf16(&text, at));
    assert_eq!(leftover["range"]["start"]["character"], 11, "6 + 2 (emoji) + 2 (CJK) + 1");
    assert_eq!(leftover["range"]["end"], position_utf16(&text, at + "[TIMESTAMP]".len()));
    lsp.shutdown();
}

#[test]
fn code_action_transition_applies_as_a_versioned_edit() {
    let text = "---\r\nid: BUS-PROBE # keep me\r\nstatus: draft\r\ncreated: 2025-01-01\r\n---\r\n# Probe\r\n\r\n## Acceptance Criteria\r\n- [ ] BUS-PROBE-001: works\r\n";
    let (mut lsp, u) = open_probe(text, 7);
    lsp.diagnostics(&u, |d| codes(d) == ["criteria/open"]);
    let actions = lsp.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": u },
            "range": { "start": { "line": 2, "character": 9 }, "end": { "line": 2, "character": 9 } },
            "context": { "diagnostics": [] }
        }),
    );
    let titles: Vec<&str> = actions.as_array().unwrap().iter().map(|a| a["title"].as_str().unwrap()).collect();
    assert!(titles.contains(&"Set status: draft → implemented (sets `implemented`)"), "{titles:?}");
    assert!(titles.contains(&"Set status: draft → deprecated"), "{titles:?}");
    let act = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"].as_str().unwrap().starts_with("Set status: draft → implemented"))
        .unwrap();
    let change = &act["edit"]["documentChanges"][0];
    assert_eq!(change["textDocument"]["version"], 7, "edit names the version it was computed on");
    let new_text = apply_edits(text, change["edits"].as_array().unwrap());
    let stamp_line = new_text.lines().find(|l| l.starts_with("implemented: ")).unwrap().trim_end();
    let stamp = &stamp_line["implemented: ".len()..];
    assert_eq!(stamp.len(), 20, "RFC 3339 UTC seconds: {stamp}");
    assert!(stamp.ends_with('Z') && stamp.as_bytes()[10] == b'T');
    assert_eq!(
        new_text,
        text.replace("status: draft\r\n", &format!("status: implemented\r\nimplemented: {stamp}\r\n")),
        "only the status line changes and the timestamp line is added, CRLF kept"
    );
    // Criterion tick at the criterion line.
    let actions = lsp.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": u },
            "range": { "start": { "line": 8, "character": 8 }, "end": { "line": 8, "character": 8 } },
            "context": { "diagnostics": [] }
        }),
    );
    let tick = actions.as_array().unwrap().iter().find(|a| a["title"] == "Mark BUS-PROBE-001 satisfied [x]").unwrap();
    let ticked = apply_edits(text, tick["edit"]["documentChanges"][0]["edits"].as_array().unwrap());
    assert_eq!(ticked, text.replace("- [ ] BUS-PROBE-001", "- [x] BUS-PROBE-001"));
    lsp.shutdown();
}

#[test]
fn quick_fix_for_unknown_status_uses_the_suggestion() {
    let root = fixture("example");
    let (mut lsp, _) = Lsp::start(&root, caps_push(), fast());
    let path = root.join("specs/stack/web-client.md");
    let (u, text) = lsp.open(&path, 1);
    let d = lsp.diagnostics(&u, |d| codes(d).contains(&"frontmatter/unknown-status".to_owned()));
    let diag = d.iter().find(|d| d["code"] == "frontmatter/unknown-status").unwrap().clone();
    let actions = lsp.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": u }, "range": diag["range"], "context": { "diagnostics": [diag], "only": ["quickfix"] } }),
    );
    let a = &actions.as_array().unwrap()[0];
    assert_eq!(a["title"], "Change status to `implemented`");
    assert_eq!(a["isPreferred"], true);
    let fixed = apply_edits(&text, a["edit"]["documentChanges"][0]["edits"].as_array().unwrap());
    assert_eq!(fixed, text.replacen("status: implmented", "status: implemented", 1));
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
    let dir = temp_copy("clean");
    let path = dir.join("specs/business/probe.md");
    let text = "---\nid: BUS-PROBE\nstatus: implemented\ncreated: 2025-01-01\nimplemented: 2025-01-02\n---\n# Probe\n## Acceptance Criteria\n- [ ] BUS-PROBE-001: 😀\n";
    std::fs::write(&path, text).unwrap();
    let caps = json!({ "general": { "positionEncodings": ["utf-8", "utf-16"] } });
    let (mut lsp, init) = Lsp::start(&dir, caps, fast());
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-8");
    let u = uri(&path);
    lsp.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": u, "languageId": "markdown", "version": 1, "text": text } }),
    );
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
    let (mut lsp, u) = open_probe(text, 5);
    // Inside the surrogate pair of 😀 (line 5, UTF-16 column 3), a reversed
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
    let (mut lsp, u) = open_probe(text, 1);
    lsp.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": u, "version": 2 }, "contentChanges": [{ "text": text.replace("status: draft", "status: bogus") }] }),
    );
    lsp.diagnostics(&u, |d| codes(d) == ["frontmatter/unknown-status"]);
    lsp.notify("textDocument/didClose", json!({ "textDocument": { "uri": u } }));
    lsp.diagnostics(&u, |d| d.is_empty());
    lsp.shutdown();
}

#[test]
fn secret_quick_fix_writes_a_reference_and_lists_the_name_without_leaking_the_value() {
    let dir = temp_copy("example");
    let path = dir.join("deploy/docker-compose.yml");
    let (mut lsp, _) = Lsp::start(&dir, caps_push(), fast());
    lsp.wait_for("$/progress", |p| p["value"]["kind"] == "end");
    let (u, text) = lsp.open(&path, 3);
    let d = lsp.diagnostics(&u, |d| codes(d).contains(&"secret/generic-password".to_owned()));
    let diag = d.iter().find(|d| d["code"] == "secret/generic-password").unwrap().clone();
    assert_eq!(diag["range"]["start"]["line"], 8);
    let start = offset_utf16(&text, 8, diag["range"]["start"]["character"].as_u64().unwrap());
    let end = offset_utf16(&text, 8, diag["range"]["end"]["character"].as_u64().unwrap());
    let value = text[start..end].to_owned();
    assert!(value.len() >= 12, "the range covers the value");
    let actions = lsp.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": u }, "range": diag["range"], "context": { "diagnostics": [diag], "only": ["quickfix"] } }),
    );
    let actions = actions.as_array().unwrap();
    let fix = &actions[0];
    let title = fix["title"].as_str().unwrap();
    assert!(title.starts_with("Replace with ${secrets.POSTGRES_PASSWORD} and list POSTGRES_PASSWORD in "), "{title}");
    let changes = fix["edit"]["documentChanges"].as_array().unwrap();
    assert_eq!(changes.len(), 2, "one edit for the IaC file, one for the Secrets Management table");
    assert_eq!(changes[0]["textDocument"]["version"], 3);
    let fixed = apply_edits(&text, changes[0]["edits"].as_array().unwrap());
    assert!(fixed.contains("${secrets.POSTGRES_PASSWORD}") && !fixed.contains(&value));
    let spec_path = changes[1]["textDocument"]["uri"].as_str().unwrap().trim_start_matches("file://").to_owned();
    let spec_text = std::fs::read_to_string(&spec_path).unwrap();
    let with_row = apply_edits(&spec_text, changes[1]["edits"].as_array().unwrap());
    assert!(with_row.contains("| `POSTGRES_PASSWORD` |"), "{with_row}");
    let ignore = actions.iter().find(|a| a["title"].as_str().unwrap().starts_with("Ignore this value")).unwrap();
    let ops = ignore["edit"]["documentChanges"].as_array().unwrap();
    assert_eq!(ops[0]["kind"], "create");
    let line = ops[1]["edits"][0]["newText"].as_str().unwrap();
    assert_eq!(line.split_whitespace().next().unwrap().len(), 16, "a fingerprint, not the value: {line}");
    // The value never crossed the wire from the server.
    for m in &lsp.received {
        assert!(!m.to_string().contains(&value), "server message leaks the secret: {m}");
    }
    lsp.shutdown();
}

fn pos_of(text: &str, needle: &str, nth: usize) -> Value {
    let at = text.match_indices(needle).nth(nth).unwrap_or_else(|| panic!("{needle} #{nth}")).0;
    position_utf16(text, at + 1)
}

#[test]
fn navigation_definition_references_hover_symbols_completion() {
    let root = fixture("example");
    let (mut lsp, init) = Lsp::start(&root, caps_push(), fast());
    for cap in [
        "definitionProvider",
        "referencesProvider",
        "hoverProvider",
        "documentSymbolProvider",
        "workspaceSymbolProvider",
        "codeLensProvider",
    ] {
        assert!(!init["capabilities"][cap].is_null(), "{cap}");
    }
    lsp.wait_for("$/progress", |p| p["value"]["kind"] == "end");
    let path = root.join("specs/coverage/notes-coverage.md");
    let (u, text) = lsp.open(&path, 1);
    // Definition of a criterion named in the Coverage Map.
    let def = lsp.request(
        "textDocument/definition",
        json!({ "textDocument": { "uri": u }, "position": pos_of(&text, "FUN-NOTES-EDIT-002", 0) }),
    );
    let loc = &def[0];
    assert!(loc["uri"].as_str().unwrap().ends_with("specs/functional/note-editing.md"));
    assert_eq!(loc["range"]["start"]["line"], 45);
    // Definition of a link label: the spec's frontmatter id.
    let def = lsp.request(
        "textDocument/definition",
        json!({ "textDocument": { "uri": u }, "position": pos_of(&text, "[FUN-NOTES]", 0) }),
    );
    assert!(def[0]["uri"].as_str().unwrap().ends_with("specs/functional/notes.md"));
    assert_eq!(def[0]["range"]["start"]["line"], 1);
    // References to FUN-NOTES from everywhere.
    let refs = lsp.request(
        "textDocument/references",
        json!({ "textDocument": { "uri": u }, "position": pos_of(&text, "[FUN-NOTES]", 0), "context": { "includeDeclaration": true } }),
    );
    let files: std::collections::BTreeSet<&str> =
        refs.as_array().unwrap().iter().map(|r| r["uri"].as_str().unwrap().rsplit('/').next().unwrap()).collect();
    assert!(files.contains("notes.md") && files.contains("notes-coverage.md") && files.len() >= 3, "{files:?}");
    // Hover on a spec ID.
    let hover = lsp.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": u }, "position": pos_of(&text, "[FUN-NOTES-EDIT]", 0) }),
    );
    let md = hover["contents"]["value"].as_str().unwrap();
    assert!(
        md.contains("**FUN-NOTES-EDIT**")
            && md.contains("Functional")
            && md.contains("status `implemented`")
            && md.contains("Criteria:"),
        "{md}"
    );
    // Symbols.
    let syms = lsp.request("textDocument/documentSymbol", json!({ "textDocument": { "uri": u } }));
    let top = &syms[0];
    assert_eq!(top["name"], "Coverage: notes and editing");
    let names: Vec<&str> = top["children"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert!(names.contains(&"Coverage Map") && names.contains(&"Acceptance Criteria"), "{names:?}");
    let ws = lsp.request("workspace/symbol", json!({ "query": "notes-edit" }));
    assert!(ws.as_array().unwrap().iter().any(|s| s["name"] == "FUN-NOTES-EDIT"));
    // Completion of a reference link after `[`.
    let at = text.find("### Functional\n").unwrap() + "### Functional\n".len();
    let mut version = 1;
    version += 1;
    let p = position_utf16(&text, at);
    lsp.notify("textDocument/didChange", json!({ "textDocument": { "uri": u, "version": version }, "contentChanges": [{ "range": { "start": p, "end": p }, "text": "- [FUN-SE" }] }));
    let mut after = text.clone();
    after.insert_str(at, "- [FUN-SE");
    let items = lsp.request(
        "textDocument/completion",
        json!({ "textDocument": { "uri": u }, "position": position_utf16(&after, at + "- [FUN-SE".len()) }),
    );
    let item = items.as_array().unwrap().iter().find(|i| i["label"] == "FUN-SEARCH").expect("FUN-SEARCH offered");
    assert_eq!(item["textEdit"]["newText"], "FUN-SEARCH](../functional/search.md)");
    lsp.shutdown();
}

#[test]
fn rename_ids_and_moved_files_update_the_workspace() {
    let (mut lsp, dir) = indexed("example");
    let path = dir.join("specs/functional/search.md");
    let (u, text) = lsp.open(&path, 1);
    let at = pos_of(&text, "FUN-SEARCH", 0);
    let prep = lsp.request("textDocument/prepareRename", json!({ "textDocument": { "uri": u }, "position": at }));
    assert_eq!(prep["placeholder"], "FUN-SEARCH");
    let edit = lsp
        .request("textDocument/rename", json!({ "textDocument": { "uri": u }, "position": at, "newName": "FUN-FIND" }));
    let changes = edit["documentChanges"].as_array().unwrap();
    let mut total = 0;
    for c in changes {
        let file = c["textDocument"]["uri"].as_str().unwrap().trim_start_matches("file://").to_owned();
        let on_disk = std::fs::read_to_string(&file).unwrap();
        let new = apply_edits(&on_disk, c["edits"].as_array().unwrap());
        total += c["edits"].as_array().unwrap().len();
        assert!(
            !new.contains("FUN-SEARCH-00") || new.contains("FUN-SEARCH-009"),
            "criteria renamed with their spec in {file}"
        );
        if file.ends_with("search.md") {
            assert_eq!(c["textDocument"]["version"], 1, "the open document's edit is versioned");
            assert!(new.contains("id: FUN-FIND\n") && new.contains("FUN-FIND-001"));
        }
    }
    assert!(total >= 8 && changes.len() >= 3, "{total} edits in {} files", changes.len());
    let bad = lsp.request_raw(
        "textDocument/rename",
        json!({ "textDocument": { "uri": u }, "position": at, "newName": "not an id" }),
    );
    assert!(bad["error"].is_object());
    // Moving a spec file rewrites the links that point at it.
    let old = uri(&dir.join("specs/functional/notes.md"));
    let new = uri(&dir.join("specs/functional/notes-core.md"));
    let edit = lsp.request("workspace/willRenameFiles", json!({ "files": [{ "oldUri": old, "newUri": new }] }));
    let texts: Vec<&str> = edit["documentChanges"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["edits"].as_array().unwrap().iter().map(|e| e["newText"].as_str().unwrap()))
        .collect();
    assert!(texts.contains(&"../functional/notes-core.md") && texts.contains(&"notes-core.md"), "{texts:?}");
    lsp.shutdown();
}

#[test]
fn code_lenses_and_upstream_propagation() {
    let (mut lsp, dir) = indexed("clean");
    let infra = dir.join("specs/infrastructure/local-service.md");
    let (u, _) = lsp.open(&infra, 1);
    let lenses = lsp.request("textDocument/codeLens", json!({ "textDocument": { "uri": u } }));
    let titles: Vec<&str> =
        lenses.as_array().unwrap().iter().map(|l| l["command"]["title"].as_str().unwrap()).collect();
    assert!(titles.iter().any(|t| t.starts_with("0 reference(s) · criteria 0/2")), "{titles:?}");
    let deploy =
        lenses.as_array().unwrap().iter().find(|l| l["command"]["title"] == "▶ Deploy to local").expect("deploy lens");
    assert_eq!(deploy["command"]["command"], "smaqit.deploy");
    assert_eq!(deploy["command"]["arguments"][0]["environment"], "local");
    // INF-WORKSTATION is deployed; FUN-LISTS (implemented) is behind it? It
    // references FUN-LINKS (deployed) only, so use the coverage spec, which is
    // validated and references deployed specs.
    let cov = dir.join("specs/coverage/links-coverage.md");
    let (cu, _) = lsp.open(&cov, 1);
    let actions = lsp.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": cu }, "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } }, "context": { "diagnostics": [] } }),
    );
    let up = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"].as_str().unwrap().starts_with("Also move the"))
        .expect("upstream action");
    assert!(up["title"].as_str().unwrap().ends_with("to `validated`"));
    for c in up["edit"]["documentChanges"].as_array().unwrap() {
        let file = c["textDocument"]["uri"].as_str().unwrap().trim_start_matches("file://").to_owned();
        let new = apply_edits(&std::fs::read_to_string(&file).unwrap(), c["edits"].as_array().unwrap());
        assert!(new.contains("status: validated\n") && new.contains("\nvalidated: "), "{file}");
    }
    lsp.shutdown();
}

#[test]
fn a_secret_typed_into_an_open_iac_file_is_flagged_and_cleared_incrementally() {
    let dir = temp_copy("clean");
    let path = dir.join("deploy/values.yaml");
    let mut text: String = (0..600).map(|i| format!("key{i}: value {i}\n")).collect();
    std::fs::write(&path, &text).unwrap();
    let (mut lsp, _) = Lsp::start(&dir, caps_push(), fast());
    let u = uri(&path);
    lsp.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": u, "languageId": "yaml", "version": 1, "text": text } }),
    );
    lsp.diagnostics(&u, |d| d.is_empty());
    // Line 400 of 600: far from the start, so only a window is re-scanned.
    let at = text.match_indices('\n').nth(399).unwrap().0 + 1;
    let password = format!("Harbor{}Lights!", 2031);
    let line = format!("db_password: \"{password}\"\n");
    let p = position_utf16(&text, at);
    lsp.notify("textDocument/didChange", json!({ "textDocument": { "uri": u, "version": 2 }, "contentChanges": [{ "range": { "start": p, "end": p }, "text": line }] }));
    text.insert_str(at, &line);
    let d = lsp.diagnostics(&u, |d| !d.is_empty());
    assert_eq!(d[0]["code"], "secret/generic-password");
    assert_eq!(d[0]["range"]["start"]["line"], 400);
    // A line inserted above moves it; deleting it clears it.
    lsp.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": u, "version": 3 }, "contentChanges": [{ "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } }, "text": "top: 1\n" }] }),
    );
    let d = lsp.diagnostics(&u, |d| d.first().is_some_and(|x| x["range"]["start"]["line"] == 401));
    assert_eq!(d.len(), 1);
    lsp.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": u, "version": 4 }, "contentChanges": [{ "range": { "start": { "line": 401, "character": 0 }, "end": { "line": 402, "character": 0 } }, "text": "" }] }),
    );
    lsp.diagnostics(&u, |d| d.is_empty());
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
    let (u, mut text) = lsp.open(&path, 1);
    lsp.wait_for("textDocument/publishDiagnostics", |p| p["uri"] == u.as_str() && p["version"] == 1);
    lsp.drain(std::time::Duration::from_millis(300));
    let referrers =
        [uri(&dir.join("specs/functional/saved-links.md")), uri(&dir.join("specs/functional/reading-lists.md"))];

    // Prose: the document's findings are the same, but each version is
    // published; files that refer to it see nothing new.
    let at = text.find("in one step").unwrap();
    let pos = position_utf16(&text, at);
    lsp.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": u, "version": 2 }, "contentChanges": [{ "range": { "start": pos, "end": pos }, "text": "quickly " }] }),
    );
    text.insert_str(at, "quickly ");
    lsp.wait_for("textDocument/publishDiagnostics", |p| p["uri"] == u.as_str() && p["version"] == 2);
    lsp.pump(std::time::Duration::from_millis(500));
    let others: Vec<&Value> = lsp
        .received
        .iter()
        .filter(|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] != u.as_str())
        .collect();
    assert!(others.is_empty(), "a prose edit republished other files: {others:?}");

    // Status back to draft: FUN-LINKS (deployed) is now ahead of it.
    let at = text.find("status: deployed").unwrap() + "status: ".len();
    let range = json!({ "start": position_utf16(&text, at), "end": position_utf16(&text, at + "deployed".len()) });
    lsp.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": u, "version": 3 }, "contentChanges": [{ "range": range, "text": "draft" }] }),
    );
    let d = lsp.diagnostics(&referrers[0], |d| codes(d).contains(&"lifecycle/ahead-of-upstream".to_owned()));
    assert!(d.iter().any(|d| d["message"].as_str().is_some_and(|m| m.contains("BUS-LINKS"))), "{d:?}");
    lsp.shutdown();
}
