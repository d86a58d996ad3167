//! A smaqit project on disk: where its root is (the nearest folder holding
//! `.smaqit/`), its environments file, and `plan` — which specs a phase
//! still has to process, as the smaqit CLI computes it.

pub mod config;
pub mod environments;
pub mod plan;
pub mod references;
mod root;

pub use root::{find_root, is_spec_file};
