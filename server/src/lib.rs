//! smaqit-ls: a language server, checker and trusted deploy executor for
//! smaqit spec-first projects. See ARCHITECTURE.md for the map.
//!
//! The core (`text`, `parse`, `model`, `workspace`, `checks`, `actions`)
//! knows nothing of LSP and speaks byte offsets; `lsp` and `cli` are thin
//! shells around it.

pub mod actions;
pub mod checks;
pub mod cli;
pub mod deploy;
pub mod exec;
pub mod lsp;
pub mod model;
pub mod navigation;
pub mod parse;
pub mod text;
pub mod workspace;
