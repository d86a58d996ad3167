//! The Deploy command in the server: `smaqit.deploy`, `smaqit.listEnvironments`,
//! `smaqit.plan`, `smaqit.status`. The server never holds a credential: it
//! runs the flow in `deploy::flow`, whose executor is a separate process, and
//! only sees scrubbed events and the outcome.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use serde_json::{Value, json};
use tower_lsp_server::Client;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::{NumberOrString, ShowDocumentParams, Uri};

use super::convert::uri_of;
use super::state::{State, versioned_edit};
use smaqit_core::model::{Spec, Status};
use smaqit_core::parse::parse;
use smaqit_core::project::environments as config;
use smaqit_core::project::find_root;
use smaqit_core::project::plan::{Phase, phase_output, plan_phase};
use smaqit_deploy::flow::{self, Role};
use smaqit_deploy::protocol::{Event, Outcome, Status as DeployStatus};
use smaqit_deploy::report;

/// The project a command is about: `root` if given, else the first
/// workspace folder holding `.smaqit/`, else the project of the first spec.
pub fn project_root(state: &State, args: &Value) -> Option<PathBuf> {
    if let Some(r) = args.get("root").and_then(Value::as_str) {
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

pub fn list_environments(state: &State, args: &Value) -> Result<Value> {
    let root = project_root(state, args).ok_or_else(|| Error::invalid_params("no smaqit project in the workspace"))?;
    let file = config::load(&root).map_err(|e| Error::invalid_params(e.message))?;
    Ok(Value::Array(
        file.environments
            .iter()
            .map(|(name, env)| {
                json!({
                    "name": name,
                    "description": env.description,
                    "steps": env.steps,
                    "health": env.health.iter().map(|h| h.describe()).collect::<Vec<_>>(),
                    "retries": env.retries,
                })
            })
            .collect(),
    ))
}

pub fn plan(state: &State, args: &Value) -> Result<Value> {
    let root = project_root(state, args).ok_or_else(|| Error::invalid_params("no smaqit project in the workspace"))?;
    let p = plan_phase(&root, Phase::Deploy, false, &mut |_| {});
    let entry =
        |e: &smaqit_core::project::plan::PlanEntry| json!({ "path": e.path, "id": e.id, "status": e.status.as_str() });
    Ok(json!({
        "phase": "deploy",
        "output": phase_output(&root, Phase::Deploy),
        "pending": p.pending.iter().map(entry).collect::<Vec<_>>(),
        "completed": p.completed.iter().map(entry).collect::<Vec<_>>(),
    }))
}

pub fn status(state: &State, args: &Value) -> Value {
    let root = project_root(state, args);
    let mut counts = serde_json::Map::new();
    for s in Status::ALL {
        counts.insert(s.as_str().into(), json!(0));
    }
    for e in state.ws.specs() {
        if root.is_some() && e.spec.root != root {
            continue;
        }
        if let Some(s) = e.spec.effective_status() {
            let n = counts.get(s.as_str()).and_then(Value::as_u64).unwrap_or(0) + 1;
            counts.insert(s.as_str().into(), json!(n));
        }
    }
    let deploying = !state.deploying.lock().unwrap_or_else(|p| p.into_inner()).is_empty();
    json!({ "counts": counts, "deploying": deploying })
}

/// Sets the flag when the command's future is dropped (request cancelled).
struct CancelOnDrop(Arc<AtomicBool>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// Releases the one-deploy-per-project slot.
struct Slot(Arc<State>, PathBuf);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.deploying.lock().unwrap_or_else(|p| p.into_inner()).remove(&self.1);
    }
}

pub async fn deploy(state: Arc<State>, client: &Client, progress_supported: bool, args: Value) -> Result<Value> {
    let env_name = args
        .get("environment")
        .and_then(Value::as_str)
        .ok_or_else(|| Error::invalid_params("expected [{\"environment\": NAME}]"))?
        .to_owned();
    let root =
        project_root(&state, &args).ok_or_else(|| Error::invalid_params("no smaqit project in the workspace"))?;
    if !state.deploying.lock().unwrap_or_else(|p| p.into_inner()).insert(root.clone()) {
        return Ok(json!({ "status": "refused", "message": "a deploy of this project is already running" }));
    }
    let _slot = Slot(state.clone(), root.clone());
    // Planning needs the whole index: wait for the first scan to finish.
    for _ in 0..600 {
        if state.indexed.load(Ordering::Acquire) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    // Open documents win over the disk when planning and consolidating.
    let s = state.clone();
    let r = root.clone();
    let e = env_name.clone();
    let prepared = tokio::task::spawn_blocking(move || {
        let open: Vec<Uri> = s.docs.iter().map(|d| d.key().clone()).collect();
        for u in open {
            s.sync_open(&u);
        }
        flow::prepare(&r, &e, &s.ws)
    })
    .await
    .map_err(|_| Error::internal_error())?;
    let prepared = match prepared {
        Ok(p) => p,
        Err(refusal) => {
            return Ok(json!({ "status": "refused", "message": refusal.message, "conflicts": refusal.conflicts }));
        }
    };

    let cancel = Arc::new(AtomicBool::new(false));
    let _guard = CancelOnDrop(cancel.clone());
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    let token_name = format!("smaqit/deploy/{}", NEXT.fetch_add(1, Ordering::Relaxed));
    let token = NumberOrString::String(token_name.clone());
    state.cancels.insert(token_name.clone(), cancel.clone());
    let progress = if progress_supported && client.create_work_done_progress(token.clone()).await.is_ok() {
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
        let (p, c) = (prepared.clone(), cancel.clone());
        tokio::task::spawn_blocking(move || {
            flow::run_executor(
                &p,
                &mut |e| {
                    let _ = tx.send(e.clone());
                },
                &c,
            )
        })
    };
    while let Some(event) = rx.recv().await {
        match event {
            Event::Progress { percent, message } => {
                if let Some(p) = &progress {
                    p.report_with_message(message, percent.min(100), None).await;
                }
            }
            Event::Log { line } => {
                client.log_message(tower_lsp_server::ls_types::MessageType::LOG, format!("deploy: {line}")).await
            }
            _ => {}
        }
    }
    let outcome: Outcome = job.await.map_err(|_| Error::internal_error())?;
    state.cancels.remove(&token_name);

    let now = smaqit_core::model::timestamp::now();
    let mut problems = Vec::new();
    let roles: Vec<(PathBuf, Role)> = prepared
        .infra
        .iter()
        .map(|p| (p.clone(), Role::Infrastructure))
        .chain(prepared.upstream.iter().map(|p| (p.clone(), Role::Upstream)))
        .collect();
    for (path, role) in &roles {
        if let Err(e) = write_back(&state, client, path, *role, outcome.status, &now).await {
            problems.push(e);
        }
    }
    let mut report_uri = None;
    if outcome.status != DeployStatus::Cancelled {
        let (s, p, o) = (state.clone(), prepared.clone(), outcome.clone());
        let written = tokio::task::spawn_blocking(move || {
            for path in p.infra.iter().chain(&p.upstream) {
                if !s.is_open_path(path) {
                    s.reload_from_disk(path);
                }
            }
            report::write(&p, &o, &s.ws)
        })
        .await
        .map_err(|_| Error::internal_error())?;
        match written {
            Ok(path) => report_uri = uri_of(&path),
            Err(e) => problems.push(format!("report: {e}")),
        }
    }
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
    for p in &problems {
        client.log_message(tower_lsp_server::ls_types::MessageType::WARNING, p).await;
    }
    Ok(json!({
        "status": outcome.status.as_str(),
        "endpoint": outcome.endpoint,
        "message": outcome.message,
        "attempts": outcome.attempts.len(),
        "report": report_uri.map(|u| u.as_str().to_owned()),
        "problems": problems,
    }))
}

/// Writes one spec's new status: a versioned `workspace/applyEdit` when it
/// is open (recomputed and retried if the user typed in between), else a
/// byte-preserving write that refuses to overwrite a file changed meanwhile.
async fn write_back(
    state: &Arc<State>,
    client: &Client,
    path: &Path,
    role: Role,
    outcome: DeployStatus,
    now: &str,
) -> std::result::Result<(), String> {
    let Some(uri) = uri_of(path) else { return Ok(()) };
    for _ in 0..5 {
        let planned = {
            let Some(open) = state.docs.get(&uri) else { break };
            let spec = Spec::new(path.to_path_buf(), find_root(path), open.parsed.clone());
            let edits = flow::writeback(&spec, role, outcome, now);
            if edits.is_empty() {
                return Ok(());
            }
            versioned_edit(&uri, Some(open.doc.version), &open.doc.rope, state.enc(), &edits)
        };
        match client.apply_edit(planned).await {
            Ok(r) if r.applied => return Ok(()),
            // The client refused: most likely the user typed since. Look again.
            _ => tokio::time::sleep(std::time::Duration::from_millis(50)).await,
        }
    }
    if state.docs.contains_key(&uri) {
        return Err(format!("{}: the editor refused the status update; set it by hand", path.display()));
    }
    let path = path.to_path_buf();
    let now = now.to_owned();
    tokio::task::spawn_blocking(move || {
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let spec = Spec::new(path.clone(), None, parse(text.as_str()));
        let edits = flow::writeback(&spec, role, outcome, &now);
        if edits.is_empty() {
            return Ok(());
        }
        flow::write_file(&path, &text, &edits)
    })
    .await
    .map_err(|e| e.to_string())?
}
