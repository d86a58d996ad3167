//! The smaqit spec model: layers, statuses, IDs, timestamps and [`Spec`].

mod coverage;
mod layer;
mod spec;
mod status;
pub mod timestamp;

pub use layer::Layer;
pub use spec::{Spec, is_spec_path, layer_of_path};
pub use status::Status;
