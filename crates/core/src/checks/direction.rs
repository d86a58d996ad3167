//! Who may reference whom (spec-format §2): `ref/forbidden-direction` for a
//! reference out of Business, downstream, or sideways outside `### Foundation
//! Reference`; `ref/deprecated-target` for an active spec building on a
//! deprecated one. Only links under `## References` are references; a link
//! or an ID elsewhere that points downstream (a Business addendum linking
//! its Functional spec) is `ref/downstream-mention`, a warning: the model
//! runs upstream, and the downstream spec is the one that says it builds on
//! this one. What a spec excludes may name who handles it instead.

use super::links::{Edge, Resolution, id_related, status_related};
use super::{Finding, code};
use crate::model::{Layer, Spec, Status};

/// Why the edge `e` of a `layer` spec is not part of the model, if it is not.
pub(super) fn forbidden(spec: &Spec, layer: Layer, e: &Edge) -> Option<String> {
    let Resolution::Spec(t) = &e.to else { return None };
    if t.spec.path == spec.path || !e.in_references {
        return None;
    }
    let tlayer = t.spec.layer?;
    let tid = t.spec.id().unwrap_or("the target");
    if layer == Layer::Business {
        Some("Business specs reference nothing".to_owned())
    } else if tlayer > layer {
        Some(format!("{layer} spec references {tid}, a {tlayer} spec downstream of it"))
    } else if tlayer == layer
        && !e.link.under_h3.as_deref().is_some_and(|h| h.eq_ignore_ascii_case("Foundation Reference"))
    {
        Some(format!("same-layer reference to {tid} outside `### Foundation Reference`"))
    } else {
        None
    }
}

/// Links and IDs outside `## References` that point downstream: one
/// finding per ID and line.
pub(super) fn downstream_mentions(
    spec: &Spec,
    text: &str,
    layer: Layer,
    edges: &[Edge],
    ws: &crate::workspace::Workspace,
    out: &mut Vec<Finding>,
) {
    let root = spec.root.as_deref();
    let own = spec.id();
    let mut seen: std::collections::HashSet<(usize, String)> = Default::default();
    let line_of = |offset: usize| text.get(..offset).and_then(|t| t.rfind('\n')).map_or(0, |i| i + 1);
    let mut report = |id: &str, tlayer: Layer, range: std::ops::Range<usize>, linked: bool| {
        if spec.in_excluded_section(range.start) || !seen.insert((line_of(range.start), id.to_owned())) {
            return;
        }
        let how = if linked { "links to" } else { "names" };
        let what = if crate::ids::is_criterion_id(id) { "criterion" } else { "spec" };
        out.push(Finding::new(
            code::REF_DOWNSTREAM_MENTION,
            range,
            format!(
                "{layer} spec {how} {id}, a {tlayer} {what} downstream of it: the model runs upstream, so the {tlayer} spec says what it builds on, not this one"
            ),
        ));
    };
    for e in edges.iter().filter(|e| !e.in_references) {
        let Resolution::Spec(t) = &e.to else { continue };
        let Some(tlayer) = t.spec.layer.filter(|tl| *tl > layer) else { continue };
        let id = t.spec.id().unwrap_or("the target").to_owned();
        report(&id, tlayer, e.link.range.clone(), true);
    }
    for m in spec.doc.mentions() {
        let Some(tlayer) = Layer::of_id(&m.id).filter(|tl| *tl > layer) else { continue };
        let spec_part = crate::ids::criterion_parts(&m.id).map_or(m.id.as_str(), |(s, _)| s);
        if Some(spec_part) == own || !ws.is_defined(root, &m.id) {
            continue;
        }
        report(&m.id, tlayer, m.range.clone(), false);
    }
}

