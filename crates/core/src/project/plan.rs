//! `plan`: the smaqit CLI's `plan` semantics and output, byte for byte
//! (spec-format §8), plus JSON. The command line parses the arguments; the
//! Deploy flow quotes [`phase_output`] in its report.

use std::io::Write;
use std::path::Path;

use serde_json::json;

use crate::model::{Layer, Spec, Status};
use crate::parse::parse;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Develop,
    Deploy,
    Validate,
}

impl Phase {
    pub const ALL: [Phase; 3] = [Phase::Develop, Phase::Deploy, Phase::Validate];

    pub fn parse(s: &str) -> Option<Phase> {
        match s {
            "develop" => Some(Phase::Develop),
            "deploy" => Some(Phase::Deploy),
            "validate" => Some(Phase::Validate),
            _ => None,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Phase::Develop => "develop",
            Phase::Deploy => "deploy",
            Phase::Validate => "validate",
        }
    }
    pub fn title(self) -> &'static str {
        match self {
            Phase::Develop => "Develop",
            Phase::Deploy => "Deploy",
            Phase::Validate => "Validate",
        }
    }
    fn agent(self) -> &'static str {
        match self {
            Phase::Develop => "smaqit.development",
            Phase::Deploy => "smaqit.deployment",
            Phase::Validate => "smaqit.validation",
        }
    }
    pub fn layers(self) -> &'static [Layer] {
        match self {
            Phase::Develop => &[Layer::Business, Layer::Functional, Layer::Stack],
            Phase::Deploy => &[Layer::Infrastructure],
            Phase::Validate => &[Layer::Coverage],
        }
    }
}

/// One spec as `plan` sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanEntry {
    /// Relative to the project root, with forward slashes.
    pub path: String,
    pub id: String,
    pub status: Status,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PhasePlan {
    pub pending: Vec<PlanEntry>,
    pub completed: Vec<PlanEntry>,
}

/// Reads the specs of `phase` under `root` and splits them as `smaqit plan`
/// does. Broken frontmatter counts as a draft with id `UNKNOWN` (a warning
/// goes to `warn`); a status outside the six values drops the spec.
pub fn plan_phase(root: &Path, phase: Phase, regen: bool, warn: &mut dyn FnMut(String)) -> PhasePlan {
    let mut plan = PhasePlan::default();
    for layer in phase.layers() {
        let dir = root.join("specs").join(layer.folder());
        let Ok(read) = std::fs::read_dir(&dir) else { continue };
        let mut names: Vec<String> = read
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| n.ends_with(".md"))
            .collect();
        names.sort();
        for name in names {
            let rel = format!("specs/{}/{name}", layer.folder());
            let path = dir.join(&name);
            let text = match std::fs::read_to_string(&path) {
                Ok(t) => t,
                Err(e) => {
                    warn(format!("⚠ Warning: {rel}: {e} (treating as draft)"));
                    String::new()
                }
            };
            let spec = Spec::new(path.clone(), Some(root.to_path_buf()), parse(text.as_str()));
            let (id, status) = match spec.broken() {
                Some(reason) => {
                    warn(format!("⚠ Warning: {rel}: {reason} (treating as draft)"));
                    ("UNKNOWN".to_owned(), Status::Draft)
                }
                None => match spec.status() {
                    Some(s) => (spec.id().unwrap_or("UNKNOWN").to_owned(), s),
                    None => continue,
                },
            };
            let entry = PlanEntry { path: rel, id, status };
            let pending =
                if regen { status != Status::Deprecated } else { matches!(status, Status::Draft | Status::Failed) };
            if pending {
                plan.pending.push(entry);
            } else if !(regen && status == Status::Deprecated) {
                plan.completed.push(entry);
            }
        }
    }
    plan
}

/// What `plan` was asked: the smaqit CLI's flags plus our `--format=json`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PlanArgs {
    pub phase: Option<String>,
    pub verbose: bool,
    pub regen: bool,
    pub json: bool,
}

