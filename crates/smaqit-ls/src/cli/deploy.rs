//! `smaqit-ls deploy --env NAME`: the Deploy flow headless, for CI/CD.
//! Progress goes to stderr, the outcome as JSON to stdout; exit 0 on
//! success, 1 otherwise (2 on usage errors).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use serde_json::json;
use smaqit_core::project::find_root;
use smaqit_core::workspace::{DEFAULT_MAX_FILE_SIZE, Workspace, read_limited};
use smaqit_deploy::flow::{self, Role};
use smaqit_deploy::lock::ProjectLock;
use smaqit_deploy::protocol::{Event, Status};
use smaqit_deploy::session::{self, Host};

/// Shows events on stderr and writes specs on disk.
struct Terminal;

impl Host for Terminal {
    fn event(&mut self, e: &Event) {
        match e {
            Event::Progress { percent, message } => eprintln!("[{percent:>3}%] {message}"),
            Event::Log { line } => eprintln!("      {line}"),
            Event::Health(h) => eprintln!("      health: {} — {}", h.check, h.detail),
            _ => {}
        }
    }

    fn write_spec(&mut self, path: &Path, role: Role, outcome: Status, now: &str) -> Result<bool, String> {
        session::write_spec_on_disk(path, role, outcome, now)
    }

    fn reindex(&mut self, ws: &Workspace, paths: &[PathBuf]) {
        for p in paths {
            read_limited(p, DEFAULT_MAX_FILE_SIZE).map(|t| ws.upsert_file(p.clone(), t)).ok();
        }
    }
}

pub fn run(env: &str, yes: bool, root: &Path) -> i32 {
    let root = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
    let Some(root) = find_root(&root).filter(|r| r.join(".smaqit").is_dir()) else {
        eprintln!("error: {} is not inside a smaqit project (no .smaqit/ folder)", root.display());
        return 2;
    };
    let _lock = match ProjectLock::acquire(&root) {
        Ok(l) => l,
        Err(e) => {
            println!("{}", json!({ "status": "refused", "message": e }));
            return 1;
        }
    };
    let ws = Workspace::new();
    ws.index_folders(std::slice::from_ref(&root), DEFAULT_MAX_FILE_SIZE, &|_, _| {});
    let prepared = match flow::prepare(&root, env, &ws) {
        Ok(p) => p,
        Err(r) => {
            for c in &r.conflicts {
                eprintln!("  {c}");
            }
            println!("{}", json!({ "status": "refused", "message": r.message, "conflicts": r.conflicts }));
            return 1;
        }
    };
    if !yes {
        if !std::io::stdin().is_terminal() {
            eprintln!("error: deploying needs confirmation; pass --yes to deploy non-interactively");
            return 2;
        }
        eprintln!("Deploy to `{env}` will run:");
        for step in &prepared.env.steps {
            eprintln!("  $ {}", step.join(" "));
        }
        eprint!("Proceed? [y/N] ");
        let mut answer = String::new();
        let _ = std::io::stdin().read_line(&mut answer);
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            println!("{}", json!({ "status": "cancelled", "message": "not confirmed" }));
            return 1;
        }
    }
    let summary = session::run(&prepared, &ws, &mut Terminal, &AtomicBool::new(false));
    for p in &summary.problems {
        eprintln!("warning: {p}");
    }
    let outcome = &summary.outcome;
    println!(
        "{}",
        json!({
            "status": outcome.status.as_str(),
            "endpoint": outcome.endpoint,
            "message": outcome.message,
            "attempts": outcome.attempts.len(),
            "report": summary.report.as_ref().map(|r| r.to_string_lossy().into_owned()),
            "updated": summary.written,
        })
    );
    i32::from(outcome.status != Status::Success)
}
