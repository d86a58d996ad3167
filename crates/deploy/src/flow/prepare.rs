//! Before the executor runs: which Infrastructure specs the environment
//! deploys (and which upstream specs move with them), which secrets its
//! files reference, and whether anything it uses holds an error-severity
//! finding (consolidation: then the deploy is refused).

use std::path::{Path, PathBuf};

use smaqit_core::checks::{self, Finding, Severity};
use smaqit_core::ids;
use smaqit_core::model::{Layer, Spec};
use smaqit_core::paths::relative_to_root;
use smaqit_core::project::config::{self as settings, PlanCli};
use smaqit_core::project::environments::{self as config, ENVIRONMENTS_FILE, Environment};
use smaqit_core::project::plan::{Phase, SpecSource, phase_output_in, plan_phase_in};
use smaqit_core::project::references::{Filter, secret_refs};
use smaqit_core::workspace::Workspace;

/// Everything decided before the executor runs.
#[derive(Clone, Debug)]
pub struct Prepared {
    pub root: PathBuf,
    pub env_name: String,
    pub env: Environment,
    /// `plan --phase=deploy`, as the report quotes it.
    pub plan: QuotedPlan,
    /// Every Infrastructure spec was processed already (nothing pending):
    /// nothing runs, the report says so and suggests `--regen`.
    pub nothing_pending: bool,
    /// `--regen`: every Infrastructure spec of the environment is processed.
    pub regen: bool,
    /// The environment realises no Infrastructure spec at all (so `--regen`
    /// would not help either).
    pub realises_none: bool,
    /// The Infrastructure specs this deploy realises (absolute paths).
    pub infra: Vec<PathBuf>,
    /// Pending Infrastructure specs this environment does not deploy.
    pub not_deployed: Vec<PathBuf>,
    /// Business/Functional/Stack specs those reference, and why.
    pub upstream: Vec<Upstream>,
    /// `${secrets.NAME}` names the environment's files use.
    pub secrets: Vec<String>,
}

/// An upstream spec the deploy moves to `deployed`, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Upstream {
    pub path: PathBuf,
    /// e.g. `referenced by INF-LOCAL under Implements`.
    pub because: String,
}

/// Why a deploy did not start.
#[derive(Clone, Debug, PartialEq)]
pub struct Refusal {
    pub message: String,
    /// `path:line:col: code: message` of each blocking finding.
    pub conflicts: Vec<String>,
}

fn refuse(message: String) -> Refusal {
    Refusal { message, conflicts: Vec::new() }
}

/// Plans a deploy of `env_name` (every spec of it under `regen`) and
/// refuses while error-severity findings stand in what it uses.
pub fn prepare(
    root: &Path,
    source: &dyn SpecSource,
    env_name: &str,
    regen: bool,
    ws: &Workspace,
) -> Result<Prepared, Refusal> {
    let file = config::load(root).map_err(|e| refuse(format!("{ENVIRONMENTS_FILE}: {}", e.message)))?;
    let Some(env) = file.environments.get(env_name).cloned() else {
        let known: Vec<&str> = file.environments.keys().map(String::as_str).collect();
        return Err(refuse(format!(
            "no environment `{env_name}` in {ENVIRONMENTS_FILE} (known: {})",
            known.join(", ")
        )));
    };
    let plan = plan_phase_in(root, source, Phase::Deploy, regen);
    let pending: Vec<PathBuf> = plan.pending.iter().map(|e| root.join(&e.path)).collect();
    let (infra, not_deployed) = select(&pending, env_name, &env, file.environments.len(), ws)?;
    let upstream = upstream_of(&infra, ws);
    let secrets = referenced_secrets(root, &env)?;
    let conflicts = consolidate(root, &env, &infra, &upstream, ws);
    if !conflicts.is_empty() {
        return Err(Refusal {
            message: format!(
                "refused: {} error-severity finding(s) in what `{env_name}` deploys must be fixed first",
                conflicts.len()
            ),
            conflicts,
        });
    }
    Ok(Prepared {
        root: root.to_path_buf(),
        env_name: env_name.to_owned(),
        nothing_pending: infra.is_empty(),
        realises_none: infra.is_empty()
            && (regen || realised(root, source, env_name, &env, file.environments.len(), ws).specs.is_empty()),
        regen,
        env,
        plan: quoted_plan(root, source),
        infra,
        not_deployed,
        upstream,
        secrets,
    })
}

