//! Completion: statuses in the frontmatter, References sub-headings, whole
//! reference links after `[`, and IDs in prose.

use std::ops::Range;
use std::path::Path;

use crate::model::{Layer, Spec, Status};
use crate::paths::relative as relative_path;
use crate::workspace::Workspace;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CompletionKind {
    Id,
    Link,
    Status,
    Heading,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    pub label: String,
    pub detail: String,
    pub kind: CompletionKind,
    /// What the completion replaces, and with what.
    pub replace: Range<usize>,
    pub new_text: String,
}

/// Completions at `offset`, given the line's text up to the cursor.
pub fn completions(ws: &Workspace, spec: &Spec, offset: usize, line_before: &str) -> Vec<Completion> {
    let mut out = Vec::new();
    let in_frontmatter = spec.doc.frontmatter.as_ref().is_some_and(|f| offset < f.range.end && offset > 3);
    if in_frontmatter {
        if let Some(rest) = line_before.strip_prefix("status:") {
            let typed = rest.trim_start();
            let start = offset - typed.len();
            for s in Status::ALL {
                out.push(Completion {
                    label: s.as_str().into(),
                    detail: s.timestamp_key().map_or(String::new(), |k| format!("also set `{k}:`")),
                    kind: CompletionKind::Status,
                    replace: start..offset,
                    new_text: s.as_str().into(),
                });
            }
        }
        return out;
    }
    let trimmed = line_before.trim_start();
    // `- [ ] ` in the criteria: the next free criterion ID first.
    if crate::actions::in_criteria_section(spec, offset)
        && let Some(rest) = trimmed.strip_prefix(['-', '*', '+'])
        && let Some(typed) = rest.trim_start().strip_prefix(['[']).and_then(|r| r.get(2..)).map(str::trim_start)
        && let Some(next) = crate::actions::next_criterion_id(spec).filter(|n| n.starts_with(typed))
    {
        out.push(Completion {
            label: next.clone(),
            detail: "next free criterion ID".into(),
            kind: CompletionKind::Id,
            replace: offset - typed.len()..offset,
            new_text: format!("{next}: "),
        });
        return out;
    }
    if (trimmed.starts_with("###") && !trimmed.contains(' ')) || trimmed == "### " || trimmed == "#### " {
        let start = offset - trimmed.len();
        let headings: &[&str] = match spec.layer {
            Some(Layer::Infrastructure) => &[
                "### Foundation Reference",
                "### Implements",
                "### Enables",
                "#### Business",
                "#### Functional",
                "#### Stack",
            ],
            Some(Layer::Coverage) => &["### Business", "### Functional", "### Stack", "### Infrastructure"],
            _ => &["### Foundation Reference", "### Implements", "### Enables"],
        };
        for h in headings {
            out.push(Completion {
                label: (*h).into(),
                detail: "References sub-heading".into(),
                kind: CompletionKind::Heading,
                replace: start..offset,
                new_text: (*h).into(),
            });
        }
        return out;
    }
    let base = spec.path.parent().unwrap_or(Path::new(""));
    // `[` → a whole reference link.
    if let Some(open) = line_before
        .rfind('[')
        .filter(|&i| line_before[i + 1..].bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-'))
    {
        let typed = &line_before[open + 1..];
        let start = offset - typed.len();
        // The spec's own project: another may reuse the IDs for other specs.
        for e in ws.project_specs(spec.root.as_deref()) {
            let Some(id) = e.spec.id().filter(|id| id.starts_with(typed) && Some(*id) != spec.id()) else { continue };
            let rel = relative_path(base, &e.spec.path);
            out.push(Completion {
                label: id.to_owned(),
                detail: format!("{} — {}", e.spec.title().unwrap_or_default(), e.spec.relative_path()),
                kind: CompletionKind::Link,
                replace: start..offset,
                new_text: format!("{id}]({rel})"),
            });
        }
        return out;
    }
    // A bare ID being typed.
    let word_start =
        line_before.rfind(|c: char| !(c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')).map_or(0, |i| i + 1);
    let typed = &line_before[word_start..];
    if typed.len() >= 3
        && ["BUS", "FUN", "STK", "INF", "COV"].iter().any(|p| typed.starts_with(p) || p.starts_with(typed))
    {
        let start = offset - typed.len();
        for id in ws.all_ids(spec.root.as_deref()).into_iter().filter(|id| id.starts_with(typed)).take(200) {
            out.push(Completion {
                label: id.clone(),
                detail: String::new(),
                kind: CompletionKind::Id,
                replace: start..offset,
                new_text: id,
            });
        }
    }
    out
}