/// Writes what `smaqit plan` prints for `args` in `root` to `out` (warnings
/// to `warn`, the invalid-phase error too); returns the exit code.
pub fn render(root: &Path, args: &PlanArgs, out: &mut dyn Write, warn: &mut dyn FnMut(String)) -> std::io::Result<i32> {
    if !root.join(".smaqit").is_dir() {
        writeln!(out, "Error: .smaqit/ directory not found")?;
        writeln!(out, "Run this command from the root of a smaqit project (run `smaqit init` to create one).")?;
        return Ok(1);
    }
    let phase = match &args.phase {
        None => None,
        Some(p) => match Phase::parse(p) {
            Some(ph) => Some(ph),
            None => {
                eprintln!("Error: invalid phase '{p}' (must be: develop, deploy, or validate)");
                return Ok(1);
            }
        },
    };
    let Some(phase) = phase else {
        let plans: Vec<(Phase, PhasePlan)> =
            Phase::ALL.into_iter().map(|ph| (ph, plan_phase(root, ph, args.regen, warn))).collect();
        if args.json {
            let v: Vec<_> = plans
                .iter()
                .map(
                    |(ph, p)| json!({ "phase": ph.name(), "pending": p.pending.len(), "completed": p.completed.len() }),
                )
                .collect();
            writeln!(out, "{}", serde_json::to_string_pretty(&json!({ "phases": v })).unwrap_or_default())?;
            return Ok(0);
        }
        for (i, (ph, p)) in plans.iter().enumerate() {
            writeln!(
                out,
                "Phase {} ({}): {} pending, {} completed",
                i + 1,
                ph.title(),
                p.pending.len(),
                p.completed.len()
            )?;
        }
        writeln!(out, "Run `smaqit plan --phase=<phase>` for details")?;
        return Ok(0);
    };
    let plan = plan_phase(root, phase, args.regen, warn);
    if args.json {
        let entry = |e: &PlanEntry| json!({ "path": e.path, "id": e.id, "status": e.status.as_str() });
        let v = json!({
            "phase": phase.name(),
            "regen": args.regen,
            "pending": plan.pending.iter().map(entry).collect::<Vec<_>>(),
            "completed": plan.completed.iter().map(entry).collect::<Vec<_>>(),
        });
        writeln!(out, "{}", serde_json::to_string_pretty(&v).unwrap_or_default())?;
        return Ok(0);
    }
    if !args.verbose {
        for e in &plan.pending {
            writeln!(out, "{}", e.path)?;
        }
        return Ok(0);
    }
    if args.regen {
        writeln!(out, "REGENERATION MODE: All specs marked for reprocessing")?;
        writeln!(out)?;
    }
    writeln!(out, "Phase: {}", phase.title())?;
    writeln!(out)?;
    writeln!(out, "To Process ({}):", plan.pending.len())?;
    for e in &plan.pending {
        let status = if args.regen && e.status != Status::Draft {
            format!("{}→regen", e.status)
        } else {
            e.status.to_string()
        };
        writeln!(out, "  [{status}] {} ({})", e.path, e.id)?;
    }
    writeln!(out)?;
    writeln!(out, "Completed ({}):", plan.completed.len())?;
    for e in &plan.completed {
        writeln!(out, "  [{}] {} ({})", e.status, e.path, e.id)?;
    }
    writeln!(out)?;
    if plan.pending.is_empty() {
        writeln!(out, "All specs already processed.")?;
        writeln!(out, "Use `smaqit plan --phase={} --regen` to regenerate.", phase.name())?;
    } else {
        writeln!(out, "Next: Run the {} agent to process {} spec(s)", phase.agent(), plan.pending.len())?;
    }
    Ok(0)
}

/// The exact default output of `smaqit plan --phase=<phase>` for `root`, as
/// the deployment report must quote it.
pub fn phase_output(root: &Path, phase: Phase) -> String {
    let plan = plan_phase(root, phase, false, &mut |_| {});
    plan.pending.iter().map(|e| format!("{}\n", e.path)).collect()
}
