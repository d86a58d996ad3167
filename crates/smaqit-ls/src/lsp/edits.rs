//! Core edits (byte ranges) as LSP `WorkspaceEdit`s. Every document edit
//! names the version it was computed on (`null` only for files that are not
//! open), so a client refuses to apply it to newer text.

use std::path::{Path, PathBuf};

use smaqit_core::actions::TextEdit;
use smaqit_core::workspace::ALLOWLIST;
use tower_lsp_server::ls_types::{
    self as lsp, CreateFile, CreateFileOptions, DocumentChangeOperation, DocumentChanges, OneOf,
    OptionalVersionedTextDocumentIdentifier, ResourceOp, TextDocumentEdit, Uri, WorkspaceEdit,
};

use super::convert::uri_of;
use super::position::{Encoding, Lines, StrLines, to_range};
use super::state::State;

/// Edits of one document, positioned against `lines` (its text at `version`).
pub fn document_edit(
    uri: &Uri,
    version: Option<i32>,
    lines: &dyn Lines,
    enc: Encoding,
    edits: &[TextEdit],
) -> TextDocumentEdit {
    TextDocumentEdit {
        text_document: OptionalVersionedTextDocumentIdentifier { uri: uri.clone(), version },
        edits: edits
            .iter()
            .map(|e| OneOf::Left(lsp::TextEdit { range: to_range(lines, &e.range, enc), new_text: e.new_text.clone() }))
            .collect(),
    }
}

/// A `WorkspaceEdit` of one document.
pub fn versioned_edit(
    uri: &Uri,
    version: Option<i32>,
    lines: &dyn Lines,
    enc: Encoding,
    edits: &[TextEdit],
) -> WorkspaceEdit {
    WorkspaceEdit {
        document_changes: Some(DocumentChanges::Edits(vec![document_edit(uri, version, lines, enc, edits)])),
        ..Default::default()
    }
}

impl State {
    /// One edit of `path`, against what the user sees: the open document
    /// (versioned) or the indexed text.
    pub fn file_edit(&self, path: &Path, edits: &[TextEdit]) -> Option<TextDocumentEdit> {
        let uri = uri_of(path)?;
        if let Some(open) = self.docs.get(&uri) {
            return Some(document_edit(&uri, Some(open.doc.version), &open.doc.rope, self.enc(), edits));
        }
        Some(self.indexed(path)?.with_lines(|l| document_edit(&uri, None, l, self.enc(), edits)))
    }

    /// One `WorkspaceEdit` over several files.
    pub fn multi_file_edit(&self, edits: &[(PathBuf, Vec<TextEdit>)]) -> WorkspaceEdit {
        let changes = edits.iter().filter_map(|(path, edits)| self.file_edit(path, edits)).collect();
        WorkspaceEdit { document_changes: Some(DocumentChanges::Edits(changes)), ..Default::default() }
    }
}

/// Creates the project's allowlist if needed and appends `line` to it;
/// None when the fingerprint is already there.
pub fn allowlist_edit(root: &Path, fingerprint: &str, line: String, enc: Encoding) -> Option<WorkspaceEdit> {
    let file = root.join(ALLOWLIST);
    let uri = uri_of(&file)?;
    let existing = std::fs::read_to_string(&file).unwrap_or_default();
    if existing.contains(fingerprint) {
        return None;
    }
    let mut line = line;
    if !existing.is_empty() && !existing.ends_with('\n') {
        line.insert(0, '\n');
    }
    let end = to_range(&StrLines::new(&existing), &(existing.len()..existing.len()), enc);
    let create = DocumentChangeOperation::Op(ResourceOp::Create(CreateFile {
        uri: uri.clone(),
        options: Some(CreateFileOptions { overwrite: Some(false), ignore_if_exists: Some(true) }),
        annotation_id: None,
    }));
    let append = DocumentChangeOperation::Edit(TextDocumentEdit {
        text_document: OptionalVersionedTextDocumentIdentifier { uri, version: None },
        edits: vec![OneOf::Left(lsp::TextEdit { range: end, new_text: line })],
    });
    Some(WorkspaceEdit {
        document_changes: Some(DocumentChanges::Operations(vec![create, append])),
        ..Default::default()
    })
}
