//! The deployment report: `.smaqit/reports/deployment-phase-report-YYYY-MM-DD.md`
//! (spec-format §10). A second deploy the same day appends a dated section
//! and moves the header's status to the latest deploy's. Everything in it
//! comes from the scrubbed outcome and the specs as written; any control
//! character or terminal escape is removed, so it stays plain Markdown.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use smaqit_core::model::Spec;
use smaqit_core::workspace::Workspace;

use crate::flow::{Prepared, unverified};
use crate::protocol::{Outcome, Status};

/// What one deploy did, for its report section.
pub struct Record<'a> {
    pub prepared: &'a Prepared,
    pub outcome: &'a Outcome,
    /// Specs whose status was written.
    pub changed: &'a [PathBuf],
}

pub fn path(root: &Path, date: &str) -> PathBuf {
    root.join(".smaqit/reports").join(format!("deployment-phase-report-{date}.md"))
}

fn status_line(s: Status) -> &'static str {
    match s {
        Status::Success => "✅ Success",
        Status::Failed => "❌ Failed",
        Status::Cancelled => "⏹ Cancelled",
        Status::Refused => "⛔ Refused",
        Status::Skipped => "⏭ Nothing pending",
    }
}

/// Plain text for Markdown: no control characters but newlines and tabs,
/// no terminal escape sequences.
fn plain(s: &str) -> String {
    crate::executor::scrub::plain_text(s)
}

/// Renders one deployment section (with the document header when `first`).
pub fn render(r: &Record<'_>, ws: &Workspace, date: &str, stamp: &str, first: bool) -> String {
    let (p, o) = (r.prepared, r.outcome);
    let mut s = String::new();
    let status = status_line(o.status);
    if first {
        let _ =
            writeln!(s, "# Deployment Phase Report\n\n**Date:** {date}  \n**Phase:** Deploy  \n**Status:** {status}\n");
    }
    let _ = writeln!(s, "## Deployment at {stamp} — environment `{}`\n", p.env_name);
    let _ = writeln!(s, "### Summary\n\n- **Status:** {status}\n- **Environment:** `{}`", p.env_name);
    if let Some(e) = &o.endpoint {
        let reached = o.health.iter().any(|h| h.reached && h.ok);
        let how =
            if reached { "reachable: a health check reached it" } else { "not verified: no health check reached it" };
        let _ = writeln!(s, "- **Endpoint:** {} ({how})", plain(e));
    }
    let _ = writeln!(s, "- **Attempts:** {} (retries allowed: {})", o.attempts.len(), p.env.retries);
    let _ = writeln!(s, "- **Outcome:** {}", plain(&o.message));
    if o.status == Status::Success && p.env.health.is_empty() {
        let _ = writeln!(s, "- **Health:** not verified: the environment declares no health check");
    }
    if o.escalated {
        let _ = writeln!(
            s,
            "- **Escalation:** the retry threshold was exceeded (or the failure cannot change); this failure goes \
             to human review with the attempts' scrubbed logs below"
        );
    }
    for n in &o.notes {
        let _ = writeln!(s, "- **Note:** {}", plain(n));
    }
    let _ = writeln!(s);
    let _ = writeln!(s, "### Plan (`smaqit plan --phase=deploy`, by {})\n\n```\n{}```\n", p.plan.by, p.plan.output);
    if let Some(note) = &p.plan.note {
        let _ = writeln!(s, "{note}\n");
    }
    if p.realises_none {
        let _ = writeln!(
            s,
            "`{}` realises no Infrastructure spec, so nothing ran: list their IDs in its `specs = [...]`, or name it \
             as the Target Environment in their `## Constraints`.\n",
            p.env_name
        );
    } else if p.nothing_pending {
        let _ = writeln!(
            s,
            "Nothing was pending, so nothing ran. To deploy the processed specs again: `smaqit-ls deploy --env {} --regen`.\n",
            p.env_name
        );
    }

    let _ = writeln!(s, "### Infrastructure Specifications Processed\n");
    if p.infra.is_empty() {
        let _ = writeln!(s, "- none\n");
    }
    for path in &p.infra {
        let rel = rel(&p.root, path);
        match ws.get(path) {
            Some(e) => {
                let (done, total) = e.spec.criteria_counts();
                let id = e.spec.id().unwrap_or("UNKNOWN");
                let _ = writeln!(
                    s,
                    "#### {id}\n\n- **File:** `{rel}`\n- **Status:** {}\n- **Criteria:** {done}/{total} satisfied",
                    e.spec.status_text().unwrap_or("draft")
                );
                let open = unverified(&e.spec, o);
                if !open.is_empty() {
                    let _ = writeln!(s, "- **Not verified by the deploy:** {}", open.join(", "));
                }
                let _ = writeln!(s);
            }
            None => {
                let _ = writeln!(s, "#### `{rel}`\n");
            }
        }
    }
    if !p.not_deployed.is_empty() {
        let _ = writeln!(s, "Pending Infrastructure specs that `{}` does not deploy:\n", p.env_name);
        for path in &p.not_deployed {
            let _ = writeln!(s, "- `{}`", rel(&p.root, path));
        }
        let _ = writeln!(s);
    }
    let moved: Vec<_> = p.upstream.iter().filter(|u| r.changed.contains(&u.path)).collect();
    if !moved.is_empty() {
        let _ = writeln!(s, "### Upstream Specifications Moved to `deployed`\n");
        for u in moved {
            let id = ws.get(&u.path).and_then(|e| e.spec.id().map(str::to_owned)).unwrap_or_default();
            let _ = writeln!(s, "- {id} (`{}`): {}", rel(&p.root, &u.path), plain(&u.because));
        }
        let _ = writeln!(s);
    }

    let _ = writeln!(s, "### Artifacts Created\n");
    if p.env.files.is_empty() || !o.started {
        let why = if o.started { "no files to render" } else { "the deploy did not start" };
        let _ = writeln!(s, "- none ({why})\n");
    } else {
        for f in &p.env.files {
            let _ = writeln!(
                s,
                "- `{f}` rendered with {} secret reference(s) in a private folder, removed afterwards",
                p.secrets.len()
            );
        }
        let _ = writeln!(s);
    }

    let _ = writeln!(s, "### Attempts\n");
    for a in &o.attempts {
        let verdict = if a.ok {
            "succeeded".to_owned()
        } else {
            format!("failed: {}", plain(a.failure.as_deref().unwrap_or("?")))
        };
        let _ = writeln!(s, "#### Attempt {} — {verdict}\n\n```text", a.number);
        for line in &a.log {
            let _ = writeln!(s, "{}", plain(line).replace("```", "ʼʼʼ"));
        }
        let _ = writeln!(s, "```\n");
    }

    let _ = writeln!(s, "### Health Checks\n");
    if o.health.is_empty() {
        let why = if p.env.health.is_empty() { "the environment declares none" } else { "none ran" };
        let _ = writeln!(s, "No health check ran ({why}): health not verified.\n");
    } else {
        let _ = writeln!(s, "| Check | Result | Detail | Verifies |\n|---|---|---|---|");
        for h in &o.health {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} |",
                cell(&h.check),
                if h.ok { "healthy" } else { "unhealthy" },
                cell(&h.detail),
                h.verifies.join(", ")
            );
        }
        let _ = writeln!(s);
    }

    let _ = writeln!(s, "### Acceptance Criteria Status\n");
    for path in p.infra.iter().chain(p.upstream.iter().map(|u| &u.path)) {
        if let Some(e) = ws.get(path) {
            let (done, total) = e.spec.criteria_counts();
            let _ = writeln!(s, "- {}: {done}/{total} satisfied", e.spec.id().unwrap_or("UNKNOWN"));
        }
    }
    let _ = writeln!(s);

    let _ = writeln!(s, "### Next Steps\n");
    let next = match o.status {
        Status::Success => "Run `/smaqit.coverage` to validate the deployment against the Coverage specs.".to_owned(),
        Status::Skipped => format!("Nothing to do; `smaqit-ls deploy --env {} --regen` redeploys.", p.env_name),
        _ if o.escalated => {
            "A person reviews the failure above; the Infrastructure specs are `failed` until a deploy succeeds.".into()
        }
        _ => "Fix the failure above and deploy again.".into(),
    };
    let _ = writeln!(s, "- {next}\n");

    let _ = writeln!(s, "### Spec Graph\n\n```mermaid\ngraph TD");
    for path in &p.infra {
        let Some(e) = ws.get(path) else { continue };
        let from = e.spec.id().unwrap_or("UNKNOWN");
        for up in upstream_ids(&e.spec, p, ws) {
            let _ = writeln!(s, "  {} --> {}", node(from), node(&up));
        }
    }
    let _ = writeln!(s, "```\n\n*Generated by smaqit-ls {}*\n", env!("CARGO_PKG_VERSION"));
    s
}

