//! `plan`: the smaqit CLI's `plan`, byte for byte — its arguments, its
//! reading of every spec (Go's line scanner, yaml.v3, Go's time parsing),
//! its warnings, its split of pending and completed specs and its output —
//! as of the CLI's newest published source with the design-pair gate left
//! out (README, "plan"). The Deploy flow quotes [`phase_output`]; editors
//! plan over their open buffers through a [`SpecSource`].

mod events;
mod gotime;
mod read;
mod scan;
mod yaml;

use std::io::Write;
use std::path::Path;

use crate::model::{Layer, Status};

pub use scan::{Disk, Scanned, SpecSource};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Develop,
    Deploy,
    Validate,
}

impl Phase {
    pub const ALL: [Phase; 3] = [Phase::Develop, Phase::Deploy, Phase::Validate];

    pub fn parse(s: &[u8]) -> Option<Phase> {
        match s {
            b"develop" => Some(Phase::Develop),
            b"deploy" => Some(Phase::Deploy),
            b"validate" => Some(Phase::Validate),
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

/// One spec of a phase, as `plan` lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanEntry {
    /// `specs/<layer>/<name>` (lossy where the name is not UTF-8).
    pub path: String,
    pub id: String,
    /// Verbatim: `draft`, but also `Draft` or `implmented`, which the CLI
    /// keeps (as completed).
    pub status: String,
}

impl PlanEntry {
    /// The lifecycle status, when the text is exactly one.
    pub fn status(&self) -> Option<Status> {
        Status::parse(&self.status)
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PhasePlan {
    pub pending: Vec<PlanEntry>,
    pub completed: Vec<PlanEntry>,
}

/// A phase's specs split as `cmdPlan` does: deprecated ones dropped, then
/// pending = `draft` or `failed` (everything under `regen`), in scan order.
fn split(specs: &[Scanned], phase: Phase, regen: bool) -> (Vec<&Scanned>, Vec<&Scanned>) {
    let of_phase = specs.iter().filter(|s| phase.layers().contains(&s.layer) && s.status != b"deprecated");
    of_phase.partition(|s| regen || s.status == b"draft" || s.status == b"failed")
}

fn entry(s: &Scanned) -> PlanEntry {
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    PlanEntry { path: text(&s.path), id: text(&s.id), status: text(&s.status) }
}

/// The plan of `phase` for `root`, its specs read through `source`
/// (broken ones count as drafts, their warnings dropped). A layer folder
/// that cannot be listed gives an empty plan.
pub fn plan_phase_in(root: &Path, source: &dyn SpecSource, phase: Phase, regen: bool) -> PhasePlan {
    let specs = scan::scan(root, source, &mut |_| {}).unwrap_or_default();
    let (pending, completed) = split(&specs, phase, regen);
    PhasePlan {
        pending: pending.into_iter().map(entry).collect(),
        completed: completed.into_iter().map(entry).collect(),
    }
}

/// [`plan_phase_in`] over the files on disk.
pub fn plan_phase(root: &Path, phase: Phase, regen: bool) -> PhasePlan {
    plan_phase_in(root, &Disk, phase, regen)
}

/// What `smaqit plan --phase=<phase>` prints in `root`, as the deployment
/// report must quote it.
pub fn phase_output_in(root: &Path, source: &dyn SpecSource, phase: Phase) -> String {
    let mut out = Vec::new();
    let args = PlanArgs { phase: Some(phase.name().as_bytes().to_vec()), ..PlanArgs::default() };
    let _ = render(root, source, &args, &mut out, &mut std::io::sink());
    String::from_utf8_lossy(&out).into_owned()
}

/// [`phase_output_in`] over the files on disk.
pub fn phase_output(root: &Path, phase: Phase) -> String {
    phase_output_in(root, &Disk, phase)
}

/// `plan`'s flags, read as `cmdPlan` reads them: `--phase=X` (the last
/// wins; empty means the summary), `--verbose`, `--regen`; anything else
/// is ignored.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PlanArgs {
    pub phase: Option<Vec<u8>>,
    pub verbose: bool,
    pub regen: bool,
}

impl PlanArgs {
    pub fn parse<'a>(args: impl IntoIterator<Item = &'a [u8]>) -> PlanArgs {
        let mut a = PlanArgs::default();
        for arg in args {
            if let Some(p) = arg.strip_prefix(b"--phase=") {
                a.phase = (!p.is_empty()).then(|| p.to_vec());
            } else if arg == b"--verbose" {
                a.verbose = true;
            } else if arg == b"--regen" {
                a.regen = true;
            }
        }
        a
    }
}

/// Runs `plan` in `root` as the CLI runs in its working directory: what it
/// prints goes to `out` and `err`; the result is its exit code.
pub fn render(
    root: &Path,
    source: &dyn SpecSource,
    args: &PlanArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<i32> {
    if let Err(e) = std::fs::metadata(root.join(".smaqit"))
        && e.kind() == std::io::ErrorKind::NotFound
    {
        out.write_all(
            b"Error: .smaqit/ directory not found\nRun 'smaqit init' to initialize smaqit in this project\n",
        )?;
        return Ok(1);
    }
    let mut warned = Ok(());
    let specs = scan::scan(root, source, &mut |w| {
        if warned.is_ok() {
            warned = err.write_all(w).and_then(|()| err.write_all(b"\n"));
        }
    });
    warned?;
    let specs = match specs {
        Ok(s) => s,
        Err(e) => {
            err.write_all(&e)?;
            err.write_all(b"\n")?;
            return Ok(1);
        }
    };
    let Some(name) = &args.phase else {
        out.write_all(b"smaqit Work Plan\n================\n\n")?;
        for (i, phase) in Phase::ALL.into_iter().enumerate() {
            let (pending, completed) = split(&specs, phase, false);
            writeln!(
                out,
                "Phase {} ({}): {} pending, {} completed",
                i + 1,
                phase.title(),
                pending.len(),
                completed.len()
            )?;
        }
        out.write_all(b"\nRun `smaqit plan --phase=<phase>` for details\n")?;
        return Ok(0);
    };
    let Some(phase) = Phase::parse(name) else {
        err.write_all(b"Error: invalid phase '")?;
        err.write_all(name)?;
        err.write_all(b"' (must be: develop, deploy, or validate)\n")?;
        return Ok(1);
    };
    let (pending, completed) = split(&specs, phase, args.regen);
    if !args.verbose {
        for s in &pending {
            out.write_all(&s.path)?;
            out.write_all(b"\n")?;
        }
        return Ok(0);
    }
    if args.regen {
        out.write_all(b"REGENERATION MODE: All specs marked for reprocessing\n\n")?;
    }
    writeln!(out, "Phase: {}\n", phase.title())?;
    let line = |out: &mut dyn Write, s: &Scanned, regen: bool| -> std::io::Result<()> {
        out.write_all(b"  [")?;
        out.write_all(&s.status)?;
        if regen && s.status != b"draft" {
            out.write_all("→regen".as_bytes())?;
        }
        out.write_all(b"] ")?;
        out.write_all(&s.path)?;
        out.write_all(b" (")?;
        out.write_all(&s.id)?;
        out.write_all(b")\n")
    };
    if !pending.is_empty() {
        writeln!(out, "To Process ({}):", pending.len())?;
        for s in &pending {
            line(out, s, args.regen)?;
        }
        out.write_all(b"\n")?;
    }
    if !completed.is_empty() {
        writeln!(out, "Completed ({}):", completed.len())?;
        for s in &completed {
            line(out, s, false)?;
        }
        out.write_all(b"\n")?;
    }
    if pending.is_empty() {
        out.write_all(b"All specs already processed.\n")?;
        if !args.regen {
            writeln!(out, "Use `smaqit plan --phase={} --regen` to regenerate.", phase.name())?;
        }
    } else {
        writeln!(out, "Next: Run the {} agent to process {} spec(s)", phase.agent(), pending.len())?;
    }
    Ok(0)
}
