use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use super::capabilities;
use super::commands::{self, first_arg};
use super::outbox::Outbox;
use super::publish::{Publish, deliver};
use super::settings::Settings;
use super::state::State;
use smaqit_core::model::Status;

pub struct Backend {
    client: Client,
    /// Where diagnostics are published (beside the transport, see `outbox`).
    outbox: Outbox,
    state: Arc<State>,
    progress: std::sync::atomic::AtomicBool,
    watch_dynamic: std::sync::atomic::AtomicBool,
}

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
            // Before the first index is built, every ID the document names
            // would look unknown: the end of indexing publishes it instead
            // (it syncs the open documents first). The text is applied
            // already, so nothing is lost.
            if !state.indexed.load(Ordering::Acquire) {
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
        let token = NumberOrString::String(commands::INDEX_PROGRESS_TOKEN.into());
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
            // From here on an opened document is checked as it comes; one
            // opened before is synced here. Open documents win over what
            // was read from disk.
            state.indexed.store(true, Ordering::Release);
            let open: Vec<Uri> = state.docs.iter().map(|d| d.key().clone()).collect();
            for uri in open {
                state.sync_open(&uri);
            }
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
            let severities_changed = self.state.settings().severity != s.severity;
            self.state.set_settings(s);
            if severities_changed {
                // Every file's findings may have changed level.
                self.republish_all().await;
            }
        }
    }
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
        let n = capabilities::negotiate(&params.capabilities);
        let _ = self.state.encoding.set(n.encoding);
        self.state.pull.store(n.pull, Ordering::Relaxed);
        self.progress.store(n.progress, Ordering::Relaxed);
        self.watch_dynamic.store(n.watch, Ordering::Relaxed);
        if let Some(opts) = &params.initialization_options {
            self.update_settings(opts).await;
        }
        *self.state.roots.write().unwrap_or_else(|p| p.into_inner()) = roots_of(&params);
        Ok(capabilities::initialize_result(&n))
    }

    async fn initialized(&self, _: InitializedParams) {
        if self.watch_dynamic.load(Ordering::Relaxed) {
            let reg = capabilities::watchers();
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
                    let path = e.path().to_path_buf();
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
        let args = &params.arguments;
        let to_value = |v: std::result::Result<serde_json::Value, String>| v.map(Some).map_err(Error::invalid_params);
        match params.command.as_str() {
            commands::SET_STATUS => {
                // Arguments: [uri, status]
                let uri = args.first().and_then(|v| v.as_str()).and_then(|s| s.parse::<Uri>().ok());
                let status = args.get(1).and_then(|v| v.as_str()).and_then(Status::parse);
                let (Some(uri), Some(status)) = (uri, status) else {
                    return Err(Error::invalid_params("expected [documentUri, status]"));
                };
                let Some(edit) = self.state.transition_edit(&uri, status) else {
                    return Err(Error::invalid_params("the document is not an open spec with a status"));
                };
                let applied = self.client.apply_edit(edit).await.map(|r| r.applied).unwrap_or(false);
                to_value(json(&commands::Applied { applied }))
            }
            commands::DEPLOY => {
                let args: commands::DeployArgs = first_arg(args).map_err(Error::invalid_params)?;
                let progress = self.progress.load(Ordering::Relaxed);
                let token = params.work_done_progress_params.work_done_token.clone();
                let result = super::deploy::deploy(self.state.clone(), &self.client, progress, args, token).await;
                self.republish_all().await;
                to_value(json(&result))
            }
            commands::LIST_ENVIRONMENTS => {
                let args: commands::ProjectArgs = first_arg(args).map_err(Error::invalid_params)?;
                super::deploy::indexed(&self.state).await;
                let state = self.state.clone();
                let envs = tokio::task::spawn_blocking(move || super::deploy::list_environments(&state, &args))
                    .await
                    .map_err(|e| Error::invalid_params(format!("listing environments failed: {e}")))?;
                to_value(envs.and_then(|v| json(&v)))
            }
            commands::PLAN => {
                let args: commands::ProjectArgs = first_arg(args).map_err(Error::invalid_params)?;
                super::deploy::indexed(&self.state).await;
                let state = self.state.clone();
                let plan = tokio::task::spawn_blocking(move || super::deploy::plan(&state, &args))
                    .await
                    .map_err(|e| Error::invalid_params(format!("planning failed: {e}")))?;
                to_value(plan.and_then(|v| json(&v)))
            }
            commands::STATUS => {
                let args: commands::ProjectArgs = first_arg(args).map_err(Error::invalid_params)?;
                super::deploy::indexed(&self.state).await;
                to_value(json(&super::deploy::status(&self.state, &args)))
            }
            commands::REINDEX => {
                self.index_workspace().await;
                to_value(json(&commands::Reindexed { specs: self.state.ws.len() }))
            }
            other => Err(Error::invalid_params(format!("unknown command {other}"))),
        }
    }
}

/// A command's result as JSON.
fn json<T: serde::Serialize>(v: &T) -> std::result::Result<serde_json::Value, String> {
    serde_json::to_value(v).map_err(|e| e.to_string())
}
