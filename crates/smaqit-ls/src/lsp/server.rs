use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use super::outbox::Outbox;
use super::position::Encoding;
use super::settings::Settings;
use super::state::{Indexed, Publish, State};
use smaqit_core::model::Status;

pub struct Backend {
    client: Client,
    /// Where diagnostics are published (beside the transport, see `outbox`).
    outbox: Outbox,
    state: Arc<State>,
    progress: std::sync::atomic::AtomicBool,
    watch_dynamic: std::sync::atomic::AtomicBool,
}

pub const COMMAND_TRANSITION: &str = "smaqit.setStatus";
pub const COMMAND_REINDEX: &str = "smaqit.reindex";
pub const COMMAND_DEPLOY: &str = "smaqit.deploy";
pub const COMMAND_ENVIRONMENTS: &str = "smaqit.listEnvironments";
pub const COMMAND_PLAN: &str = "smaqit.plan";
pub const COMMAND_STATUS: &str = "smaqit.status";

impl Backend {
    pub fn new(client: Client, outbox: Outbox) -> Self {
        Backend {
            client,
            outbox,
            state: Arc::new(State::new()),
            progress: Default::default(),
            watch_dynamic: Default::default(),
        }
    }

    /// Debounced re-check of an open document on the blocking pool.
    fn schedule(&self, uri: Uri) {
        let generation = self.state.bump_generation(&uri);
        let state = self.state.clone();
        let outbox = self.outbox.clone();
        let delay = Duration::from_millis(state.settings().debounce_ms);
        tokio::spawn(async move {
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            if !state.is_current(&uri, generation) {
                return;
            }
            // Each file is published by the thread that checked it, as soon
            // as it is checked: the client starts on a hub's referrers while
            // others are still being checked.
            let _ = tokio::task::spawn_blocking(move || {
                state.refresh_open_into(&uri, &|p| deliver(&outbox, &state, p));
            })
            .await;
        });
    }

    async fn index_workspace(&self) {
        let roots = self.state.roots.read().unwrap_or_else(|p| p.into_inner()).clone();
        let token = NumberOrString::String("smaqit/index".into());
        let progress = if self.progress.load(Ordering::Relaxed)
            && self.client.create_work_done_progress(token.clone()).await.is_ok()
        {
            Some(self.client.progress(token, "smaqit: indexing").with_percentage(0).begin().await)
        } else {
            None
        };
        let state = self.state.clone();
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(usize, usize)>();
        let max = state.settings().max_file_size;
        let job = tokio::task::spawn_blocking(move || {
            let n = state.ws.index_folders(&roots, max, &|done, total| {
                let _ = tx.send((done, total));
            });
            // Open documents win over what was read from disk.
            let open: Vec<Uri> = state.docs.iter().map(|d| d.key().clone()).collect();
            for uri in open {
                state.sync_open(&uri);
            }
            state.indexed.store(true, Ordering::Release);
            (n, state.refresh_all())
        });
        while let Some((done, total)) = rx.recv().await {
            if let Some(p) = &progress {
                p.report_with_message(format!("{done}/{total} specs"), (done * 100 / total.max(1)) as u32).await;
            }
        }
        let Ok((n, publishes)) = job.await else { return };
        if let Some(p) = progress {
            let specs = self.state.ws.len();
            p.finish_with_message(format!("{specs} specs and {} other files indexed", n.saturating_sub(specs))).await;
        }
        self.client.log_message(MessageType::INFO, format!("smaqit: indexed {n} files")).await;
        self.publish(publishes).await;
        if self.state.pull.load(Ordering::Relaxed) {
            let _ = self.client.workspace_diagnostic_refresh().await;
        }
    }

    async fn file_changed(&self, path: PathBuf) {
        let state = self.state.clone();
        let Ok(publishes) = tokio::task::spawn_blocking(move || state.file_changed(&path)).await else {
            return;
        };
        self.publish(publishes).await;
    }