pub(super) fn check(spec: &Spec, layer: Layer, edges: &[Edge], out: &mut Vec<Finding>) {
    let status = spec.effective_status();
    for e in edges {
        let Resolution::Spec(t) = &e.to else { continue };
        let (Some(tlayer), tid) = (t.spec.layer, t.spec.id().unwrap_or("the target")) else { continue };
        if let Some(why) = forbidden(spec, layer, e) {
            out.push(
                Finding::new(code::REF_FORBIDDEN_DIRECTION, e.link.range.clone(), why)
                    .with_related(id_related(t, &format!("{tid} ({tlayer})"))),
            );
            continue;
        }
        if t.spec.path == spec.path || !e.in_references {
            continue;
        }
        if status != Some(Status::Deprecated) && t.spec.effective_status() == Some(Status::Deprecated) {
            out.push(
                Finding::new(
                    code::REF_DEPRECATED_TARGET,
                    e.link.range.clone(),
                    format!("{tid} is deprecated; an active spec should not build on it"),
                )
                .with_related(status_related(t, &format!("{tid} is deprecated here"))),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::fixture;

    #[test]
    fn who_may_reference_whom() {
        fixture::check_families(
            &["ref", "lifecycle"],
            r#"
//- specs/business/uc1-capture.md
---
id: BUS-CAPTURE
status: deployed
created: 2025-01-01
deployed: 2025-03-01T00:00:00Z
---
# UC1-CAPTURE: Capture

## References
- [FUN-CAPTURE](../functional/capture.md)
  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error ref/forbidden-direction: Business specs reference nothing
//- specs/business/uc0-old.md
---
id: BUS-OLD
status: deprecated
created: 2024-01-01
---
# UC0-OLD: Retired
//- specs/functional/capture.md
---
id: FUN-CAPTURE
status: implemented
created: 2025-01-01
implemented: 2025-02-01T00:00:00Z
---
# FUN-CAPTURE: Capture

## References

### Foundation Reference
- [FUN-BASE](base.md) — the base

### Implements
- [BUS-CAPTURE](../business/uc1-capture.md)
- [BUS-OLD](../business/uc0-old.md)
  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning ref/deprecated-target: BUS-OLD is deprecated; an active spec should not build on it
- [FUN-BASE](base.md) — same layer, outside Foundation Reference
  ^^^^^^^^^^^^^^^^^^^ error ref/forbidden-direction: same-layer reference to FUN-BASE outside `### Foundation Reference`
- [STK-APP](../stack/app.md) — downstream
  ^^^^^^^^^^^^^^^^^^^^^^^^^^ error ref/forbidden-direction: Functional spec references STK-APP, a Stack spec downstream of it

## Scope
- [STK-APP](../stack/app.md) — outside References: not a reference, but still downstream
  ^^^^^^^^^^^^^^^^^^^^^^^^^^ warning ref/downstream-mention: Functional spec links to STK-APP, a Stack spec downstream of it: the model runs upstream, so the Stack spec says what it builds on, not this one
- Once saved, STK-APP-001 builds it (a downstream ID in prose).
              ^^^^^^^^^^^ warning ref/downstream-mention: Functional spec names STK-APP-001, a Stack criterion downstream of it: the model runs upstream, so the Stack spec says what it builds on, not this one

### Excluded
- Storage: see [STK-APP](../stack/app.md), which decides it.
//- specs/functional/base.md
---
id: FUN-BASE
status: draft
created: 2025-01-01
---
# FUN-BASE: Base

## References
- [BUS-CAPTURE](../business/uc1-capture.md)
//- specs/stack/app.md
---
id: STK-APP
status: implemented
created: 2025-01-01
implemented: 2025-02-01T00:00:00Z
---
# STK-APP: App

## Acceptance Criteria
- [x] STK-APP-001: It builds

## References
- [FUN-BASE](../functional/base.md) — a draft upstream
  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning lifecycle/ahead-of-upstream: this spec is `implemented` but FUN-BASE, which it builds on, is `draft`
- [FUN-CAPTURE](../functional/capture.md)
"#,
        );
    }
}