fn cell(s: &str) -> String {
    plain(s).replace('|', "\\|").replace('\n', " ")
}

fn upstream_ids(spec: &Spec, p: &Prepared, ws: &Workspace) -> Vec<String> {
    let mut out: Vec<String> = spec
        .doc
        .links()
        .filter_map(|l| ws.by_id(spec.root.as_deref(), &l.label).into_iter().next())
        .filter(|t| p.upstream.iter().any(|u| u.path == t.spec.path))
        .filter_map(|t| t.spec.id().map(str::to_owned))
        .collect();
    out.dedup();
    out
}

fn node(id: &str) -> String {
    format!("{}[\"{id}\"]", id.replace('-', "_"))
}

fn rel(root: &Path, p: &Path) -> String {
    smaqit_core::paths::relative_to_root(root, p)
}

/// Writes (or appends to) today's report; returns its path.
pub fn write(r: &Record<'_>, ws: &Workspace) -> std::io::Result<PathBuf> {
    let date = smaqit_core::model::timestamp::today();
    let stamp = smaqit_core::model::timestamp::now();
    let root = &r.prepared.root;
    let file = path(root, &date);
    std::fs::create_dir_all(file.parent().unwrap_or(root))?;
    let existing = std::fs::read_to_string(&file).ok();
    let section = render(r, ws, &date, &stamp, existing.is_none());
    let text = match existing {
        Some(old) => {
            // The header's status is the latest deploy's.
            let status = status_line(r.outcome.status);
            let mut old: String = old
                .lines()
                .map(|l| if l.starts_with("**Status:** ") { format!("**Status:** {status}") } else { l.to_owned() })
                .collect::<Vec<_>>()
                .join("\n");
            old.push_str("\n\n---\n\n");
            old.push_str(&section);
            old
        }
        None => section,
    };
    std::fs::write(&file, text)?;
    Ok(file)
}
