//! The deploy flow around the executor, shared by the LSP command and
//! `smaqit-ls deploy`: prepare (plan + consolidation), run the executor,
//! compute the status write-back per spec.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{LazyLock, mpsc};
use std::time::{Duration, Instant};

use regex::Regex;

use crate::protocol::{Event, Outcome, Request, Status as DeployStatus};
use smaqit_core::actions::{self, TextEdit};
use smaqit_core::checks::{self, Severity};
use smaqit_core::ids;
use smaqit_core::model::{Layer, Spec, Status};
use smaqit_core::parse::CriterionState;
use smaqit_core::project::environments::{self as config, Environment};
use smaqit_core::project::plan::{Phase, phase_output, plan_phase};
use smaqit_core::workspace::Workspace;

/// Everything decided before the executor runs.
#[derive(Clone, Debug)]
pub struct Prepared {
    pub root: PathBuf,
    pub env_name: String,
    pub env: Environment,
    /// The verbatim output of `plan --phase=deploy`.
    pub plan_output: String,
    /// Pending Infrastructure specs (absolute paths), in plan order.
    pub infra: Vec<PathBuf>,
    /// Business/Functional/Stack specs those reference.
    pub upstream: Vec<PathBuf>,
    /// `${secrets.NAME}` names the environment's files use.
    pub secrets: Vec<String>,
}

/// Why a deploy did not start.
#[derive(Clone, Debug, PartialEq)]
pub struct Refusal {
    pub message: String,
    /// `path:line: code: message` of each blocking finding.
    pub conflicts: Vec<String>,
}

static SECRET_REF: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\$\{secrets\.([A-Za-z0-9_]+)\}").expect("static regex"));

/// Plans a deploy of `env_name` and refuses while error-severity conflicts
/// or hardcoded secrets stand in the specs and files involved.
pub fn prepare(root: &Path, env_name: &str, ws: &Workspace) -> Result<Prepared, Refusal> {
    let refuse = |message: String| Refusal { message, conflicts: Vec::new() };
    let file = config::load(root).map_err(|e| refuse(format!("{}: {}", config::ENVIRONMENTS_FILE, e.message)))?;
    let Some(env) = file.environments.get(env_name).cloned() else {
        let known: Vec<&str> = file.environments.keys().map(String::as_str).collect();
        return Err(refuse(format!(
            "no environment `{env_name}` in {} (known: {})",
            config::ENVIRONMENTS_FILE,
            known.join(", ")
        )));
    };
    let plan = plan_phase(root, Phase::Deploy, false, &mut |_| {});
    let infra: Vec<PathBuf> = plan.pending.iter().map(|e| root.join(&e.path)).collect();
    let mut upstream: Vec<PathBuf> = Vec::new();
    for p in &infra {
        let Some(entry) = ws.get(p) else { continue };
        for l in entry.spec.doc.links() {
            let id = ids::criterion_parts(&l.label).map_or(l.label.as_str(), |(s, _)| s);
            for t in ws.by_id(id) {
                let up = matches!(t.spec.layer, Some(Layer::Business | Layer::Functional | Layer::Stack));
                if up && !upstream.contains(&t.spec.path) {
                    upstream.push(t.spec.path.clone());
                }
            }
        }
    }
    let mut secrets: Vec<String> = Vec::new();
    for f in &env.files {
        let text = std::fs::read_to_string(root.join(f)).map_err(|e| refuse(format!("cannot read `{f}`: {e}")))?;
        for c in SECRET_REF.captures_iter(&text) {
            if !secrets.contains(&c[1].to_owned()) {
                secrets.push(c[1].to_owned());
            }
        }
    }
    let conflicts = consolidate(root, &infra, &upstream, &env.files, ws);
    if !conflicts.is_empty() {
        return Err(Refusal {
            message: format!(
                "refusing to deploy: {} conflict(s) or hardcoded secret(s) must be fixed first",
                conflicts.len()
            ),
            conflicts,
        });
    }
    Ok(Prepared {
        root: root.to_path_buf(),
        env_name: env_name.to_owned(),
        env,
        plan_output: phase_output(root, Phase::Deploy),
        infra,
        upstream,
        secrets,
    })
}

/// The cross-layer conflicts and secrets (errors) in the involved files.
fn consolidate(root: &Path, infra: &[PathBuf], upstream: &[PathBuf], files: &[String], ws: &Workspace) -> Vec<String> {
    const BLOCKING: [&str; 5] = ["ref/", "spec/", "lifecycle/", "drift/", "secret/"];
    let blocking = |code: &str| BLOCKING.iter().any(|p| code.starts_with(p));
    let mut out = Vec::new();
    let rel = |p: &Path| smaqit_core::paths::relative_to_root(root, p);
    for p in infra.iter().chain(upstream) {
        let Some(e) = ws.get(p) else { continue };
        let text = e.text.as_str();
        for f in checks::check_entry(&e, ws).into_iter().filter(|f| f.severity == Severity::Error && blocking(f.code)) {
            let line = text[..f.range.start.min(text.len())].matches('\n').count() + 1;
            out.push(format!("{}:{line}: {}: {}", rel(p), f.code, f.message));
        }
    }
    for f in files {
        let p = root.join(f);
        let Some(e) = ws.get_iac(&p) else { continue };
        let text = e.text.as_str();
        for f in checks::check_iac(&e, ws).into_iter().filter(|f| f.severity == Severity::Error) {
            let line = text[..f.range.start.min(text.len())].matches('\n').count() + 1;
            out.push(format!("{}:{line}: {}: {}", rel(&p), f.code, f.message));
        }
    }
    out
}

