//! One deploy, from a prepared plan to the written report: the single
//! orchestration every entry point runs (the command line, the editor
//! command, the agents' door). The caller is a [`Host`]: it shows events,
//! writes each spec's new status the way its documents live (a file on
//! disk, or an editor buffer), and re-reads what it wrote; the session
//! decides what is written, in which order, and what the report says.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use smaqit_core::model::timestamp;
use smaqit_core::project::environments::ENVIRONMENTS_FILE;
use smaqit_core::workspace::Workspace;

use crate::flow::{self, Prepared, Role};
use crate::protocol::{Event, Outcome, Status};
use crate::report;

/// What an entry point does for the session.
pub trait Host {
    /// A progress, log or health event from the executor (already scrubbed).
    fn event(&mut self, event: &Event);
    /// Moves the spec at `path` as `outcome` does to a spec of `role` (see
    /// [`flow::writeback`]), on its current text; Ok(true) when something
    /// was written.
    fn write_spec(&mut self, path: &Path, role: Role, outcome: &Outcome, now: &str) -> Result<bool, String>;
    /// Brings the index up to date with `paths` after they were written.
    fn reindex(&mut self, ws: &Workspace, paths: &[PathBuf]);
}

/// What a deploy came to, for the entry point to show.
#[derive(Debug)]
pub struct Summary {
    pub outcome: Outcome,
    /// Specs whose status was written, relative to the root.
    pub written: Vec<String>,
    /// What could not be written (a spec changed meanwhile, the report).
    pub problems: Vec<String>,
    pub report: Option<PathBuf>,
}

/// Runs the executor for `prepared` (nothing when nothing is pending), then
/// writes statuses and the report. Blocks; run it off any async runtime.
/// Setting `cancel` stops the deploy.
pub fn run(prepared: &Prepared, ws: &Workspace, host: &mut dyn Host, cancel: &AtomicBool) -> Summary {
    let outcome = if prepared.nothing_pending {
        Outcome {
            status: Status::Skipped,
            message: if prepared.realises_none {
                format!(
                    "nothing to deploy: `{}` realises no Infrastructure spec; list their IDs in its `specs = [...]` \
                     in {ENVIRONMENTS_FILE}, or name it as the Target Environment in their ## Constraints",
                    prepared.env_name
                )
            } else {
                format!(
                    "nothing to deploy: no Infrastructure spec of `{}` is pending in `plan --phase=deploy`; run it \
                     again with --regen to redeploy them",
                    prepared.env_name
                )
            },
            ..Default::default()
        }
    } else {
        flow::run_executor(prepared, &mut |e| host.event(e), cancel)
    };
    let now = timestamp::now();
    let mut written = Vec::new();
    let mut changed = Vec::new();
    let mut problems = Vec::new();
    let roles = prepared
        .infra
        .iter()
        .map(|p| (p, Role::Infrastructure))
        .chain(prepared.upstream.iter().map(|u| (&u.path, Role::Upstream)));
    for (path, role) in roles {
        match host.write_spec(path, role, &outcome, &now) {
            Ok(true) => {
                written.push(smaqit_core::paths::relative_to_root(&prepared.root, path));
                changed.push(path.clone());
            }
            Ok(false) => {}
            Err(e) => problems.push(e),
        }
    }
    // The report reads the specs as they are now.
    let touched: Vec<PathBuf> =
        prepared.infra.iter().cloned().chain(prepared.upstream.iter().map(|u| u.path.clone())).collect();
    host.reindex(ws, &touched);
    let report = match outcome.status {
        Status::Cancelled => None,
        _ => match report::write(&report::Record { prepared, outcome: &outcome, changed: &changed }, ws) {
            Ok(p) => Some(p),
            Err(e) => {
                problems.push(format!("report: {e}"));
                None
            }
        },
    };
    Summary { outcome, written, problems, report }
}

/// Writes a closed spec's new status to disk, byte-exactly; Ok(true) when
/// something was written (the host for files that no editor holds).
pub fn write_spec_on_disk(path: &Path, role: Role, outcome: &Outcome, now: &str) -> Result<bool, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let spec = smaqit_core::model::Spec::new(path.to_path_buf(), None, smaqit_core::parse::parse(text.as_str()));
    let edits = flow::writeback(&spec, role, outcome, now);
    if edits.is_empty() {
        return Ok(false);
    }
    flow::write_file(path, &text, &edits).map(|_| true)
}