/// What `plan --phase=deploy` printed, and whose plan it was.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct QuotedPlan {
    pub output: String,
    /// `smaqit-ls's built-in plan`, or `smaqit at /usr/local/bin/smaqit`.
    pub by: String,
    /// What else the CLI said (its exit status and stderr) when it failed.
    pub note: Option<String>,
}

/// The plan the report quotes: the user's own `smaqit` when
/// `.smaqit/smaqit-ls.toml` says so (by default when one is on PATH), so
/// the report shows what their CLI says; else the built-in one, which
/// reads the editor's buffers too.
fn quoted_plan(root: &Path, source: &dyn SpecSource) -> QuotedPlan {
    let builtin = || QuotedPlan {
        output: phase_output_in(root, source, Phase::Deploy),
        by: "smaqit-ls's built-in plan".into(),
        note: None,
    };
    let cli = match settings::load(root).map(|c| c.plan.cli).unwrap_or_default() {
        PlanCli::Builtin => return builtin(),
        PlanCli::Path(p) => p,
        PlanCli::Auto => match on_path("smaqit") {
            Some(p) => p,
            None => return builtin(),
        },
    };
    match run_plan_cli(&cli, root) {
        Ok((output, None)) => QuotedPlan { output, by: format!("smaqit at {}", cli.display()), note: None },
        Ok((output, Some(note))) => QuotedPlan { output, by: format!("smaqit at {}", cli.display()), note: Some(note) },
        Err(e) => QuotedPlan {
            note: Some(format!("{} could not run ({e}); this is smaqit-ls's built-in plan", cli.display())),
            ..builtin()
        },
    }
}

/// The first executable `name` on PATH.
fn on_path(name: &str) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|p| p.metadata().is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0))
}

/// `<cli> plan --phase=deploy` in `root`, for at most 30 s: its stdout and,
/// when it failed, its status and stderr.
fn run_plan_cli(cli: &Path, root: &Path) -> Result<(String, Option<String>), String> {
    use std::io::Read;
    let mut child = std::process::Command::new(cli)
        .args(["plan", "--phase=deploy"])
        .current_dir(root)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    let (mut out, mut err) = (child.stdout.take().expect("piped"), child.stderr.take().expect("piped"));
    let reader = std::thread::spawn(move || {
        let (mut o, mut e) = (Vec::new(), Vec::new());
        let _ = out.read_to_end(&mut o);
        let _ = err.read_to_end(&mut e);
        (o, e)
    });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let status = loop {
        match child.try_wait().map_err(|e| e.to_string())? {
            Some(s) => break s,
            None if std::time::Instant::now() > deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err("it did not finish within 30 s".into());
            }
            None => std::thread::sleep(std::time::Duration::from_millis(20)),
        }
    };
    let (o, e) = reader.join().map_err(|_| "its output could not be read".to_owned())?;
    let output = String::from_utf8_lossy(&o).into_owned();
    let note =
        (!status.success()).then(|| format!("it exited with {status}: {}", String::from_utf8_lossy(&e).trim_end()));
    Ok((output, note))
}

/// The Infrastructure specs an environment realises, for an editor to say
/// before it asks to confirm what a deploy would do.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Realised {
    /// Every one (what `--regen` deploys), relative to the root.
    pub specs: Vec<String>,
    /// Those pending in `plan --phase=deploy` (what a deploy deploys).
    pub pending: Vec<String>,
}

