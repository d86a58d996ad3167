//! The Deploy command and its neighbours (`smaqit.listEnvironments`,
//! `smaqit.plan`, `smaqit.status`). The server never holds a credential: it
//! runs the deploy session of `smaqit-deploy`, whose executor is a separate
//! process, and only sees scrubbed events and the outcome. This file is the
//! session's host in an editor: progress over `$/progress`, status
//! write-back as versioned `workspace/applyEdit` for open documents.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use smaqit_core::model::{Spec, Status};
use smaqit_core::project::environments as config;
use smaqit_core::project::find_root;
use smaqit_core::project::plan::{Disk, Phase, PlanEntry, SpecSource, phase_output_in, plan_phase_in};
use smaqit_core::workspace::Workspace;
use smaqit_deploy::flow::{self, Role};
use smaqit_deploy::lock::ProjectLock;
use smaqit_deploy::protocol::{Event, Outcome, Status as DeployStatus};
use smaqit_deploy::session::{self, Host};
use tower_lsp_server::Client;
use tower_lsp_server::ls_types::{MessageType, NumberOrString, ShowDocumentParams, Uri};

use super::commands::{
    DEPLOY_PROGRESS_PREFIX, DeployArgs, DeployResult, EnvironmentInfo, PlanEntryInfo, PlanResult, ProjectArgs,
    StatusResult,
};
use super::convert::uri_of;
use super::edits::versioned_edit;
use super::state::State;

/// The project a command is about: `root` if given, else the first
/// workspace folder holding `.smaqit/`, else the project of the first spec.
pub fn project_root(state: &State, root: Option<&str>) -> Option<PathBuf> {
    if let Some(r) = root {
        let p = r
            .parse::<Uri>()
            .ok()
            .and_then(|u| u.to_file_path().map(|p| p.into_owned()))
            .unwrap_or_else(|| PathBuf::from(r));
        return find_root(&p).or(Some(p));
    }
    let roots = state.roots.read().unwrap_or_else(|p| p.into_inner()).clone();
    roots
        .iter()
        .find(|r| r.join(".smaqit").is_dir())
        .cloned()
        .or_else(|| roots.iter().find_map(|r| find_root(r)))
        .or_else(|| state.ws.specs().iter().find_map(|e| e.spec.root.clone()))
}

/// `plan` over the editor's view: an open document as the user sees it
/// (unsaved edits included), any other file from the disk.
pub struct Buffers<'a>(pub &'a State);

impl SpecSource for Buffers<'_> {
    fn open(&self, path: &Path) -> std::io::Result<Box<dyn std::io::Read + '_>> {
        if let Some(open) = uri_of(path).and_then(|u| self.0.docs.get(&u)) {
            return Ok(Box::new(std::io::Cursor::new(open.doc.text().into_bytes())));
        }
        Disk.open(path)
    }
}

fn no_project() -> String {
    "no smaqit project in the workspace".into()
}

