//! What the server offers (`InitializeResult`) and what it learned of the
//! client (`Negotiated`), in one place.

use tower_lsp_server::ls_types::*;

use super::commands::COMMANDS;
use super::position::Encoding;

/// What the client's capabilities decide for the session.
#[derive(Clone, Copy, Debug)]
pub struct Negotiated {
    pub encoding: Encoding,
    /// Pull diagnostics (the client also supports workspace refresh).
    pub pull: bool,
    pub progress: bool,
    /// The client registers file watchers dynamically.
    pub watch: bool,
}

pub fn negotiate(caps: &ClientCapabilities) -> Negotiated {
    let utf8 = caps
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_ref())
        .is_some_and(|e| e.contains(&PositionEncodingKind::UTF8));
    // Pull only when the client can also be told to re-pull: closed files'
    // diagnostics change as the index fills, and a client without
    // workspace refresh (Neovim 0.11) would never see them otherwise.
    let pull = caps.text_document.as_ref().and_then(|t| t.diagnostic.as_ref()).is_some()
        && caps
            .workspace
            .as_ref()
            .and_then(|w| w.diagnostics.as_ref())
            .and_then(|d| d.refresh_support)
            .unwrap_or(false);
    let progress = caps.window.as_ref().and_then(|w| w.work_done_progress).unwrap_or(false);
    let watch = caps
        .workspace
        .as_ref()
        .and_then(|w| w.did_change_watched_files.as_ref())
        .and_then(|d| d.dynamic_registration)
        .unwrap_or(false);
    Negotiated { encoding: if utf8 { Encoding::Utf8 } else { Encoding::Utf16 }, pull, progress, watch }
}

pub fn initialize_result(n: &Negotiated) -> InitializeResult {
    let (utf8, pull) = (n.encoding == Encoding::Utf8, n.pull);
    let file_filter = FileOperationRegistrationOptions {
        filters: vec![FileOperationFilter {
            scheme: Some("file".into()),
            pattern: FileOperationPattern { glob: "**/*".into(), matches: None, options: None },
        }],
    };
    InitializeResult {
        server_info: Some(ServerInfo { name: "smaqit-ls".into(), version: Some(env!("CARGO_PKG_VERSION").into()) }),
        capabilities: ServerCapabilities {
            position_encoding: Some(if utf8 { PositionEncodingKind::UTF8 } else { PositionEncodingKind::UTF16 }),
            text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                ..Default::default()
            })),
            code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                code_action_kinds: Some(vec![
                    CodeActionKind::QUICKFIX,
                    CodeActionKind::REFACTOR_REWRITE,
                    CodeActionKind::SOURCE,
                ]),
                ..Default::default()
            })),
            diagnostic_provider: pull.then(|| {
                DiagnosticServerCapabilities::Options(DiagnosticOptions {
                    identifier: Some("smaqit".into()),
                    inter_file_dependencies: true,
                    workspace_diagnostics: true,
                    ..Default::default()
                })
            }),
            definition_provider: Some(OneOf::Left(true)),
            references_provider: Some(OneOf::Left(true)),
            hover_provider: Some(HoverProviderCapability::Simple(true)),
            document_symbol_provider: Some(OneOf::Left(true)),
            workspace_symbol_provider: Some(OneOf::Left(true)),
            rename_provider: Some(OneOf::Right(RenameOptions {
                prepare_provider: Some(true),
                work_done_progress_options: Default::default(),
            })),
            completion_provider: Some(CompletionOptions {
                trigger_characters: Some(["[", "-", ":", "#", " "].iter().map(|c| (*c).to_owned()).collect()),
                ..Default::default()
            }),
            code_lens_provider: Some(CodeLensOptions { resolve_provider: Some(false) }),
            execute_command_provider: Some(ExecuteCommandOptions {
                commands: COMMANDS.into_iter().map(String::from).collect(),
                ..Default::default()
            }),
            workspace: Some(WorkspaceServerCapabilities {
                workspace_folders: None,
                file_operations: Some(WorkspaceFileOperationsServerCapabilities {
                    did_create: Some(file_filter.clone()),
                    did_rename: Some(file_filter.clone()),
                    did_delete: Some(file_filter.clone()),
                    will_rename: Some(FileOperationRegistrationOptions {
                        filters: vec![FileOperationFilter {
                            scheme: Some("file".into()),
                            pattern: FileOperationPattern { glob: "**/*.md".into(), matches: None, options: None },
                        }],
                    }),
                    ..Default::default()
                }),
            }),
            ..Default::default()
        },
        offset_encoding: None,
    }
}

/// The file watchers registered with a client that watches dynamically.
pub fn watchers() -> Registration {
    let options = DidChangeWatchedFilesRegistrationOptions {
        watchers: ["**/specs/*/*.md", "**/.smaqit/**"]
            .into_iter()
            .map(|g| FileSystemWatcher { glob_pattern: GlobPattern::String(g.into()), kind: None })
            .collect(),
    };
    Registration {
        id: "smaqit-watch".into(),
        method: "workspace/didChangeWatchedFiles".into(),
        register_options: serde_json::to_value(options).ok(),
    }
}
