//! `textDocument/codeAction`: the core's actions (fixes by code, status
//! transitions, criterion ticks, upstream moves, secret references) as LSP
//! code actions with versioned edits, filtered by the kinds the client
//! asked for.

use std::path::Path;

use smaqit_core::actions::{self, Action, ActionKind};
use smaqit_core::model::{Spec, Status, is_spec_path, timestamp};
use smaqit_core::project::find_root;
use tower_lsp_server::ls_types::{
    self as lsp, CodeActionKind, CodeActionOrCommand, DocumentChangeOperation, DocumentChanges, OneOf,
    OptionalVersionedTextDocumentIdentifier, TextDocumentEdit, Uri, WorkspaceEdit,
};

use super::edits::{allowlist_edit, document_edit, versioned_edit};
use super::position::{Lines, to_byte_range};
use super::state::State;

/// What the client asked for (`context.only`), as a filter on kinds.
struct Wanted<'a>(Option<&'a Vec<CodeActionKind>>);

impl Wanted<'_> {
    fn kind(&self, k: &CodeActionKind) -> bool {
        self.0.is_none_or(|o| o.iter().any(|w| k.as_str().starts_with(w.as_str())))
    }

    /// Whether any refactoring was asked for.
    fn refactor(&self) -> bool {
        self.0.is_none_or(|o| o.iter().any(|w| w.as_str().starts_with("refactor")))
    }

    fn source(&self) -> bool {
        self.0.is_some_and(|o| o.iter().any(|k| k.as_str().starts_with("source")))
    }
}

fn kind_of(k: ActionKind) -> CodeActionKind {
    match k {
        ActionKind::QuickFix => CodeActionKind::QUICKFIX,
        ActionKind::Refactor => CodeActionKind::REFACTOR_REWRITE,
        ActionKind::Source => CodeActionKind::SOURCE,
    }
}

fn code_of(d: &lsp::Diagnostic) -> Option<&str> {
    match &d.code {
        Some(lsp::NumberOrString::String(s)) => Some(s),
        _ => None,
    }
}

fn suggestion_of(d: &lsp::Diagnostic) -> Option<&str> {
    d.data.as_ref().and_then(|v| v.get("suggestion")).and_then(|v| v.as_str())
}

impl State {
    /// Code actions for a range of a document, with versioned edits.
    pub fn code_actions(&self, params: &lsp::CodeActionParams) -> Vec<CodeActionOrCommand> {
        let uri = &params.text_document.uri;
        let enc = self.enc();
        let Some(path) = uri.to_file_path().map(|p| p.into_owned()) else { return Vec::new() };
        if let Some(open) = self.docs.get(uri) {
            let version = Some(open.doc.version);
            let lines: &dyn Lines = &open.doc.rope;
            let mut out = self.secret_actions(uri, &path, version, lines, params);
            if is_spec_path(&path) || self.ws.get(&path).is_some() {
                let spec = Spec::new(path.clone(), find_root(&path), open.parsed.clone());
                let range = to_byte_range(lines, params.range, enc);
                out.extend(self.spec_actions(&spec, range, params, uri, version, lines));
                drop(open);
                out.extend(self.upstream_action(&spec, params));
            }
            return out;
        }
        let Some(entry) = self.indexed(&path) else { return Vec::new() };
        entry.with_lines(|lines| {
            let mut out = self.secret_actions(uri, &path, None, lines, params);
            if let Some(e) = self.ws.get(&path) {
                let range = to_byte_range(lines, params.range, enc);
                out.extend(self.spec_actions(&e.spec, range, params, uri, None, lines));
                out.extend(self.upstream_action(&e.spec, params));
            }
            out
        })
    }

    /// Fixes for the diagnostics the client sent back, then the actions on
    /// the range.
    fn spec_actions(
        &self,
        spec: &Spec,
        range: std::ops::Range<usize>,
        params: &lsp::CodeActionParams,
        uri: &Uri,
        version: Option<i32>,
        lines: &dyn Lines,
    ) -> Vec<CodeActionOrCommand> {
        let now = timestamp::now();
        let wanted = Wanted(params.context.only.as_ref());
        // Each fix answers the one diagnostic it was made from.
        let mut found: Vec<(Action, Option<&lsp::Diagnostic>)> = Vec::new();
        for d in &params.context.diagnostics {
            let Some(code) = code_of(d) else { continue };
            let at = to_byte_range(lines, d.range, self.enc());
            found.extend(actions::fixes_for(spec, code, at, suggestion_of(d), &now).into_iter().map(|a| (a, Some(d))));
        }
        found.extend(actions::for_range(spec, range, wanted.source(), &now).into_iter().map(|a| (a, None)));
        found
            .into_iter()
            .filter(|(a, _)| wanted.kind(&kind_of(a.kind)))
            .map(|(a, d)| {
                let diagnostics = d.map(|d| vec![d.clone()]);
                CodeActionOrCommand::CodeAction(lsp::CodeAction {
                    title: a.title,
                    kind: Some(kind_of(a.kind)),
                    diagnostics,
                    edit: Some(versioned_edit(uri, version, lines, self.enc(), &a.edits)),
                    is_preferred: a.preferred.then_some(true),
                    ..Default::default()
                })
            })
            .collect()
    }

    /// "Also move upstream specs to deployed/validated" on a spec that is.
    fn upstream_action(&self, spec: &Spec, params: &lsp::CodeActionParams) -> Option<CodeActionOrCommand> {
        let wanted = Wanted(params.context.only.as_ref());
        // Offered with the transitions: to source requests and refactorings.
        if !wanted.kind(&CodeActionKind::SOURCE) && !wanted.refactor() {
            return None;
        }
        let edits = actions::upstream_to(&self.ws, spec, &timestamp::now());
        if edits.is_empty() {
            return None;
        }
        let status = spec.status()?;
        Some(CodeActionOrCommand::CodeAction(lsp::CodeAction {
            title: format!("Also move the {} upstream spec(s) it references to `{status}`", edits.len()),
            kind: Some(CodeActionKind::REFACTOR_REWRITE),
            edit: Some(self.multi_file_edit(&edits)),
            ..Default::default()
        }))
    }