/// Waits (up to 30 s) for the first scan to finish: planning and the
/// environments' specs need the whole index.
pub async fn indexed(state: &State) {
    for _ in 0..600 {
        if state.indexed.load(Ordering::Acquire) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

pub fn list_environments(state: &State, args: &ProjectArgs) -> Result<Vec<EnvironmentInfo>, String> {
    let root = project_root(state, args.root.as_deref()).ok_or_else(no_project)?;
    let file = config::load(&root).map_err(|e| e.message)?;
    let count = file.environments.len();
    Ok(file
        .environments
        .iter()
        .map(|(name, env)| {
            let realised = flow::realised(&root, &Buffers(state), name, env, count, &state.ws);
            EnvironmentInfo {
                name: name.clone(),
                description: env.description.clone(),
                steps: env.steps.clone(),
                health: env.health.iter().map(|h| h.describe()).collect(),
                retries: env.retries,
                specs: realised.specs,
                pending: realised.pending,
            }
        })
        .collect())
}

pub fn plan(state: &State, args: &ProjectArgs) -> Result<PlanResult, String> {
    let root = project_root(state, args.root.as_deref()).ok_or_else(no_project)?;
    let p = plan_phase_in(&root, &Buffers(state), Phase::Deploy, false);
    let entry = |e: &PlanEntry| PlanEntryInfo { path: e.path.clone(), id: e.id.clone(), status: e.status.clone() };
    Ok(PlanResult {
        phase: "deploy".into(),
        output: phase_output_in(&root, &Buffers(state), Phase::Deploy),
        pending: p.pending.iter().map(entry).collect(),
        completed: p.completed.iter().map(entry).collect(),
    })
}

pub fn status(state: &State, args: &ProjectArgs) -> StatusResult {
    let root = project_root(state, args.root.as_deref());
    let mut counts: std::collections::BTreeMap<String, usize> =
        Status::ALL.iter().map(|s| (s.as_str().to_owned(), 0)).collect();
    for e in state.ws.specs() {
        if root.is_some() && e.spec.root != root {
            continue;
        }
        if let Some(s) = e.spec.effective_status() {
            *counts.entry(s.as_str().to_owned()).or_default() += 1;
        }
    }
    StatusResult { counts, deploying: state.deploys.load(Ordering::SeqCst) > 0 }
}

/// Sets the flag when the command's future is dropped (request cancelled).
struct CancelOnDrop(Arc<AtomicBool>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// Forgets a deploy's cancel token when the command ends, however it ends.
struct ForgetToken(Arc<State>, String);

impl Drop for ForgetToken {
    fn drop(&mut self) {
        self.0.cancels.remove(&self.1);
    }
}

/// Counts a running deploy for `smaqit.status`.
struct Running(Arc<State>);

impl Running {
    fn new(state: &Arc<State>) -> Running {
        state.deploys.fetch_add(1, Ordering::SeqCst);
        Running(state.clone())
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.0.deploys.fetch_sub(1, Ordering::SeqCst);
    }
}

fn refused(message: String, conflicts: Vec<String>) -> DeployResult {
    DeployResult {
        status: DeployStatus::Refused.as_str().into(),
        endpoint: None,
        message,
        attempts: 0,
        report: None,
        conflicts,
        problems: Vec::new(),
    }
}

/// `smaqit.deploy`: the session, with progress on the client's token (or one
/// of ours, `smaqit/deploy/<n>`) and write-back into open documents.
pub async fn deploy(
    state: Arc<State>,
    client: &Client,
    progress_supported: bool,
    args: DeployArgs,
    token: Option<NumberOrString>,
) -> DeployResult {
    let env_name = args.environment;
    let args_regen = args.regen;
    let Some(root) = project_root(&state, args.root.as_deref()) else { return refused(no_project(), Vec::new()) };
    let _lock = match ProjectLock::acquire(&root) {
        Ok(l) => l,
        Err(e) => return refused(e, Vec::new()),
    };
    let _running = Running::new(&state);
    let cancel = Arc::new(AtomicBool::new(false));
    let _guard = CancelOnDrop(cancel.clone());
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    let (token, ours) = match token {
        Some(t) => (t, false),
        None => {
            (NumberOrString::String(format!("{DEPLOY_PROGRESS_PREFIX}{}", NEXT.fetch_add(1, Ordering::Relaxed))), true)
        }
    };
    let token_key = match &token {
        NumberOrString::String(s) => s.clone(),
        NumberOrString::Number(n) => n.to_string(),
    };
    state.cancels.insert(token_key.clone(), cancel.clone());
    // The token is known (and cancellable) from here on, before planning.
    let _forget = ForgetToken(state.clone(), token_key.clone());
    indexed(&state).await;
    // Open documents win over the disk when consolidating.
    let (s, r, e) = (state.clone(), root.clone(), env_name.clone());
    let prepared = tokio::task::spawn_blocking(move || {
        s.sync_all_open();
        flow::prepare(&r, &Buffers(&s), &e, args_regen, &s.ws)
    })
    .await;
    let prepared = match prepared {
        Ok(Ok(p)) => p,
        Ok(Err(refusal)) => return refused(refusal.message, refusal.conflicts),
        Err(_) => return refused("internal error while planning".into(), Vec::new()),
    };
    if cancel.load(Ordering::SeqCst) {
        return DeployResult {
            status: DeployStatus::Cancelled.as_str().into(),
            message: "deploy cancelled before it started; nothing ran".into(),
            ..refused(String::new(), Vec::new())
        };
    }

    let created = !ours || (progress_supported && client.create_work_done_progress(token.clone()).await.is_ok());
    let progress = if created {
        Some(
            client
                .progress(token, format!("smaqit: deploying `{env_name}`"))
                .with_percentage(0)
                .with_cancel_button()
                .begin()
                .await,
        )
    } else {
        None
    };
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Event>();
    let job = {
        let (s, c, cl) = (state.clone(), cancel.clone(), client.clone());
        let handle = tokio::runtime::Handle::current();
        tokio::task::spawn_blocking(move || {
            let mut host = EditorHost { state: s.clone(), client: cl, handle, events: tx };
            session::run(&prepared, &s.ws, &mut host, &c)
        })
    };
    while let Some(event) = rx.recv().await {
        match event {
            Event::Progress { percent, message } => {
                if let Some(p) = &progress {
                    p.report_with_message(message, percent.min(100), None).await;
                }
            }
            Event::Log { line } => client.log_message(MessageType::LOG, format!("deploy: {line}")).await,
            _ => {}
        }
    }
    let summary = match job.await {
        Ok(s) => s,
        Err(_) => return refused("internal error while deploying".into(), Vec::new()),
    };
    let outcome = &summary.outcome;
    let report_uri = summary.report.as_deref().and_then(uri_of);
    if let Some(p) = progress {
        p.finish_with_message(format!("{}: {}", outcome.status.as_str(), outcome.message)).await;
    }
    if let Some(uri) = &report_uri {
        let _ = client
            .show_document(ShowDocumentParams {
                uri: uri.clone(),
                external: Some(false),
                take_focus: Some(true),
                selection: None,
            })
            .await;
    }
    for p in &summary.problems {
        client.log_message(MessageType::WARNING, p).await;
    }
    DeployResult {
        status: outcome.status.as_str().into(),
        endpoint: outcome.endpoint.clone(),
        message: outcome.message.clone(),
        attempts: outcome.attempts.len(),
        report: report_uri.map(|u| u.as_str().to_owned()),
        conflicts: Vec::new(),
        problems: summary.problems,
    }
}

/// The session's host in the editor. Runs on a blocking thread; talks to
/// the client through the runtime's handle.
struct EditorHost {
    state: Arc<State>,
    client: Client,
    handle: tokio::runtime::Handle,
    events: tokio::sync::mpsc::UnboundedSender<Event>,
}

impl Host for EditorHost {
    fn event(&mut self, event: &Event) {
        let _ = self.events.send(event.clone());
    }

    /// A versioned `workspace/applyEdit` when the spec is open (recomputed
    /// and retried if the user typed in between), else a byte-preserving
    /// write that refuses to overwrite a file changed meanwhile.
    fn write_spec(&mut self, path: &Path, role: Role, outcome: &Outcome, now: &str) -> Result<bool, String> {
        let Some(uri) = uri_of(path) else { return Ok(false) };
        for _ in 0..5 {
            let planned = {
                let Some(open) = self.state.docs.get(&uri) else { break };
                let spec = Spec::new(path.to_path_buf(), find_root(path), open.parsed.clone());
                let edits = flow::writeback(&spec, role, outcome, now);
                if edits.is_empty() {
                    return Ok(false);
                }
                versioned_edit(&uri, Some(open.doc.version), &open.doc.rope, self.state.enc(), &edits)
            };
            match self.handle.block_on(self.client.apply_edit(planned)) {
                Ok(r) if r.applied => return Ok(true),
                // The client refused: most likely the user typed since. Look again.
                _ => std::thread::sleep(std::time::Duration::from_millis(50)),
            }
        }
        if self.state.docs.contains_key(&uri) {
            return Err(format!("{}: the editor refused the status update; set it by hand", path.display()));
        }
        session::write_spec_on_disk(path, role, outcome, now)
    }

    /// Open documents are indexed as the user sees them (unsaved edits
    /// included), closed files as they are on disk.
    fn reindex(&mut self, _ws: &Workspace, paths: &[PathBuf]) {
        for path in paths {
            match uri_of(path).filter(|u| self.state.docs.contains_key(u)) {
                Some(uri) => {
                    self.state.sync_open(&uri);
                }
                None => self.state.reload_from_disk(path),
            }
        }
    }
}
