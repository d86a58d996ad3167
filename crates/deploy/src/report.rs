//! The deployment report: `.smaqit/reports/deployment-phase-report-YYYY-MM-DD.md`
//! (spec-format §10). A second deploy the same day appends a dated section.
//! Everything in it comes from the scrubbed outcome: no value can reach it.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::flow::Prepared;
use crate::protocol::{Outcome, Status};
use smaqit_core::model::Spec;
use smaqit_core::workspace::Workspace;

pub fn path(root: &Path, date: &str) -> PathBuf {
    root.join(".smaqit/reports").join(format!("deployment-phase-report-{date}.md"))
}

/// Renders one deployment section (with the document header when `first`).
pub fn render(p: &Prepared, o: &Outcome, ws: &Workspace, date: &str, stamp: &str, first: bool) -> String {
    let mut s = String::new();
    let status = match o.status {
        Status::Success => "✅ Success",
        Status::Failed => "❌ Failed",
        Status::Cancelled => "⏹ Cancelled",
        Status::Refused => "⛔ Refused",
    };
    if first {
        let _ =
            writeln!(s, "# Deployment Phase Report\n\n**Date:** {date}  \n**Phase:** Deploy  \n**Status:** {status}\n");
    }
    let _ = writeln!(s, "## Deployment at {stamp} — environment `{}`\n", p.env_name);
    let _ = writeln!(s, "## Summary\n\n- **Status:** {status}\n- **Environment:** `{}`", p.env_name);
    if let Some(e) = &o.endpoint {
        let _ = writeln!(s, "- **Endpoint:** {e}");
    }
    let _ = writeln!(s, "- **Attempts:** {} (retries allowed: {})", o.attempts.len(), p.env.retries);
    let _ = writeln!(s, "- **Outcome:** {}\n", o.message);
    let _ = writeln!(s, "### Plan (`smaqit plan --phase=deploy`)\n\n```\n{}```\n", p.plan_output);

    let _ = writeln!(s, "## Infrastructure Specifications Processed\n");
    let spec_of = |path: &Path| ws.get(path);
    for path in &p.infra {
        let rel = rel(&p.root, path);
        match spec_of(path) {
            Some(e) => {
                let (done, total) = e.spec.criteria_counts();
                let id = e.spec.id().unwrap_or("UNKNOWN");
                let _ = writeln!(
                    s,
                    "### {id}\n\n- **File:** `{rel}`\n- **Status:** {}\n- **Criteria:** {done}/{total} satisfied\n",
                    e.spec.status_text().unwrap_or("draft")
                );
            }
            None => {
                let _ = writeln!(s, "### `{rel}`\n");
            }
        }
    }
    if !p.upstream.is_empty() {
        let _ = writeln!(s, "### Upstream specs moved with it\n");
        for path in &p.upstream {
            let id = spec_of(path).and_then(|e| e.spec.id().map(str::to_owned)).unwrap_or_default();
            let _ = writeln!(s, "- {id} (`{}`)", rel(&p.root, path));
        }
        let _ = writeln!(s);
    }

    let _ = writeln!(s, "## Artifacts Created\n");
    if p.env.files.is_empty() {
        let _ = writeln!(s, "- none (no files rendered)\n");
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

    let _ = writeln!(s, "## Attempts\n");
    for a in &o.attempts {
        let verdict =
            if a.ok { "succeeded".to_owned() } else { format!("failed: {}", a.failure.as_deref().unwrap_or("?")) };
        let _ = writeln!(s, "### Attempt {} — {verdict}\n\n```text", a.number);
        for line in &a.log {
            let _ = writeln!(s, "{line}");
        }
        let _ = writeln!(s, "```\n");
    }

    let _ = writeln!(s, "## Health Checks\n");
    if o.health.is_empty() {
        let _ = writeln!(s, "No health check ran.\n");
    } else {
        let _ = writeln!(s, "| Check | Result | Detail |\n|---|---|---|");
        for h in &o.health {
            let _ = writeln!(
                s,
                "| {} | {} | {} |",
                h.check.replace('|', "\\|"),
                if h.ok { "healthy" } else { "unhealthy" },
                h.detail.replace('|', "\\|")
            );
        }
        let _ = writeln!(s);
    }

    let _ = writeln!(s, "## Acceptance Criteria Status\n");
    for path in p.infra.iter().chain(&p.upstream) {
        if let Some(e) = spec_of(path) {
            let (done, total) = e.spec.criteria_counts();
            let _ = writeln!(s, "- {}: {done}/{total} satisfied", e.spec.id().unwrap_or("UNKNOWN"));
        }
    }
    let _ = writeln!(s);

    let _ = writeln!(s, "## Next Steps\n");
    match o.status {
        Status::Success => {
            let _ = writeln!(s, "- Run `/smaqit.coverage` to validate the deployment against the Coverage specs.\n");
        }
        _ => {
            let _ = writeln!(
                s,
                "- Fix the failure above and deploy again; the Infrastructure specs are `failed` until then.\n"
            );
        }
    }

    let _ = writeln!(s, "## Spec Graph\n\n```mermaid\ngraph TD");
    for path in &p.infra {
        let Some(e) = spec_of(path) else { continue };
        let from = e.spec.id().unwrap_or("UNKNOWN");
        for up in upstream_ids(&e.spec, p, ws) {
            let _ = writeln!(s, "  {} --> {}", node(from), node(&up));
        }
    }
    let _ = writeln!(s, "```\n\n*Generated by smaqit-ls {}*\n", env!("CARGO_PKG_VERSION"));
    s
}

fn upstream_ids(spec: &Spec, p: &Prepared, ws: &Workspace) -> Vec<String> {
    let mut out: Vec<String> = spec
        .doc
        .links()
        .filter_map(|l| ws.by_id(&l.label).into_iter().next())
        .filter(|t| p.upstream.contains(&t.spec.path))
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
pub fn write(p: &Prepared, o: &Outcome, ws: &Workspace) -> std::io::Result<PathBuf> {
    let date = smaqit_core::model::timestamp::today();
    let stamp = smaqit_core::model::timestamp::now();
    let file = path(&p.root, &date);
    std::fs::create_dir_all(file.parent().unwrap_or(&p.root))?;
    let existing = std::fs::read_to_string(&file).ok();
    let section = render(p, o, ws, &date, &stamp, existing.is_none());
    let text = match existing {
        Some(mut old) => {
            old.push_str("\n---\n\n");
            old.push_str(&section);
            old
        }
        None => section,
    };
    std::fs::write(&file, text)?;
    Ok(file)
}
