//! LSP glue for `navigation`: definition, references, hover, symbols,
//! completion, rename, moved files, code lens. Each request first brings an
//! open document that changed into the index, so answers match what the
//! user sees.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tower_lsp_server::ls_types::{self as lsp, Uri};

use super::convert::uri_of;
use super::position::{Lines, to_offset, to_range};
use super::state::{State, with_cached_lines};
use smaqit_core::navigation::{self, CompletionKind, LensAction, SymbolKind, Target};

use super::commands;
use smaqit_core::workspace::FileEntry;

impl State {
    /// The spec at `uri`, synced first when it is open and changed.
    fn spec_entry(&self, uri: &Uri) -> Option<Arc<FileEntry>> {
        self.current_spec(uri)
    }

    fn target(&self, uri: &Uri, pos: lsp::Position) -> Option<(Arc<FileEntry>, Target, std::ops::Range<usize>)> {
        let e = self.spec_entry(uri)?;
        let offset = with_cached_lines(&e.text, &e.lines, |l| to_offset(l, pos, self.enc()));
        let (t, r) = navigation::target_at(&e.spec, offset)?;
        Some((e, t, r))
    }

    /// A location in an indexed file.
    fn location(&self, path: &Path, range: &std::ops::Range<usize>) -> Option<lsp::Location> {
        let uri = uri_of(path)?;
        let e = self.indexed(path)?;
        Some(lsp::Location { uri, range: e.with_lines(|l| to_range(l, range, self.enc())) })
    }

    pub fn goto_definition(&self, uri: &Uri, pos: lsp::Position) -> Vec<lsp::Location> {
        let Some((e, target, _)) = self.target(uri, pos) else { return Vec::new() };
        match target {
            Target::Id(id) => navigation::definitions(&self.ws, e.spec.root.as_deref(), &id)
                .iter()
                .filter_map(|(p, r)| self.location(p, r))
                .collect(),
            Target::File(p) => {
                uri_of(&p).map(|uri| lsp::Location { uri, range: lsp::Range::default() }).into_iter().collect()
            }
        }
    }

    pub fn find_references(&self, uri: &Uri, pos: lsp::Position, decl: bool) -> Vec<lsp::Location> {
        let Some((e, target, _)) = self.target(uri, pos) else { return Vec::new() };
        let root = e.spec.root.as_deref();
        let id = match target {
            Target::Id(id) => id,
            Target::File(p) => match self.ws.get(&p).and_then(|e| e.spec.id().map(str::to_owned)) {
                Some(id) => id,
                None => return Vec::new(),
            },
        };
        navigation::references(&self.ws, root, &id, decl).iter().filter_map(|(p, r)| self.location(p, r)).collect()
    }

    pub fn hover(&self, uri: &Uri, pos: lsp::Position) -> Option<lsp::Hover> {
        let (e, target, range) = self.target(uri, pos)?;
        let id = match target {
            Target::Id(id) => id,
            Target::File(p) => self.ws.get(&p)?.spec.id()?.to_owned(),
        };
        let text = navigation::hover(&self.ws, e.spec.root.as_deref(), &id)?;
        Some(lsp::Hover {
            contents: lsp::HoverContents::Markup(lsp::MarkupContent { kind: lsp::MarkupKind::Markdown, value: text }),
            range: Some(with_cached_lines(&e.text, &e.lines, |l| to_range(l, &range, self.enc()))),
        })
    }

    pub fn document_symbols(&self, uri: &Uri) -> Vec<lsp::DocumentSymbol> {
        let Some(e) = self.spec_entry(uri) else { return Vec::new() };
        let syms = navigation::document_symbols(&e.spec);
        with_cached_lines(&e.text, &e.lines, |l| syms.iter().map(|s| doc_symbol(s, l, self)).collect())
    }

    pub fn workspace_symbols(&self, query: &str) -> Vec<lsp::WorkspaceSymbol> {
        navigation::workspace_symbols(&self.ws, query, 500)
            .into_iter()
            .filter_map(|s| {
                let location = self.location(&s.path, &s.range)?;
                Some(lsp::WorkspaceSymbol {
                    name: s.name,
                    kind: if s.kind == SymbolKind::Spec { lsp::SymbolKind::MODULE } else { lsp::SymbolKind::KEY },
                    tags: None,
                    container_name: Some(s.detail),
                    location: lsp::OneOf::Left(location),
                    data: None,
                })
            })
            .collect()
    }

