//! Code lenses above a spec's title.

use std::ops::Range;

use crate::model::{Layer, Spec, Status};
use crate::workspace::Workspace;

/// A code lens above a spec's title.
#[derive(Clone, Debug, PartialEq)]
pub struct Lens {
    pub range: Range<usize>,
    pub title: String,
    /// What clicking it does; the shells map it to their command.
    pub action: LensAction,
}

#[derive(Clone, Debug, PartialEq)]
pub enum LensAction {
    /// Nothing: the lens informs.
    None,
    /// Deploy the named environment.
    Deploy { environment: String },
}

/// References and criteria above the title; "Deploy to <env>" on pending
/// Infrastructure specs.
pub fn lenses(ws: &Workspace, spec: &Spec, environments: &[String]) -> Vec<Lens> {
    let Some(title) = spec.doc.title() else { return Vec::new() };
    let mut out = Vec::new();
    let refs = spec
        .id()
        .map_or(0, |id| ws.referrers(spec.root.as_deref(), id).into_iter().filter(|p| *p != spec.path).count());
    let (done, total) = spec.criteria_counts();
    out.push(Lens {
        range: title.range.clone(),
        title: format!("{refs} reference(s) · criteria {done}/{total} satisfied"),
        action: LensAction::None,
    });
    let pending = matches!(spec.effective_status(), Some(Status::Draft | Status::Failed));
    if spec.layer == Some(Layer::Infrastructure) && pending {
        for env in environments {
            out.push(Lens {
                range: title.range.clone(),
                title: format!("▶ Deploy to {env}"),
                action: LensAction::Deploy { environment: env.clone() },
            });
        }
    }
    out
}
