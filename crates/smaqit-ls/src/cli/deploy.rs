//! `smaqit-ls deploy --env NAME`: the Deploy flow headless, for CI/CD.
//! Progress and each step's scrubbed output go to stderr as they come, the
//! outcome as JSON to stdout; exit 0 deployed (or nothing pending), 1
//! refused, failed or cancelled, 2 usage errors, 130 interrupted.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use serde_json::json;
use smaqit_core::paths::relative_to_root;
use smaqit_core::project::find_root;
use smaqit_core::project::plan::Disk;
use smaqit_core::workspace::{DEFAULT_MAX_FILE_SIZE, Workspace, read_limited};
use smaqit_deploy::flow::{self, Prepared, Role};
use smaqit_deploy::lock::ProjectLock;
use smaqit_deploy::protocol::{Event, Outcome, Status};
use smaqit_deploy::session::{self, Host};

/// Shows events on stderr and writes specs on disk.
struct Terminal;

impl Host for Terminal {
    fn event(&mut self, e: &Event) {
        match e {
            Event::Progress { percent, message } => eprintln!("[{percent:>3}%] {message}"),
            Event::Log { line } => eprintln!("      {line}"),
            Event::Health(h) => eprintln!("      health: {} — {}", h.check, h.detail),
            Event::Attempt(a) if !a.ok => {
                eprintln!("      attempt {} failed: {}", a.number, a.failure.as_deref().unwrap_or("?"));
            }
            _ => {}
        }
    }

    fn write_spec(&mut self, path: &Path, role: Role, outcome: &Outcome, now: &str) -> Result<bool, String> {
        session::write_spec_on_disk(path, role, outcome, now)
    }

    fn reindex(&mut self, ws: &Workspace, paths: &[PathBuf]) {
        for p in paths {
            read_limited(p, DEFAULT_MAX_FILE_SIZE).map(|t| ws.upsert_file(p.clone(), t)).ok();
        }
    }
}

pub fn run(env: &str, yes: bool, regen: bool, root: &Path) -> i32 {
    // Ctrl-C or a CI cancel (a signal to the whole process group) asks the
    // executor to stop; it stops its steps and removes what it rendered.
    let cancel = Arc::new(AtomicBool::new(false));
    let interrupted = Arc::new(AtomicBool::new(false));
    {
        let (cancel, interrupted) = (cancel.clone(), interrupted.clone());
        smaqit_deploy::signals::handle(move |_| {
            interrupted.store(true, Ordering::SeqCst);
            cancel.store(true, Ordering::SeqCst);
        });
    }
    let root = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
    let Some(root) = find_root(&root).filter(|r| r.join(".smaqit").is_dir()) else {
        eprintln!("error: {} is not inside a smaqit project (no .smaqit/ folder)", root.display());
        return 2;
    };
    let _lock = match ProjectLock::acquire(&root) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("refused: {e}");
            println!("{}", json!({ "status": "refused", "message": e }));
            return 1;
        }
    };
    let ws = Workspace::new();
    ws.index_folders(std::slice::from_ref(&root), DEFAULT_MAX_FILE_SIZE, &|_, _| {});
    let prepared = match flow::prepare(&root, &Disk, env, regen, &ws) {
        Ok(p) => p,
        Err(r) => {
            eprintln!("{}", r.message);
            for c in &r.conflicts {
                eprintln!("  {c}");
            }
            println!("{}", json!({ "status": "refused", "message": r.message, "conflicts": r.conflicts }));
            return 1;
        }
    };
    if yes && !prepared.nothing_pending {
        // Confirmed by --yes; the log still says what runs.
        confirm_text(&prepared).lines().for_each(|l| eprintln!("{l}"));
    }
    if !yes && !prepared.nothing_pending {
        if !std::io::stdin().is_terminal() {
            eprintln!("error: deploying needs confirmation; pass --yes to deploy non-interactively");
            return 2;
        }
        confirm_text(&prepared).lines().for_each(|l| eprintln!("{l}"));
        eprint!("Proceed? [y/N] ");
        let mut answer = String::new();
        let _ = std::io::stdin().read_line(&mut answer);
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            println!("{}", json!({ "status": "cancelled", "message": "not confirmed" }));
            return 1;
        }
    }
    let summary = session::run(&prepared, &ws, &mut Terminal, &cancel);
    let outcome = &summary.outcome;
    for p in &summary.problems {
        eprintln!("warning: {p}");
    }
    eprintln!("{}", closing(&prepared, outcome, &summary.written));
    println!(
        "{}",
        json!({
            "status": outcome.status.as_str(),
            "endpoint": outcome.endpoint,
            "message": outcome.message,
            "attempts": outcome.attempts.len(),
            "escalated": outcome.escalated,
            "notes": outcome.notes,
            "report": summary.report.as_ref().map(|r| r.to_string_lossy().into_owned()),
            "updated": summary.written,
        })
    );
    if interrupted.load(Ordering::SeqCst) {
        return 130;
    }
    i32::from(!matches!(outcome.status, Status::Success | Status::Skipped))
}

/// What a deploy will do, for the confirmation (and `--yes` runs' log).
pub fn confirm_text(p: &Prepared) -> String {
    let mut s = format!("Deploy to `{}` in {}:\n", p.env_name, p.root.display());
    let rel = |path: &PathBuf| relative_to_root(&p.root, path);
    let specs: Vec<String> = p.infra.iter().map(rel).collect();
    s.push_str(&format!("  specs it deploys: {}\n", if specs.is_empty() { "none".into() } else { specs.join(", ") }));
    if !p.upstream.is_empty() {
        let ups: Vec<String> = p.upstream.iter().map(|u| rel(&u.path)).collect();
        s.push_str(&format!("  upstream specs moved to deployed when it succeeds: {}\n", ups.join(", ")));
    }
    if !p.env.files.is_empty() {
        s.push_str(&format!("  files rendered with {} secret(s): {}\n", p.secrets.len(), p.env.files.join(", ")));
    }
    s.push_str("  steps:\n");
    for step in &p.env.steps {
        s.push_str(&format!("    $ {}\n", step.join(" ")));
    }
    if p.env.health.is_empty() {
        s.push_str("  health checks: none (health will not be verified)\n");
    } else {
        for h in &p.env.health {
            s.push_str(&format!("  health: {}\n", h.describe()));
        }
    }
    s
}

/// The closing summary on stderr.
fn closing(p: &Prepared, o: &Outcome, written: &[String]) -> String {
    let mut s = format!("deploy `{}`: {}: {}", p.env_name, o.status.as_str(), o.message);
    for a in o.attempts.iter().filter(|a| !a.ok) {
        s.push_str(&format!("\n  attempt {} failed: {}", a.number, a.failure.as_deref().unwrap_or("?")));
    }
    for n in &o.notes {
        s.push_str(&format!("\n  note: {n}"));
    }
    if !written.is_empty() {
        s.push_str(&format!("\n  updated: {}", written.join(", ")));
    }
    s
}
