use super::{Finding, code};
use crate::ids;
use crate::model::{Layer, Spec, Status, timestamp};
use crate::parse::FmValue;

const TIMESTAMP_KEYS: [&str; 4] = ["created", "implemented", "deployed", "validated"];

pub fn check(spec: &Spec, out: &mut Vec<Finding>) {
    let doc = &spec.doc;
    for r in doc.placeholders() {
        out.push(Finding::new(
            code::FRONTMATTER_TEMPLATE_LEFTOVER,
            r,
            "template placeholder left in the spec; replace it with real content",
        ));
    }
    let Some(fm) = &doc.frontmatter else {
        let end = first_line_len(spec);
        out.push(Finding::new(
            code::FRONTMATTER_MISSING,
            0..end,
            "spec has no frontmatter; the smaqit CLI treats it as a draft with id UNKNOWN",
        ));
        return;
    };
    let open_fence = 0..fm.range.end.min(3);
    if !fm.terminated {
        out.push(Finding::new(
            code::FRONTMATTER_UNTERMINATED,
            open_fence,
            "frontmatter is never closed: add a line `---` after it",
        ));
        return;
    }
    if let Some(err) = &fm.error {
        out.push(Finding::new(
            code::FRONTMATTER_YAML_SYNTAX,
            err.offset..err.offset,
            format!("invalid YAML in frontmatter: {}", err.message),
        ));
        return;
    }
    let required = [
        ("id", code::FRONTMATTER_MISSING_ID),
        ("status", code::FRONTMATTER_MISSING_STATUS),
        ("created", code::FRONTMATTER_MISSING_CREATED),
    ];
    for (key, code) in required {
        let missing = fm.get(key).is_none_or(|e| matches!(e.value, FmValue::Empty));
        if missing {
            let range = fm.get(key).map_or(open_fence.clone(), |e| e.key_range.clone());
            out.push(Finding::new(code, range, format!("frontmatter has no `{key}`")));
        }
    }
    // Without an id the CLI treats the spec as UNKNOWN; further findings
    // about its values would only be noise.
    if spec.id().is_none() {
        return;
    }
    for e in &fm.entries {
        let raw = e.raw.as_str();
        if raw.contains("[PLACEHOLDER]") || raw.contains("[TIMESTAMP]") {
            out.push(Finding::new(
                code::FRONTMATTER_TEMPLATE_LEFTOVER,
                e.value_range.clone(),
                format!("`{}` still holds the template placeholder {}", e.key, raw.trim()),
            ));
        } else if TIMESTAMP_KEYS.contains(&e.key.as_str()) {
            let ok = e.value.as_str().is_some_and(timestamp::is_valid) || matches!(e.value, FmValue::Empty);
            if !ok {
                out.push(Finding::new(
                    code::FRONTMATTER_MALFORMED_TIMESTAMP,
                    e.value_range.clone(),
                    format!("`{}` is not an RFC 3339 timestamp (YYYY-MM-DDTHH:MM:SSZ) or a date", e.key),
                ));
            }
        }
    }
    if let Some(e) = fm.get("id")
        && let Some(id) = e.value.as_str().map(str::trim).filter(|s| !s.is_empty())
    {
        if !ids::is_spec_id(id) {
            out.push(Finding::new(code::FRONTMATTER_MALFORMED_ID, e.value_range.clone(),
                    format!("`{id}` is not a spec ID of the form <PREFIX>-<CONCEPT> (BUS, FUN, STK, INF or COV, then upper-case words)"),
                ));
        } else if let (Some(layer), Some(id_layer)) = (spec.layer, Layer::of_id(id))
            && layer != id_layer
        {
            out.push(
                Finding::new(
                    code::FRONTMATTER_ID_LAYER_MISMATCH,
                    e.value_range.clone(),
                    format!(
                        "`{id}` is a {id_layer} ID but the spec is in specs/{}/ (expected the prefix {}-)",
                        layer.folder(),
                        layer.prefix()
                    ),
                )
                .with_suggestion(format!("{}{}", layer.prefix(), &id[3..])),
            );
        }
    }
    if let Some(e) = fm.get("status") {
        if let Some(text) = e.value.as_str() {
            match Status::parse(text.trim()) {
                Some(status) => {
                    if let Some(key) = status.timestamp_key()
                        && fm.get(key).is_none()
                    {
                        out.push(Finding::new(
                            code::FRONTMATTER_MISSING_TIMESTAMP,
                            e.value_range.clone(),
                            format!("status `{status}` has no `{key}:` timestamp"),
                        ));
                    }
                }
                None => {
                    let mut f = Finding::new(
                        code::FRONTMATTER_UNKNOWN_STATUS,
                        e.value_range.clone(),
                        format!(
                            "unknown status `{text}`: the smaqit CLI silently drops this spec from `plan` (valid: draft, implemented, deployed, validated, failed, deprecated)"
                        ),
                    );
                    if let Some(s) = Status::suggest(text) {
                        f.message.push_str(&format!("; did you mean `{s}`?"));
                        f = f.with_suggestion(s.as_str());
                    }
                    out.push(f);
                }
            }
        } else if matches!(e.value, FmValue::Compound) {
            out.push(Finding::new(
                code::FRONTMATTER_UNKNOWN_STATUS,
                e.value_range.clone(),
                "status must be a single value (draft, implemented, deployed, validated, failed, deprecated)",
            ));
        }
    }
}

