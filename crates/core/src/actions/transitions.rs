use super::{Action, ActionKind, TextEdit};
use crate::model::{Spec, Status};
use crate::parse::{FmEntry, FmValue, Frontmatter};

/// Edits moving `spec` to `to`, stamping the status's timestamp with `now`.
/// None when the frontmatter has no usable `status` entry.
pub fn transition(spec: &Spec, to: Status, now: &str) -> Option<Vec<TextEdit>> {
    let fm = usable(spec)?;
    let status = fm.get("status")?;
    let mut edits = vec![replace_value(status, to.as_str())];
    if let Some(key) = to.timestamp_key() {
        edits.push(match fm.get(key) {
            Some(e) => replace_value(e, now),
            None => insert_after(fm, status, key, now),
        });
    }
    Some(edits)
}

/// Transition actions the lifecycle allows from the spec's current status.
pub fn transition_actions(spec: &Spec, now: &str) -> Vec<Action> {
    let Some(current) = spec.status() else { return Vec::new() };
    current
        .transitions(spec.layer)
        .into_iter()
        .filter_map(|to| {
            let edits = transition(spec, to, now)?;
            let stamp = to.timestamp_key().map_or(String::new(), |k| format!(" (sets `{k}`)"));
            Some(Action {
                title: format!("Set status: {current} → {to}{stamp}"),
                kind: ActionKind::Refactor,
                edits,
                fixes: None,
                preferred: false,
            })
        })
        .collect()
}

/// Replaces the status value with `to` as written (the unknown-status fix).
pub fn replace_status(spec: &Spec, to: &str) -> Option<TextEdit> {
    Some(replace_value(usable(spec)?.get("status")?, to))
}

/// Inserts the timestamp the current status requires (missing-timestamp fix).
pub fn insert_timestamp(spec: &Spec, now: &str) -> Option<TextEdit> {
    let fm = usable(spec)?;
    let key = spec.status()?.timestamp_key()?;
    if fm.get(key).is_some() {
        return None;
    }
    Some(insert_after(fm, fm.get("status")?, key, now))
}

fn usable(spec: &Spec) -> Option<&Frontmatter> {
    spec.doc.frontmatter.as_ref().filter(|f| f.terminated && f.error.is_none())
}

/// New value text for an entry, keeping its quote style.
fn replace_value(entry: &FmEntry, value: &str) -> TextEdit {
    let quote = match (&entry.value, entry.raw.chars().next()) {
        (FmValue::Scalar { quoted: true, .. }, Some(q @ ('\'' | '"'))) => Some(q),
        _ => None,
    };
    let new_text = match quote {
        Some(q) => format!("{q}{value}{q}"),
        None => value.to_owned(),
    };
    if matches!(entry.value, FmValue::Empty) {
        // `key:` with no value: add the space the key needs.
        return TextEdit { range: entry.value_range.clone(), new_text: format!(" {new_text}") };
    }
    TextEdit { range: entry.value_range.clone(), new_text }
}

fn insert_after(fm: &Frontmatter, after: &FmEntry, key: &str, value: &str) -> TextEdit {
    let eol = if fm.crlf { "\r\n" } else { "\n" };
    let at = after.line_range.end;
    TextEdit { range: at..at, new_text: format!("{key}: {value}{eol}") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::apply;
    use crate::parse::parse;
    use std::path::PathBuf;

    fn spec(text: &str, layer: &str) -> Spec {
        Spec::new(PathBuf::from(format!("/p/specs/{layer}/a.md")), None, parse(text))
    }

    #[test]
    fn transition_preserves_everything_else() {
        let t = "---\r\nid: STK-A # keep\r\nstatus: \"draft\"   # trailing\r\ncreated: 2025-01-01\r\n---\r\n# T\r\n";
        let s = spec(t, "stack");
        let out = apply(t, &transition(&s, Status::Implemented, "2026-01-02T03:04:05Z").unwrap());
        assert_eq!(
            out,
            "---\r\nid: STK-A # keep\r\nstatus: \"implemented\"   # trailing\r\nimplemented: 2026-01-02T03:04:05Z\r\ncreated: 2025-01-01\r\n---\r\n# T\r\n"
        );
        let s2 = spec(&out, "stack");
        let out2 = apply(&out, &transition(&s2, Status::Deployed, "2026-02-02T00:00:00Z").unwrap());
        assert!(out2.contains("status: \"deployed\""));
        assert!(out2.contains("deployed: 2026-02-02T00:00:00Z\r\n"));
        assert!(out2.contains("implemented: 2026-01-02T03:04:05Z"));
    }

    #[test]
    fn replaces_existing_timestamp_and_offers_lifecycle() {
        let t = "---\nid: INF-A\nstatus: draft\ndeployed: 'old'\n---\n";
        let s = spec(t, "infrastructure");
        let titles: Vec<_> = transition_actions(&s, "N").into_iter().map(|a| a.title).collect();
        assert_eq!(titles[0], "Set status: draft → deployed (sets `deployed`)");
        let out = apply(t, &transition(&s, Status::Deployed, "2026-01-01T00:00:00Z").unwrap());
        assert_eq!(out, "---\nid: INF-A\nstatus: deployed\ndeployed: '2026-01-01T00:00:00Z'\n---\n");
    }
}