    pub fn completion(&self, uri: &Uri, pos: lsp::Position) -> Vec<lsp::CompletionItem> {
        let Some(e) = self.spec_entry(uri) else { return Vec::new() };
        let enc = self.enc();
        with_cached_lines(&e.text, &e.lines, |l| {
            let offset = to_offset(l, pos, enc);
            let line = l.line_of(offset);
            let start = l.line_start(line);
            let text = l.line_text(line);
            let before = &text[..(offset - start).min(text.len())];
            navigation::completions(&self.ws, &e.spec, offset, before)
                .into_iter()
                .map(|c| lsp::CompletionItem {
                    label: c.label,
                    detail: (!c.detail.is_empty()).then_some(c.detail),
                    kind: Some(match c.kind {
                        CompletionKind::Id => lsp::CompletionItemKind::REFERENCE,
                        CompletionKind::Link => lsp::CompletionItemKind::FILE,
                        CompletionKind::Status => lsp::CompletionItemKind::ENUM_MEMBER,
                        CompletionKind::Heading => lsp::CompletionItemKind::KEYWORD,
                    }),
                    text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit {
                        range: to_range(l, &c.replace, enc),
                        new_text: c.new_text,
                    })),
                    ..Default::default()
                })
                .collect()
        })
    }

    pub fn prepare_rename(&self, uri: &Uri, pos: lsp::Position) -> Option<lsp::PrepareRenameResponse> {
        let (e, target, range) = self.target(uri, pos)?;
        let Target::Id(id) = target else { return None };
        if !self.ws.is_defined(e.spec.root.as_deref(), &id) {
            return None;
        }
        Some(lsp::PrepareRenameResponse::RangeWithPlaceholder {
            range: with_cached_lines(&e.text, &e.lines, |l| to_range(l, &range, self.enc())),
            placeholder: id,
        })
    }

    pub fn rename(&self, uri: &Uri, pos: lsp::Position, new: &str) -> Result<lsp::WorkspaceEdit, String> {
        let Some((e, Target::Id(id), _)) = self.target(uri, pos) else { return Err("nothing to rename here".into()) };
        let edits = navigation::rename(&self.ws, e.spec.root.as_deref(), &id, new)?;
        Ok(self.multi_file_edit(&edits))
    }

    pub fn will_rename_files(&self, files: &[lsp::FileRename]) -> Option<lsp::WorkspaceEdit> {
        let to_path = |s: &str| s.parse::<Uri>().ok().and_then(|u| u.to_file_path().map(|p| p.into_owned()));
        let moves: Vec<(PathBuf, PathBuf)> =
            files.iter().filter_map(|f| Some((to_path(&f.old_uri)?, to_path(&f.new_uri)?))).collect();
        let edits = navigation::file_moves(&self.ws, &moves);
        (!edits.is_empty()).then(|| self.multi_file_edit(&edits))
    }

    pub fn code_lenses(&self, uri: &Uri) -> Vec<lsp::CodeLens> {
        let Some(e) = self.spec_entry(uri) else { return Vec::new() };
        let envs: Vec<String> = e
            .spec
            .root
            .as_deref()
            .and_then(|r| smaqit_core::project::environments::load(r).ok())
            .map(|f| f.environments.keys().cloned().collect())
            .unwrap_or_default();
        let lenses = navigation::lenses(&self.ws, &e.spec, &envs);
        with_cached_lines(&e.text, &e.lines, |l| {
            lenses
                .into_iter()
                .map(|lens| lsp::CodeLens {
                    range: to_range(l, &lens.range, self.enc()),
                    command: Some(lsp::Command {
                        title: lens.title,
                        command: match &lens.action {
                            LensAction::None => String::new(),
                            LensAction::Deploy { .. } => commands::DEPLOY.into(),
                        },
                        arguments: match lens.action {
                            LensAction::None => None,
                            LensAction::Deploy { environment } => {
                                serde_json::to_value(commands::DeployArgs { environment, root: None, regen: false })
                                    .ok()
                                    .map(|a| vec![a])
                            }
                        },
                    }),
                    data: None,
                })
                .collect()
        })
    }
}

#[allow(deprecated)]
fn doc_symbol(s: &navigation::DocSymbol, l: &dyn Lines, state: &State) -> lsp::DocumentSymbol {
    lsp::DocumentSymbol {
        name: s.name.clone(),
        detail: s.detail.clone(),
        kind: if s.kind == SymbolKind::Criterion { lsp::SymbolKind::KEY } else { lsp::SymbolKind::STRING },
        tags: None,
        deprecated: None,
        range: to_range(l, &s.range, state.enc()),
        selection_range: to_range(l, &s.selection, state.enc()),
        children: (!s.children.is_empty()).then(|| s.children.iter().map(|c| doc_symbol(c, l, state)).collect()),
    }
}