fn first_line_len(spec: &Spec) -> usize {
    spec.doc.title().map_or(0, |h| if h.range.start == 0 { h.range.end } else { 0 })
}

#[cfg(test)]
mod tests {
    use crate::checks::fixture;

    #[test]
    fn broken_and_wrong_values() {
        fixture::check_families(
            &["frontmatter"],
            r#"
//- specs/business/no-frontmatter.md
# BUS-X: no frontmatter
^^^^^^^^^^^^^^^^^^^^^^^ error frontmatter/missing: spec has no frontmatter; the smaqit CLI treats it as a draft with id UNKNOWN

## Acceptance Criteria
- [x] BUS-X-001: fine
//- specs/business/unterminated.md
---
^^^ error frontmatter/unterminated: frontmatter is never closed: add a line `---` after it
id: BUS-U
status: draft
# BUS-U: never closed
//- specs/business/yaml.md
---
id: [BUS-Y
status: draft
      | error frontmatter/yaml-syntax: invalid YAML in frontmatter: illegal placement of ':' indicator
---
# BUS-Y
//- specs/functional/values.md
---
id: fun-lower
    ^^^^^^^^^ error frontmatter/malformed-id: `fun-lower` is not a spec ID of the form <PREFIX>-<CONCEPT> (BUS, FUN, STK, INF or COV, then upper-case words)
status: implmented
        ^^^^^^^^^^ error frontmatter/unknown-status: unknown status `implmented`: the smaqit CLI silently drops this spec from `plan` (valid: draft, implemented, deployed, validated, failed, deprecated); did you mean `implemented`?
created: [TIMESTAMP]
         ^^^^^^^^^^^ error frontmatter/template-leftover: `created` still holds the template placeholder [TIMESTAMP]
implemented: yesterday
             ^^^^^^^^^ error frontmatter/malformed-timestamp: `implemented` is not an RFC 3339 timestamp (YYYY-MM-DDTHH:MM:SSZ) or a date
---
# FUN: values
## References
- [BUS-X](../business/no-frontmatter.md)
## Acceptance Criteria
- [x] FUN-LOWER-001: x
//- specs/stack/layer.md
---
id: FUN-WRONG-LAYER
    ^^^^^^^^^^^^^^^ error frontmatter/id-layer-mismatch: `FUN-WRONG-LAYER` is a Functional ID but the spec is in specs/stack/ (expected the prefix STK-)
status: implemented
        ^^^^^^^^^^^ warning frontmatter/missing-timestamp: status `implemented` has no `implemented:` timestamp
created: 2025-01-01
---
# Wrong layer
## References
- [BUS-X](../business/no-frontmatter.md)
## Acceptance Criteria
- [x] FUN-WRONG-LAYER-001: x
//- specs/stack/missing.md
---
^^^ error frontmatter/missing-created: frontmatter has no `created`
id: STK-MISSING
status:
^^^^^^ error frontmatter/missing-status: frontmatter has no `status`
---
# STK-MISSING [PLACEHOLDER]
              ^^^^^^^^^^^^^ error frontmatter/template-leftover: template placeholder left in the spec; replace it with real content
## References
- [BUS-X](../business/no-frontmatter.md)
## Acceptance Criteria
"#,
        );
    }
}