    /// Runs `f` on the blocking pool (CPU work stays off the runtime).
    async fn blocking<R: Send + 'static>(&self, f: impl FnOnce(&State) -> R + Send + 'static) -> Result<R> {
        let state = self.state.clone();
        tokio::task::spawn_blocking(move || f(&state)).await.map_err(|_| Error::internal_error())
    }

    /// Publishes from the blocking pool (a send waits while the client is
    /// far behind).
    async fn publish(&self, publishes: Vec<Publish>) {
        let (state, outbox) = (self.state.clone(), self.outbox.clone());
        let _ =
            tokio::task::spawn_blocking(move || publishes.into_iter().for_each(|p| deliver(&outbox, &state, p))).await;
    }

    /// Clears a deleted file's diagnostics.
    async fn clear(&self, uri: &Uri) {
        self.publish(self.state.cleared(uri).into_iter().collect()).await;
    }

    /// `window/workDoneProgress/cancel`: the user pressed cancel.
    pub async fn progress_cancel(&self, params: WorkDoneProgressCancelParams) {
        let key = match params.token {
            NumberOrString::String(s) => s,
            NumberOrString::Number(n) => n.to_string(),
        };
        if let Some(flag) = self.state.cancels.get(&key) {
            flag.store(true, Ordering::SeqCst);
        }
    }

    /// Stands in for a message that was not JSON (see `input`): the error
    /// the JSON-RPC transport owes the client.
    pub async fn parse_error(&self) -> Result<()> {
        Err(Error::parse_error())
    }

    /// Stands in for JSON that was not a JSON-RPC message.
    pub async fn invalid_request(&self) -> Result<()> {
        Err(Error::invalid_request())
    }

    async fn republish_all(&self) {
        let state = self.state.clone();
        if let Ok(publishes) = tokio::task::spawn_blocking(move || state.refresh_all()).await {
            self.publish(publishes).await;
        }
    }

    async fn update_settings(&self, value: &serde_json::Value) {
        if let Some(s) = Settings::from_json(value) {
            match smaqit_core::workspace::FileFilter::new(&s.include, &s.exclude) {
                Ok(f) => self.state.ws.set_filter(f),
                Err(e) => {
                    self.client.show_message(MessageType::ERROR, format!("smaqit: include/exclude setting: {e}")).await
                }
            }
            self.state.set_settings(s);
        }
    }
}

/// Sends one file's diagnostics, unless the client pulls them or a later
/// refresh already decided newer ones (checked as the frame is queued, so
/// a file's last publish is always the last decided).
fn deliver(outbox: &Outbox, state: &State, p: Publish) {
    if state.pull.load(Ordering::Relaxed) {
        return;
    }
    let params = PublishDiagnosticsParams { uri: p.uri, diagnostics: p.diagnostics, version: p.version };
    outbox.notify_if("textDocument/publishDiagnostics", &params, || state.is_latest(&params.uri, p.hash));
}

