//! Edits for hardcoded secrets: the literal becomes a `${secrets.NAME}`
//! reference, the project's Secrets Management table learns the name, or
//! the value's fingerprint joins the project allowlist.

use std::path::Path;
use std::sync::Arc;

use super::TextEdit;
use crate::model::{Layer, Spec};
use crate::workspace::{FileEntry, Workspace};

/// The Infrastructure specs of the project at `root` that may list a new
/// secret name in their `## Secrets Management` table, in the order they
/// are tried (by path).
pub fn table_candidates(ws: &Workspace, root: &Path) -> Vec<Arc<FileEntry>> {
    ws.specs()
        .into_iter()
        .filter(|e| e.spec.layer == Some(Layer::Infrastructure) && e.spec.root.as_deref() == Some(root))
        .collect()
}

/// The reference text that replaces a literal.
pub fn reference(name: &str) -> String {
    format!("${{secrets.{name}}}")
}

/// A row for `name` appended to the first `## Secrets Management` table of
/// an Infrastructure spec (`text` is the spec's text), unless the table
/// already lists it. None when the spec has no such table.
pub fn secrets_table_row(spec: &Spec, text: &str, name: &str, kind: &str) -> Option<TextEdit> {
    if spec.layer != Some(Layer::Infrastructure) {
        return None;
    }
    let table = spec.doc.tables().find(|t| {
        t.under.as_deref().is_some_and(|u| u.eq_ignore_ascii_case("Secrets Management")) && t.column("Secret").is_some()
    })?;
    let col = table.column("Secret")?;
    let listed = |cell: &str| cell.trim().trim_matches('`').eq_ignore_ascii_case(name);
    if table.rows.iter().any(|r| r.get(col).is_some_and(|c| listed(&c.text))) {
        return None;
    }
    let last = table.rows.last().and_then(|r| r.last()).or_else(|| table.header.last())?;
    let end = last.range.end.min(text.len());
    let line_end = text[end..].find('\n').map(|i| end + i);
    let eol = match line_end {
        Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    };
    let cells: Vec<String> = table
        .header
        .iter()
        .map(|h| {
            let h = h.text.trim().to_ascii_lowercase();
            if h == "secret" {
                format!("`{name}`")
            } else if h.starts_with("type") {
                kind.to_owned()
            } else if h.starts_with("source") {
                format!("vault: `secret/{}`", name.to_ascii_lowercase())
            } else if h.starts_with("rotation") {
                "to decide".to_owned()
            } else {
                String::new()
            }
        })
        .collect();
    let row = format!("| {} |", cells.join(" | "));
    Some(match line_end {
        Some(i) => TextEdit { range: i + 1..i + 1, new_text: format!("{row}{eol}") },
        None => TextEdit { range: text.len()..text.len(), new_text: format!("{eol}{row}{eol}") },
    })
}

/// The line to append to `.smaqit/secrets-allowlist` for a value.
pub fn allowlist_line(fingerprint: &str, what: &str) -> String {
    format!("{fingerprint}  # {what}\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::apply;
    use crate::parse::parse;

    #[test]
    fn adds_a_row_once() {
        let t = "---\nid: INF-A\n---\n# A\n\n## Secrets Management\n\n| Secret | Type | Source | Rotation |\n|---|---|---|---|\n| `DB_PASSWORD` | password | vault | 90 days |\n\n## Next\n";
        let spec = Spec::new("/p/specs/infrastructure/a.md".into(), None, parse(t));
        let e = secrets_table_row(&spec, t, "STRIPE_API_KEY", "Stripe key").unwrap();
        let out = apply(t, &[e]);
        assert!(out.contains("| `DB_PASSWORD` | password | vault | 90 days |\n| `STRIPE_API_KEY` | Stripe key | vault: `secret/stripe_api_key` | to decide |\n\n## Next"), "{out}");
        assert!(secrets_table_row(&spec, t, "DB_PASSWORD", "x").is_none());
    }
}