    /// Quick fixes for the `secret/*` diagnostics the client sent back:
    /// replace the literal with a reference (and list the name in the
    /// project's Secrets Management table), or allow the value in the project.
    fn secret_actions(
        &self,
        uri: &Uri,
        path: &Path,
        version: Option<i32>,
        lines: &dyn Lines,
        params: &lsp::CodeActionParams,
    ) -> Vec<CodeActionOrCommand> {
        let enc = self.enc();
        let mut out = Vec::new();
        if !Wanted(params.context.only.as_ref()).kind(&CodeActionKind::QUICKFIX) {
            return out;
        }
        for d in &params.context.diagnostics {
            let Some(detector) = code_of(d).and_then(|c| c.strip_prefix("secret/")) else { continue };
            let Some(name) = suggestion_of(d) else { continue };
            let bytes = to_byte_range(lines, d.range, enc);
            let replace = lsp::TextEdit { range: d.range, new_text: actions::secrets::reference(name) };
            let mut changes = vec![DocumentChangeOperation::Edit(TextDocumentEdit {
                text_document: OptionalVersionedTextDocumentIdentifier { uri: uri.clone(), version },
                edits: vec![OneOf::Left(replace)],
            })];
            let root = find_root(path);
            let mut title = format!("Replace with ${{secrets.{name}}}");
            if let Some((table_edit, spec_name)) =
                root.as_deref().and_then(|r| self.secrets_table_edit(r, name, detector))
            {
                title.push_str(&format!(" and list {name} in {spec_name}"));
                changes.push(DocumentChangeOperation::Edit(table_edit));
            }
            out.push(CodeActionOrCommand::CodeAction(lsp::CodeAction {
                title,
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![d.clone()]),
                edit: Some(WorkspaceEdit {
                    document_changes: Some(DocumentChanges::Operations(changes)),
                    ..Default::default()
                }),
                is_preferred: Some(true),
                ..Default::default()
            }));
            if let Some(root) = root {
                let fingerprint = smaqit_secrets::fingerprint(&lines_slice(lines, &bytes));
                let line = actions::secrets::allowlist_line(&fingerprint, detector);
                if let Some(edit) = allowlist_edit(&root, &fingerprint, line, enc) {
                    out.push(CodeActionOrCommand::CodeAction(lsp::CodeAction {
                        title: "Ignore this value in the project (fingerprint in .smaqit/secrets-allowlist)".into(),
                        kind: Some(CodeActionKind::QUICKFIX),
                        diagnostics: Some(vec![d.clone()]),
                        edit: Some(edit),
                        ..Default::default()
                    }));
                }
            }
        }
        out
    }

    /// The Secrets Management row for `name` in the first candidate spec of
    /// the project that has such a table, versioned if it is open.
    fn secrets_table_edit(&self, root: &Path, name: &str, detector: &str) -> Option<(TextDocumentEdit, String)> {
        let enc = self.enc();
        let kind = detector.replace('-', " ");
        for e in actions::secrets::table_candidates(&self.ws, root) {
            let uri = super::convert::uri_of(&e.spec.path)?;
            let file = e.spec.path.file_name().map_or(String::new(), |f| f.to_string_lossy().into_owned());
            // An open document is edited as the user sees it, not as indexed.
            let made = if let Some(open) = self.docs.get(&uri) {
                let spec = Spec::new(e.spec.path.clone(), Some(root.to_path_buf()), open.parsed.clone());
                let text = open.doc.text();
                actions::secrets::secrets_table_row(&spec, &text, name, &kind)
                    .map(|edit| document_edit(&uri, Some(open.doc.version), &open.doc.rope, enc, &[edit]))
            } else {
                let text = e.text.as_str();
                actions::secrets::secrets_table_row(&e.spec, &text, name, &kind).map(|edit| {
                    super::state::with_cached_lines(&e.text, &e.lines, |l| document_edit(&uri, None, l, enc, &[edit]))
                })
            };
            if let Some(edit) = made {
                return Some((edit, file));
            }
        }
        None
    }

    /// Edits for a status transition requested by command (editors' status
    /// pickers), versioned against the open document.
    pub fn transition_edit(&self, uri: &Uri, to: Status) -> Option<WorkspaceEdit> {
        let open = self.docs.get(uri)?;
        let path = open.path.clone()?;
        let spec = Spec::new(path.clone(), find_root(&path), open.parsed.clone());
        let edits = actions::transition(&spec, to, &timestamp::now())?;
        Some(versioned_edit(uri, Some(open.doc.version), &open.doc.rope, self.enc(), &edits))
    }
}

/// The text of a byte range, read through line access.
fn lines_slice(lines: &dyn Lines, range: &std::ops::Range<usize>) -> String {
    let (first, last) = (lines.line_of(range.start), lines.line_of(range.end));
    let mut out = String::new();
    for l in first..=last.min(lines.line_count().saturating_sub(1)) {
        let start = lines.line_start(l);
        let text = lines.line_text(l);
        let from = range.start.saturating_sub(start).min(text.len());
        let to = range.end.saturating_sub(start).min(text.len());
        if l > first {
            out.push('\n');
        }
        if from <= to && text.is_char_boundary(from) && text.is_char_boundary(to) {
            out.push_str(&text[from..to]);
        }
    }
    out
}