/// What each deploy of `env_name` would take, per [`select`].
pub fn realised(
    root: &Path,
    source: &dyn SpecSource,
    env_name: &str,
    env: &Environment,
    environments: usize,
    ws: &Workspace,
) -> Realised {
    let of = |regen: bool| {
        let plan = plan_phase_in(root, source, Phase::Deploy, regen);
        let pending: Vec<PathBuf> = plan.pending.iter().map(|e| root.join(&e.path)).collect();
        let (chosen, _) = select(&pending, env_name, env, environments, ws).unwrap_or_default();
        chosen.iter().map(|p| relative_to_root(root, p)).collect::<Vec<_>>()
    };
    Realised { specs: of(true), pending: of(false) }
}

/// The pending specs `env` realises: those its `specs` list names; without
/// one, those whose `## Constraints` name it as their Target Environment,
/// and, when it is the project's only environment, those naming none (a
/// spec naming another environment is never this one's).
fn select(
    pending: &[PathBuf],
    name: &str,
    env: &Environment,
    environments: usize,
    ws: &Workspace,
) -> Result<(Vec<PathBuf>, Vec<PathBuf>), Refusal> {
    let id_of = |p: &PathBuf| ws.get(p).and_then(|e| e.spec.id().map(str::to_owned));
    let chosen: Vec<PathBuf> = match &env.specs {
        Some(ids) => pending.iter().filter(|p| id_of(p).is_some_and(|id| ids.contains(&id))).cloned().collect(),
        None => pending
            .iter()
            .filter(|p| {
                ws.get(p).is_some_and(|e| match target_of(&e.spec) {
                    Some(cell) => names(&cell, name),
                    None => environments == 1,
                })
            })
            .cloned()
            .collect(),
    };
    let rest = pending.iter().filter(|p| !chosen.contains(p)).cloned().collect();
    Ok((chosen, rest))
}

/// The Target Environment cell of the spec's `## Constraints` table.
fn target_of(spec: &Spec) -> Option<String> {
    spec.doc.tables().find_map(|t| {
        t.rows.iter().find_map(|r| {
            r.first()
                .filter(|c| c.text.trim().eq_ignore_ascii_case("Target Environment"))
                .and_then(|_| r.get(1).map(|c| c.text.clone()))
        })
    })
}

/// Whether a Target Environment cell names `name` as one of its words
/// (`local, with the bucket in AWS`).
fn names(cell: &str, name: &str) -> bool {
    cell.split(|ch: char| !(ch.is_alphanumeric() || ch == '-' || ch == '_')).any(|w| w.eq_ignore_ascii_case(name))
}

/// Business, Functional and Stack specs the deployed specs reference under
/// `## References`, once each, with the first reason found.
fn upstream_of(infra: &[PathBuf], ws: &Workspace) -> Vec<Upstream> {
    let mut out: Vec<Upstream> = Vec::new();
    for p in infra {
        let Some(entry) = ws.get(p) else { continue };
        let from = entry.spec.id().unwrap_or("the Infrastructure spec").to_owned();
        for l in entry.spec.doc.links() {
            let id = ids::criterion_parts(&l.label).map_or(l.label.as_str(), |(s, _)| s);
            for t in ws.by_id(entry.spec.root.as_deref(), id) {
                let up = matches!(t.spec.layer, Some(Layer::Business | Layer::Functional | Layer::Stack));
                if up && t.spec.root == entry.spec.root && !out.iter().any(|u| u.path == t.spec.path) {
                    let under = l.under_h3.as_deref().or(l.under.as_deref()).unwrap_or("References");
                    out.push(Upstream {
                        path: t.spec.path.clone(),
                        because: format!("referenced by {from} under {under}"),
                    });
                }
            }
        }
    }
    out
}

