//! smaqit-core: the engine of smaqit-ls. It reads smaqit projects (spec
//! Markdown with YAML frontmatter, IaC and config files), indexes them and
//! computes findings, edits and navigation answers as pure functions of the
//! text, in byte offsets. It knows nothing of LSP, of async runtimes or of
//! the executor; the shells (`smaqit-ls`'s `lsp` and `cli`, `smaqit-deploy`)
//! translate and schedule around it. See ARCHITECTURE.md for the map.
//!
//! Modules are layered; each may use only those above it in this list
//! (checked by the tidy test):
//! `text`, `paths` → `ids` → `parse` → `model` → `project` → `workspace` →
//! `checks` → `actions` → `navigation`.

pub mod paths;
pub mod text;

pub mod ids;
pub mod parse;

pub mod model;
pub mod project;

pub mod workspace;

pub mod checks;

pub mod actions;

pub mod navigation;