/// The executor command: the environment's own, else this binary's `exec`.
pub fn executor_argv(env: &Environment) -> Vec<String> {
    if let Some(argv) = env.executor.clone().filter(|a| !a.is_empty()) {
        return argv;
    }
    let exe = std::env::current_exe().map_or_else(|_| "smaqit-ls".into(), |p| p.to_string_lossy().into_owned());
    vec![exe, "exec".into()]
}

/// Runs the executor to completion, passing every event to `on_event`.
/// Setting `cancel` asks the executor to stop (and kills it after a grace
/// period). Blocks; run it off the async runtime.
pub fn run_executor(p: &Prepared, on_event: &mut dyn FnMut(&Event), cancel: &AtomicBool) -> Outcome {
    let argv = executor_argv(&p.env);
    let crashed = |m: String| Outcome { status: DeployStatus::Failed, message: m, ..Default::default() };
    let mut child = match Command::new(&argv[0])
        .args(&argv[1..])
        .current_dir(&p.root)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        // The executor's stderr is not forwarded: only scrubbed events are.
        .stderr(Stdio::null())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => return crashed(format!("cannot start the executor `{}`: {e}", argv[0])),
    };
    let request = Request::Deploy {
        root: p.root.to_string_lossy().into_owned(),
        environment_name: p.env_name.clone(),
        environment: Box::new(p.env.clone()),
        secrets: p.secrets.clone(),
    };
    let mut stdin = child.stdin.take();
    if let Some(s) = stdin.as_mut() {
        let _ = writeln!(s, "{}", serde_json::to_string(&request).unwrap_or_default());
        let _ = s.flush();
    }
    let (tx, rx) = mpsc::channel::<Event>();
    if let Some(stdout) = child.stdout.take() {
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                // Lines that are not events are dropped, never forwarded raw.
                if let Ok(e) = serde_json::from_str::<Event>(&line)
                    && tx.send(e).is_err()
                {
                    break;
                }
            }
        });
    }
    let mut result = None;
    let mut cancel_sent: Option<Instant> = None;
    loop {
        match rx.recv_timeout(Duration::from_millis(50)) {
            Ok(Event::Result(o)) => {
                result = Some(o);
            }
            Ok(e) => on_event(&e),
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {}
        }
        if cancel.load(Ordering::SeqCst) {
            match cancel_sent {
                None => {
                    if let Some(s) = stdin.as_mut() {
                        let _ = writeln!(s, "{}", serde_json::to_string(&Request::Cancel).unwrap_or_default());
                        let _ = s.flush();
                    }
                    cancel_sent = Some(Instant::now());
                }
                Some(t) if t.elapsed() > Duration::from_secs(5) => {
                    let _ = child.kill();
                }
                _ => {}
            }
        }
    }
    drop(stdin);
    let status = child.wait();
    // A killed or crashed executor cannot clean up after itself.
    crate::executor::remove_private_dirs(child.id());
    match result {
        Some(o) => o,
        None if cancel.load(Ordering::SeqCst) => {
            Outcome { status: DeployStatus::Cancelled, message: "deploy cancelled".into(), ..Default::default() }
        }
        None => crashed(format!(
            "the executor ended without a result ({}); nothing was written",
            status.map_or_else(|e| e.to_string(), |s| s.to_string())
        )),
    }
}

/// What a finished deploy does to a spec.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Infrastructure,
    Upstream,
}

/// Status write-back for one spec, computed on its current text: on
/// success, Infrastructure specs become `deployed` (criteria ticked) and
/// upstream specs move up to `deployed`; on failure, Infrastructure specs
/// become `failed`; otherwise nothing.
pub fn writeback(spec: &Spec, role: Role, outcome: DeployStatus, now: &str) -> Vec<TextEdit> {
    let Some(current) = spec.status() else { return Vec::new() };
    match (outcome, role) {
        (DeployStatus::Success, Role::Infrastructure) => {
            let mut edits = actions::transition(spec, Status::Deployed, now).unwrap_or_default();
            edits.extend(
                spec.criteria()
                    .filter(|c| c.state == CriterionState::Open && !c.untestable)
                    .map(|c| TextEdit { range: c.mark_range, new_text: "x".into() }),
            );
            edits
        }
        (DeployStatus::Success, Role::Upstream) => {
            let behind = current.rank().is_some_and(|r| r < 2);
            if behind { actions::transition(spec, Status::Deployed, now).unwrap_or_default() } else { Vec::new() }
        }
        (DeployStatus::Failed, Role::Infrastructure) => {
            actions::transition(spec, Status::Failed, now).unwrap_or_default()
        }
        _ => Vec::new(),
    }
}

/// Writes `edits` to a closed file, changing no other byte. Refuses when the
/// file changed since `expected` was read.
pub fn write_file(path: &Path, expected: &str, edits: &[TextEdit]) -> Result<(), String> {
    let now = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    if now != expected {
        return Err(format!("{} changed during the deploy; not overwritten", path.display()));
    }
    let new = actions::apply(&now, edits);
    let tmp = path.with_extension("md.smaqit-tmp");
    std::fs::write(&tmp, new).map_err(|e| e.to_string())?;
    std::fs::rename(&tmp, path).map_err(|e| e.to_string())
}
