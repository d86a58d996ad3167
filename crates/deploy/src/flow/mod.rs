//! The deploy flow around the executor, shared by every entry point:
//! `prepare` (what to deploy, and the refusal while conflicts stand),
//! `run` (the executor process, and what it leaves behind if it dies), and
//! `writeback` (what a finished deploy does to each spec).

mod prepare;
mod run;
mod writeback;

pub use prepare::{Prepared, QuotedPlan, Realised, Refusal, Upstream, prepare, realised};
pub use run::{executor_argv, run_executor};
pub use writeback::{Role, unverified, write_file, writeback};