fn roots_of(params: &InitializeParams) -> Vec<PathBuf> {
    let mut roots: Vec<PathBuf> = params
        .workspace_folders
        .iter()
        .flatten()
        .filter_map(|f| f.uri.to_file_path().map(|p| p.into_owned()))
        .collect();
    #[allow(deprecated)]
    if roots.is_empty()
        && let Some(p) = params.root_uri.as_ref().and_then(|u| u.to_file_path())
    {
        roots.push(p.into_owned());
    }
    roots
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let caps = &params.capabilities;
        let utf8 = caps
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_ref())
            .is_some_and(|e| e.contains(&PositionEncodingKind::UTF8));
        let enc = if utf8 { Encoding::Utf8 } else { Encoding::Utf16 };
        let _ = self.state.encoding.set(enc);
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
        self.state.pull.store(pull, Ordering::Relaxed);
        let progress = caps.window.as_ref().and_then(|w| w.work_done_progress).unwrap_or(false);
        self.progress.store(progress, Ordering::Relaxed);
        let watch = caps
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false);
        self.watch_dynamic.store(watch, Ordering::Relaxed);
        if let Some(opts) = &params.initialization_options {
            self.update_settings(opts).await;
        }
        *self.state.roots.write().unwrap_or_else(|p| p.into_inner()) = roots_of(&params);

        let file_filter = FileOperationRegistrationOptions {
            filters: vec![FileOperationFilter {
                scheme: Some("file".into()),
                pattern: FileOperationPattern { glob: "**/*".into(), matches: None, options: None },
            }],
        };
        Ok(InitializeResult {
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
                    commands: [
                        COMMAND_TRANSITION,
                        COMMAND_REINDEX,
                        COMMAND_DEPLOY,
                        COMMAND_ENVIRONMENTS,
                        COMMAND_PLAN,
                        COMMAND_STATUS,
                    ]
                    .into_iter()
                    .map(String::from)
                    .collect(),
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
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        if self.watch_dynamic.load(Ordering::Relaxed) {
            let options = DidChangeWatchedFilesRegistrationOptions {
                watchers: ["**/specs/*/*.md", "**/.smaqit/**"]
                    .into_iter()
                    .map(|g| FileSystemWatcher { glob_pattern: GlobPattern::String(g.into()), kind: None })
                    .collect(),
            };
            let reg = Registration {
                id: "smaqit-watch".into(),
                method: "workspace/didChangeWatchedFiles".into(),
                register_options: serde_json::to_value(options).ok(),
            };
            if let Err(e) = self.client.register_capability(vec![reg]).await {
                self.client.log_message(MessageType::WARNING, format!("file watching not registered: {e}")).await;
            }
        }
        self.index_workspace().await;
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let d = params.text_document;
        self.state.open(d.uri.clone(), &d.text, d.version);
        self.schedule(d.uri);
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        // Applied before any await: notifications run concurrently, and
        // edits must land in the order the client sent them.
        let uri = params.text_document.uri;
        match self.state.change(&uri, params.text_document.version, params.content_changes) {
            Ok(()) => self.schedule(uri),
            Err(msg) => self.client.log_message(MessageType::WARNING, msg).await,
        }
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        self.schedule(params.text_document.uri);
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        let state = self.state.clone();
        let u = uri.clone();
        let Ok(publishes) = tokio::task::spawn_blocking(move || {
            let path = state.close(&u);
            path.and_then(|p| state.refresh_path(&p)).into_iter().collect::<Vec<_>>()
        })
        .await
        else {
            return;
        };
        self.publish(publishes).await;
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        self.update_settings(&params.settings).await;
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        for change in params.changes {
            if let Some(path) = change.uri.to_file_path() {
                let path = path.into_owned();
                if change.typ == FileChangeType::DELETED {
                    // file_changed sees it gone and re-checks its neighbours.
                    self.clear(&change.uri).await;
                }
                self.file_changed(path).await;
            }
        }
    }

    async fn did_create_files(&self, params: CreateFilesParams) {
        for f in params.files {
            if let Some(p) = f.uri.parse::<Uri>().ok().and_then(|u| u.to_file_path().map(|p| p.into_owned())) {
                self.file_changed(p).await;
            }
        }
    }

    async fn did_rename_files(&self, params: RenameFilesParams) {
        for f in params.files {
            for (uri, deleted) in [(&f.old_uri, true), (&f.new_uri, false)] {
                let Some(u) = uri.parse::<Uri>().ok() else { continue };
                let Some(p) = u.to_file_path().map(|p| p.into_owned()) else { continue };
                if deleted {
                    // file_changed sees it gone and re-checks its neighbours.
                    self.clear(&u).await;
                }
                self.file_changed(p).await;
            }
        }
    }

    async fn did_delete_files(&self, params: DeleteFilesParams) {
        for f in params.files {
            let Some(u) = f.uri.parse::<Uri>().ok() else { continue };
            let Some(p) = u.to_file_path().map(|p| p.into_owned()) else { continue };
            // file_changed sees it gone and re-checks its neighbours.
            self.clear(&u).await;
            self.file_changed(p).await;
        }
    }

    async fn goto_definition(&self, params: GotoDefinitionParams) -> Result<Option<GotoDefinitionResponse>> {
        let p = params.text_document_position_params;
        let locs = self.blocking(move |s| s.goto_definition(&p.text_document.uri, p.position)).await?;
        Ok((!locs.is_empty()).then_some(GotoDefinitionResponse::Array(locs)))
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let p = params.text_document_position;
        let decl = params.context.include_declaration;
        Ok(Some(self.blocking(move |s| s.find_references(&p.text_document.uri, p.position, decl)).await?))
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let p = params.text_document_position_params;
        self.blocking(move |s| s.hover(&p.text_document.uri, p.position)).await
    }

    async fn document_symbol(&self, params: DocumentSymbolParams) -> Result<Option<DocumentSymbolResponse>> {
        let uri = params.text_document.uri;
        Ok(Some(DocumentSymbolResponse::Nested(self.blocking(move |s| s.document_symbols(&uri)).await?)))
    }

    async fn symbol(&self, params: WorkspaceSymbolParams) -> Result<Option<WorkspaceSymbolResponse>> {
        let q = params.query;
        Ok(Some(WorkspaceSymbolResponse::Nested(self.blocking(move |s| s.workspace_symbols(&q)).await?)))
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let p = params.text_document_position;
        let items = self.blocking(move |s| s.completion(&p.text_document.uri, p.position)).await?;
        Ok(Some(CompletionResponse::Array(items)))
    }

    async fn prepare_rename(&self, params: TextDocumentPositionParams) -> Result<Option<PrepareRenameResponse>> {
        self.blocking(move |s| s.prepare_rename(&params.text_document.uri, params.position)).await
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        let p = params.text_document_position;
        let new = params.new_name;
        self.blocking(move |s| s.rename(&p.text_document.uri, p.position, &new))
            .await?
            .map(Some)
            .map_err(Error::invalid_params)
    }

    async fn will_rename_files(&self, params: RenameFilesParams) -> Result<Option<WorkspaceEdit>> {
        self.blocking(move |s| s.will_rename_files(&params.files)).await
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        let uri = params.text_document.uri;
        Ok(Some(self.blocking(move |s| s.code_lenses(&uri)).await?))
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let state = self.state.clone();
        let actions = tokio::task::spawn_blocking(move || state.code_actions(&params))
            .await
            .map_err(|_| Error::internal_error())?;
        Ok(Some(actions))
    }

    async fn diagnostic(&self, params: DocumentDiagnosticParams) -> Result<DocumentDiagnosticReportResult> {
        let state = self.state.clone();
        let uri = params.text_document.uri;
        let items =
            tokio::task::spawn_blocking(move || state.pull_report(&uri)).await.map_err(|_| Error::internal_error())?;
        Ok(DocumentDiagnosticReportResult::Report(DocumentDiagnosticReport::Full(
            RelatedFullDocumentDiagnosticReport {
                related_documents: None,
                full_document_diagnostic_report: FullDocumentDiagnosticReport { result_id: None, items },
            },
        )))
    }

    async fn workspace_diagnostic(&self, _: WorkspaceDiagnosticParams) -> Result<WorkspaceDiagnosticReportResult> {
        let state = self.state.clone();
        let items = tokio::task::spawn_blocking(move || {
            state
                .all_indexed()
                .into_iter()
                .filter_map(|e| {
                    let path = match &e {
                        Indexed::Spec(f) => f.spec.path.clone(),
                        Indexed::Iac(f) => f.path.clone(),
                    };
                    if state.is_open_path(&path) {
                        return None;
                    }
                    let uri = super::convert::uri_of(&path)?;
                    Some(WorkspaceDocumentDiagnosticReport::Full(WorkspaceFullDocumentDiagnosticReport {
                        uri,
                        version: None,
                        full_document_diagnostic_report: FullDocumentDiagnosticReport {
                            result_id: None,
                            items: state.diagnostics_of(&e),
                        },
                    }))
                })
                .collect()
        })
        .await
        .map_err(|_| Error::internal_error())?;
        Ok(WorkspaceDiagnosticReportResult::Report(WorkspaceDiagnosticReport { items }))
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<LSPAny>> {
        match params.command.as_str() {
            COMMAND_TRANSITION => {
                // Arguments: [uri, status]
                let uri = params.arguments.first().and_then(|v| v.as_str()).and_then(|s| s.parse::<Uri>().ok());
                let status = params.arguments.get(1).and_then(|v| v.as_str()).and_then(Status::parse);
                let (Some(uri), Some(status)) = (uri, status) else {
                    return Err(Error::invalid_params("expected [documentUri, status]"));
                };
                let Some(edit) = self.state.transition_edit(&uri, status) else {
                    return Err(Error::invalid_params("the document is not an open spec with a status"));
                };
                let applied = self.client.apply_edit(edit).await.map(|r| r.applied).unwrap_or(false);
                Ok(Some(serde_json::json!({ "applied": applied })))
            }
            COMMAND_DEPLOY => {
                let args = params.arguments.first().cloned().unwrap_or_default();
                let progress = self.progress.load(Ordering::Relaxed);
                let result = super::deploy::deploy(self.state.clone(), &self.client, progress, args).await?;
                self.republish_all().await;
                Ok(Some(result))
            }
            COMMAND_ENVIRONMENTS => {
                let args = params.arguments.first().cloned().unwrap_or_default();
                super::deploy::list_environments(&self.state, &args).map(Some)
            }
            COMMAND_PLAN => {
                let args = params.arguments.first().cloned().unwrap_or_default();
                super::deploy::plan(&self.state, &args).map(Some)
            }
            COMMAND_STATUS => {
                let args = params.arguments.first().cloned().unwrap_or_default();
                Ok(Some(super::deploy::status(&self.state, &args)))
            }
            COMMAND_REINDEX => {
                self.index_workspace().await;
                Ok(Some(serde_json::json!({ "specs": self.state.ws.len() })))
            }
            other => Err(Error::invalid_params(format!("unknown command {other}"))),
        }
    }
}
