//! Who may reference whom (spec-format §2): `ref/forbidden-direction` for a
//! reference out of Business, downstream, or sideways outside `### Foundation
//! Reference`; `ref/deprecated-target` for an active spec building on a
//! deprecated one. Only links under `## References` are references.

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
- [STK-APP](../stack/app.md) — outside References: not a reference
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

## References
- [FUN-BASE](../functional/base.md) — a draft upstream
  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning lifecycle/ahead-of-upstream: this spec is `implemented` but FUN-BASE, which it builds on, is `draft`
- [FUN-CAPTURE](../functional/capture.md)
"#,
        );
    }
}
