//! The Markdown shown on hover over an ID: a spec's card or a criterion.

use crate::parse::CriterionState;
use crate::workspace::{FileEntry, Workspace};

/// Markdown shown on hover over an ID.
pub fn hover(ws: &Workspace, root: Option<&std::path::Path>, id: &str) -> Option<String> {
    if let Some(e) = ws.by_id(root, id).into_iter().next() {
        return Some(spec_card(&e, ws));
    }
    let (path, range) = ws.criterion_definitions(root, id).into_iter().next()?;
    let e = ws.get(&path)?;
    let c = e.spec.criteria().find(|c| c.id_range == range)?;
    let state = match c.state {
        CriterionState::Open => "open `[ ]`",
        CriterionState::Satisfied => "satisfied `[x]`",
        CriterionState::Failed => "failed `[!]`",
    };
    let mut s = format!("**{}** — {}\n\n{}{}", c.id, state, c.text, if c.untestable { " *(untestable)*" } else { "" });
    if let Some(n) = &c.note {
        s.push_str(&format!("\n\n> {n}"));
    }
    s.push_str(&format!("\n\nIn {} · `{}`", e.spec.id().unwrap_or("UNKNOWN"), e.spec.relative_path()));
    Some(s)
}

fn spec_card(e: &FileEntry, ws: &Workspace) -> String {
    let spec = &e.spec;
    let id = spec.id().unwrap_or("UNKNOWN");
    let mut s = format!("**{id}**");
    if let Some(t) = spec.title() {
        s.push_str(&format!(" — {t}"));
    }
    let layer = spec.layer.map_or("unknown layer".to_owned(), |l| l.to_string());
    s.push_str(&format!("\n\n{layer} · status `{}`", spec.status_text().unwrap_or("draft")));
    for key in ["created", "implemented", "deployed", "validated"] {
        if let Some(v) = spec.timestamp(key) {
            s.push_str(&format!(" · {key} {v}"));
        }
    }
    let (done, total) = spec.criteria_counts();
    s.push_str(&format!(
        "\n\nCriteria: {done}/{total} satisfied · referenced by {} file(s)",
        ws.referrers(e.spec.root.as_deref(), id).len()
    ));
    s.push_str(&format!("\n\n`{}`", spec.relative_path()));
    s
}
