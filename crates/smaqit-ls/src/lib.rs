//! smaqit-ls: the shells around the engine. `lsp` serves the Language
//! Server Protocol; `cli` is the command line (`check`, `plan`, `deploy`,
//! and the executor's `exec` entry). Both translate and schedule; the rules
//! live in `smaqit-core` and `smaqit-deploy`. See ARCHITECTURE.md.

pub mod cli;
pub mod lsp;