/// The secret names the environment's files reference; an unknown filter
/// or an unreadable file refuses the deploy.
fn referenced_secrets(root: &Path, env: &Environment) -> Result<Vec<String>, Refusal> {
    let mut secrets: Vec<String> = Vec::new();
    for f in &env.files {
        let text = std::fs::read_to_string(root.join(f)).map_err(|e| refuse(format!("cannot read `{f}`: {e}")))?;
        for r in secret_refs(&text) {
            if let Err(bad) = &r.filter {
                let line = text[..r.range.start].matches('\n').count() + 1;
                return Err(refuse(format!(
                    "{f}:{line}: unknown filter `|{bad}` in ${{secrets.{}|{bad}}} (known: {})",
                    r.name,
                    Filter::NAMES.join(", ")
                )));
            }
            if !secrets.contains(&r.name) {
                secrets.push(r.name);
            }
        }
    }
    Ok(secrets)
}

/// `path:line:col: code: message` for a blocking finding of `path`.
fn located(root: &Path, path: &Path, text: &str, f: &Finding) -> String {
    let at = f.range.start.min(text.len());
    let line = text[..at].matches('\n').count() + 1;
    let col = text[..at].rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    format!("{}:{line}:{col}: {}: {}", relative_to_root(root, path), f.code, f.message)
}

/// The error-severity findings in everything the deploy uses: the specs it
/// deploys and moves (cross-layer conflicts and secrets), the files it
/// renders, the environments file itself, and the scripts and inline
/// commands its steps run.
fn consolidate(
    root: &Path,
    env: &Environment,
    infra: &[PathBuf],
    upstream: &[Upstream],
    ws: &Workspace,
) -> Vec<String> {
    const BLOCKING: [&str; 6] = ["ref", "spec", "lifecycle", "drift", "secret", "frontmatter"];
    let blocking = |f: &Finding| f.severity == Severity::Error && BLOCKING.contains(&checks::catalogue::family(f.code));
    let mut out = Vec::new();
    for p in infra.iter().chain(upstream.iter().map(|u| &u.path)) {
        let Some(e) = ws.get(p) else { continue };
        let text = e.text.as_str();
        out.extend(checks::check_entry(&e, ws).iter().filter(|f| blocking(f)).map(|f| located(root, p, &text, f)));
    }
    // Files the deploy reads or runs: any error there blocks it.
    let mut files: Vec<PathBuf> = env.files.iter().map(|f| root.join(f)).collect();
    files.push(root.join(ENVIRONMENTS_FILE));
    let workdir = root.join(&env.workdir);
    for argv in env.steps.iter().chain(&env.rollback) {
        for a in argv {
            let p = workdir.join(a);
            if !a.contains('{') && p.starts_with(root) && p.is_file() {
                files.push(p);
            }
        }
    }
    files.sort();
    files.dedup();
    let scanner = smaqit_secrets::Scanner::shared();
    for p in files {
        let (findings, text) = match ws.get_iac(&p) {
            Some(e) => (checks::check_iac(&e, ws), e.text.as_str().into_owned()),
            // A script the index does not read (`migrate.py`): its secrets.
            None => match std::fs::read_to_string(&p) {
                Ok(text) => {
                    let mut found = Vec::new();
                    let secrets = scanner.scan(&p.with_extension("sh"), &text);
                    checks::secrets::check(&text, &secrets, &Default::default(), &mut found);
                    (found, text)
                }
                Err(_) => continue,
            },
        };
        out.extend(findings.iter().filter(|f| f.severity == Severity::Error).map(|f| located(root, &p, &text, f)));
    }
    // Inline commands (`sh -c "…"`) hold secrets too.
    for (i, argv) in env.steps.iter().chain(&env.rollback).enumerate() {
        let line = argv.join(" ");
        for s in scanner.scan(Path::new("step.sh"), &line) {
            out.push(format!(
                "{ENVIRONMENTS_FILE}: step {}: secret/{}: a hardcoded {} in the step's command line; pass it as \
                 ${{secrets.NAME}} through a rendered file instead",
                i + 1,
                s.detector,
                s.description.to_lowercase()
            ));
        }
    }
    out
}
