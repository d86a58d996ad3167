//! `smaqit-ls plan`: the smaqit CLI's `plan` in the current folder, its
//! bytes written as they are; `plan-json`: the same plan for tools.

use std::ffi::OsString;
use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use serde_json::json;
use smaqit_core::project::plan::{Disk, Phase, PlanArgs, PlanEntry, plan_phase, render};

pub fn run(raw: &[OsString]) -> i32 {
    let args = PlanArgs::parse(raw.iter().map(|a| a.as_bytes()));
    let (stdout, stderr) = (std::io::stdout(), std::io::stderr());
    let (mut out, mut err) = (stdout.lock(), stderr.lock());
    // Only a closed stdout or stderr fails.
    let code = render(Path::new("."), &Disk, &args, &mut out, &mut err).unwrap_or(2);
    let _ = out.flush();
    code
}

pub fn json(phase: Option<&str>, regen: bool, root: &Path) -> i32 {
    if !root.join(".smaqit").exists() {
        eprintln!("error: {} holds no .smaqit/ folder: not a smaqit project", root.display());
        return 2;
    }
    let entry = |e: &PlanEntry| json!({ "path": e.path, "id": e.id, "status": e.status });
    let value = match phase {
        Some(name) => {
            let Some(phase) = Phase::parse(name.as_bytes()) else {
                eprintln!("error: invalid phase '{name}' (must be: develop, deploy, or validate)");
                return 2;
            };
            let p = plan_phase(root, phase, regen);
            json!({
                "phase": phase.name(),
                "regen": regen,
                "pending": p.pending.iter().map(entry).collect::<Vec<_>>(),
                "completed": p.completed.iter().map(entry).collect::<Vec<_>>(),
            })
        }
        None => {
            let phases: Vec<_> = Phase::ALL
                .into_iter()
                .map(|ph| {
                    let p = plan_phase(root, ph, false);
                    json!({ "phase": ph.name(), "pending": p.pending.len(), "completed": p.completed.len() })
                })
                .collect();
            json!({ "phases": phases })
        }
    };
    println!("{}", serde_json::to_string_pretty(&value).unwrap_or_default());
    0
}
