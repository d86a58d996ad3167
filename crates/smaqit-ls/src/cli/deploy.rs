//! `smaqit-ls deploy --env NAME`: the Deploy flow headless, for CI/CD.
//! Progress goes to stderr, the outcome as JSON to stdout; exit 0 on
//! success, 1 otherwise (2 on usage errors).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use serde_json::json;

use smaqit_core::model::Spec;
use smaqit_core::parse::parse;
use smaqit_core::project::find_root;
use smaqit_core::workspace::{DEFAULT_MAX_FILE_SIZE, Workspace};
use smaqit_deploy::flow::{self, Role};
use smaqit_deploy::protocol::{Event, Status};
use smaqit_deploy::report;

pub fn run(env: &str, yes: bool, root: &Path) -> i32 {
    let root = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
    let Some(root) = find_root(&root).filter(|r| r.join(".smaqit").is_dir()) else {
        eprintln!("error: {} is not inside a smaqit project (no .smaqit/ folder)", root.display());
        return 2;
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
    let cancel = AtomicBool::new(false);
    let outcome = flow::run_executor(
        &prepared,
        &mut |e| match e {
            Event::Progress { percent, message } => eprintln!("[{percent:>3}%] {message}"),
            Event::Log { line } => eprintln!("      {line}"),
            Event::Health(h) => eprintln!("      health: {} — {}", h.check, h.detail),
            _ => {}
        },
        &cancel,
    );
    let now = smaqit_core::model::timestamp::now();
    let mut written = Vec::new();
    let mut problems = Vec::new();
    let roles = prepared
        .infra
        .iter()
        .map(|p| (p, Role::Infrastructure))
        .chain(prepared.upstream.iter().map(|p| (p, Role::Upstream)));
    for (path, role) in roles {
        match write_back(path, role, outcome.status, &now) {
            Ok(true) => written.push(rel(&root, path)),
            Ok(false) => {}
            Err(e) => problems.push(e),
        }
    }
    // The report reads the specs as they are now.
    for p in prepared.infra.iter().chain(&prepared.upstream) {
        smaqit_core::workspace::read_limited(p, DEFAULT_MAX_FILE_SIZE).map(|t| ws.upsert_file(p.clone(), t)).ok();
    }
    let report = match outcome.status {
        Status::Cancelled => None,
        _ => report::write(&prepared, &outcome, &ws).map_err(|e| problems.push(format!("report: {e}"))).ok(),
    };
    for p in &problems {
        eprintln!("warning: {p}");
    }
    println!(
        "{}",
        json!({
            "status": outcome.status.as_str(),
            "endpoint": outcome.endpoint,
            "message": outcome.message,
            "attempts": outcome.attempts.len(),
            "report": report.as_ref().map(|r| r.to_string_lossy().into_owned()),
            "updated": written,
        })
    );
    i32::from(outcome.status != Status::Success)
}

fn write_back(path: &PathBuf, role: Role, status: Status, now: &str) -> Result<bool, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let spec = Spec::new(path.clone(), None, parse(text.as_str()));
    let edits = flow::writeback(&spec, role, status, now);
    if edits.is_empty() {
        return Ok(false);
    }
    flow::write_file(path, &text, &edits).map(|_| true)
}

fn rel(root: &Path, p: &Path) -> String {
    p.strip_prefix(root).unwrap_or(p).to_string_lossy().into_owned()
}
