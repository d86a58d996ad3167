//! The lifecycle across layers (spec-format §5): `lifecycle/ahead-of-upstream`
//! for a spec that claims its work done while an upstream spec it references
//! is still a draft (or failed).

use super::links::{Edge, Resolution, status_related};
use super::{Finding, code, direction};
use crate::model::{Layer, Spec, Status};

pub(super) fn check(spec: &Spec, layer: Layer, edges: &[Edge], out: &mut Vec<Finding>) {
    let Some(status) = spec.effective_status().filter(|s| s.claims_done()) else { return };
    for e in edges {
        let Resolution::Spec(t) = &e.to else { continue };
        if t.spec.path == spec.path || !e.in_references || direction::forbidden(spec, layer, e).is_some() {
            continue;
        }
        if t.spec.layer.is_none_or(|tl| tl >= layer) {
            continue;
        }
        let tstatus = t.spec.effective_status();
        if !matches!(tstatus, Some(Status::Draft | Status::Failed)) {
            continue;
        }
        let (tid, ts) = (t.spec.id().unwrap_or("the target"), tstatus.unwrap_or(Status::Draft));
        out.push(
            Finding::new(
                code::LIFECYCLE_AHEAD_OF_UPSTREAM,
                e.link.range.clone(),
                format!("this spec is `{status}` but {tid}, which it builds on, is `{ts}`"),
            )
            .with_related(status_related(t, &format!("{tid} is {ts}"))),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::fixture;

    #[test]
    fn ahead_of_a_draft_or_failed_upstream() {
        fixture::check_families(
            &["lifecycle"],
            r#"
//- specs/business/uc1.md
---
id: BUS-ONE
status: failed
created: 2025-01-01
---
# UC1-ONE: One
//- specs/functional/one.md
---
id: FUN-ONE
status: deployed
created: 2025-01-01
deployed: 2025-03-01T00:00:00Z
---
# FUN-ONE: One

## References
- [BUS-ONE](../business/uc1.md) — failed upstream
  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning lifecycle/ahead-of-upstream: this spec is `deployed` but BUS-ONE, which it builds on, is `failed`
//- specs/functional/two.md
---
id: FUN-TWO
status: draft
created: 2025-01-01
---
# FUN-TWO: A draft may build on anything

## References
- [BUS-ONE](../business/uc1.md)
//- specs/infrastructure/site.md
---
id: INF-SITE
status: deployed
created: 2025-01-01
deployed: 2025-03-01T00:00:00Z
---
# INF-SITE: Site

## References

### Implements

#### Functional
- [FUN-TWO](../functional/two.md) — a draft upstream
  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning lifecycle/ahead-of-upstream: this spec is `deployed` but FUN-TWO, which it builds on, is `draft`
- [FUN-ONE](../functional/one.md) — deployed: fine
"#,
        );
    }
}
