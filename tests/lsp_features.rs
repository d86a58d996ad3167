//! End-to-end: the real `smaqit-ls` binary over JSON-RPC on stdio — code
//! actions, quick fixes and navigation.

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

fn pos_of(text: &str, needle: &str, nth: usize) -> Value {
    let at = text.match_indices(needle).nth(nth).unwrap_or_else(|| panic!("{needle} #{nth}")).0;
    position_utf16(text, at + 1)
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
fn code_action_transition_applies_as_a_versioned_edit() {
    let text = "---\r\nid: BUS-PROBE # keep me\r\nstatus: draft\r\ncreated: 2025-01-01\r\n---\r\n# Probe\r\n\r\n## Acceptance Criteria\r\n- [ ] BUS-PROBE-001: works\r\n";
    let (mut lsp, doc) = open_probe(text, 7);
    let u = doc.uri.clone();
    lsp.diagnostics(&u, |d| codes(d) == ["criteria/open"]);
    let actions = lsp.code_actions(&u, doc.at("draft", 0), &[], &[]);
    let titles: Vec<&str> = actions.iter().map(|a| a["title"].as_str().unwrap()).collect();
    assert!(titles.contains(&"Set status: draft → implemented (sets `implemented`)"), "{titles:?}");
    assert!(titles.contains(&"Set status: draft → deprecated"), "{titles:?}");
    let act =
        actions.iter().find(|a| a["title"].as_str().unwrap().starts_with("Set status: draft → implemented")).unwrap();
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
    let actions = lsp.code_actions(&u, doc.at("BUS-PROBE-001", 0), &[], &[]);
    let tick = actions.iter().find(|a| a["title"] == "Mark BUS-PROBE-001 satisfied [x]").unwrap();
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
    let actions = lsp.code_actions(&u, diag["range"].clone(), &[diag], &["quickfix"]);
    let a = &actions[0];
    assert_eq!(a["title"], "Change status to `implemented`");
    assert_eq!(a["isPreferred"], true);
    let fixed = apply_edits(&text, a["edit"]["documentChanges"][0]["edits"].as_array().unwrap());
    assert_eq!(fixed, text.replacen("status: implmented", "status: implemented", 1));
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
    let actions = lsp.code_actions(&u, diag["range"].clone(), &[diag], &["quickfix"]);
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
    let mut doc = lsp.open_doc(&path, 1);
    let (u, text) = (doc.uri.clone(), doc.text.clone());
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
    doc.insert(&mut lsp, at, "- [FUN-SE");
    let items = lsp.request(
        "textDocument/completion",
        json!({ "textDocument": { "uri": u }, "position": doc.pos(at + "- [FUN-SE".len()) }),
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
    let start = json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } });
    let actions = lsp.code_actions(&cu, start, &[], &[]);
    let up =
        actions.iter().find(|a| a["title"].as_str().unwrap().starts_with("Also move the")).expect("upstream action");
    assert!(up["title"].as_str().unwrap().ends_with("to `validated`"));
    for c in up["edit"]["documentChanges"].as_array().unwrap() {
        let file = c["textDocument"]["uri"].as_str().unwrap().trim_start_matches("file://").to_owned();
        let new = apply_edits(&std::fs::read_to_string(&file).unwrap(), c["edits"].as_array().unwrap());
        assert!(new.contains("status: validated\n") && new.contains("\nvalidated: "), "{file}");
    }
    lsp.shutdown();
}

#[test]
fn did_you_mean_label_and_section_fixes_and_the_next_free_criterion_id() {
    let root = fixture("example");
    let (mut lsp, _) = Lsp::start(&root, caps_push(), fast());
    // fixtures/example: an unknown ID with a close one, in a Coverage spec.
    let path = root.join("specs/coverage/notes-coverage.md");
    let (u, text) = lsp.open(&path, 1);
    let d = lsp.diagnostics(&u, |d| codes(d).contains(&"ref/unknown-id".to_owned()));
    let diag = d.iter().find(|d| d["code"] == "ref/unknown-id").unwrap().clone();
    let actions = lsp.code_actions(&u, diag["range"].clone(), std::slice::from_ref(&diag), &["quickfix"]);
    let a = actions
        .iter()
        .find(|a| a["title"].as_str().unwrap().starts_with("Change to `"))
        .unwrap_or_else(|| panic!("did-you-mean fix: {actions:?} for {diag}"));
    assert_eq!(a["diagnostics"], json!([diag]), "the fix answers its own diagnostic");
    let fixed = apply_edits(&text, a["edit"]["documentChanges"][0]["edits"].as_array().unwrap());
    assert!(fixed.contains("timing for FUN-NOTES-EDIT is re-checked"), "the typo is fixed");

    // A label naming another spec: the fix writes the linked spec's ID.
    let path = root.join("specs/stack/database.md");
    let (u, text) = lsp.open(&path, 1);
    let d = lsp.diagnostics(&u, |d| codes(d).contains(&"ref/label-mismatch".to_owned()));
    let diag = d.iter().find(|d| d["code"] == "ref/label-mismatch").unwrap().clone();
    let actions = lsp.code_actions(&u, diag["range"].clone(), &[diag], &["quickfix"]);
    let a = &actions[0];
    assert!(a["title"].as_str().unwrap().starts_with("Change the label to `"), "{a}");
    let fixed = apply_edits(&text, a["edit"]["documentChanges"][0]["edits"].as_array().unwrap());
    assert_ne!(fixed, text);

    // In the criteria, `- [ ] ` completes the next free ID, and an action adds it.
    let path = root.join("specs/functional/search.md");
    let (u, mut doc_text) = lsp.open(&path, 1);
    let last = doc_text.find("- [ ] FUN-SEARCH-005").unwrap();
    let line_end = last + doc_text[last..].find('\n').unwrap();
    let insert = "\n- [ ] ";
    doc_text.insert_str(line_end, insert);
    lsp.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": u, "version": 2 }, "contentChanges": [{ "text": doc_text }] }),
    );
    let at = line_end + insert.len();
    let items = lsp.request(
        "textDocument/completion",
        json!({ "textDocument": { "uri": u }, "position": lsp_pos(&doc_text, at) }),
    );
    let first = &items.as_array().unwrap()[0];
    assert_eq!(
        (first["label"].as_str(), first["detail"].as_str()),
        (Some("FUN-SEARCH-006"), Some("next free criterion ID")),
        "{items}"
    );
    let r = json!({ "start": lsp_pos(&doc_text, at), "end": lsp_pos(&doc_text, at) });
    let actions = lsp.code_actions(&u, r, &[], &["refactor"]);
    assert!(actions.iter().any(|a| a["title"] == "Add criterion FUN-SEARCH-006"), "{actions:?}");
    lsp.shutdown();
}

fn lsp_pos(text: &str, offset: usize) -> Value {
    let line = text[..offset].matches('\n').count();
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    json!({ "line": line, "character": text[start..offset].encode_utf16().count() })
}
