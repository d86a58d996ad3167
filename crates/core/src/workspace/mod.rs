//! The workspace index: every spec of every project root, open or not, by
//! path and by ID, with the criterion definitions the checks need; plus
//! walking folders (gitignore-aware) to fill it.

mod dependents;
pub mod facts;
mod filter;
mod index;
mod walk;

pub use facts::{Pin, StackPin};
pub use filter::FileFilter;
pub use index::{ALLOWLIST, FileEntry, IacEntry, Policy, Workspace, coverage_duty, is_indexed_path};
pub use walk::{WalkError, WalkOptions, WalkedFile, read_limited, walk};

/// Files larger than this are not indexed (a diagnostic says so).
pub const DEFAULT_MAX_FILE_SIZE: u64 = 2 * 1024 * 1024;
