//! smaqit-deploy: the Deploy flow and the trusted executor.
//!
//! The flow (`prepare`, `session`, `writeback`, `report`) runs in the
//! caller (the CLI or the language server): it plans, consolidates, hands
//! the environment's *names* to the executor and writes statuses and the
//! report back. The executor (`executor`) is a process of its own
//! (`smaqit-ls exec`): the only code that ever holds a resolved value. The
//! two speak the JSON lines of `protocol`.

pub mod flow;
pub mod lock;
pub mod protocol;
pub mod report;
pub mod session;
pub mod signals;

pub mod executor;
