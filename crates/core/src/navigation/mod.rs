//! Navigation and editing help over the reference graph: what the cursor is
//! on, definitions, references, hover text, symbols, completion, renames,
//! link updates for moved files, code lenses. Pure functions of the index;
//! byte offsets in, byte offsets out. One file per feature.

mod completion;
mod definitions;
mod hover;
mod lenses;
mod rename;
mod symbols;
mod target;

pub use completion::{Completion, CompletionKind, completions};
pub use definitions::{definitions, references};
pub use hover::hover;
pub use lenses::{Lens, LensAction, lenses};
pub use rename::{file_moves, rename};
pub use symbols::{DocSymbol, SymbolKind, WsSymbol, document_symbols, workspace_symbols};
pub use target::{Target, target_at};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Spec;
    use crate::parse::parse;
    use crate::workspace::Workspace;
    use std::path::PathBuf;
    use std::sync::Arc;

    /// A project on disk (IDs belong to the project holding `.smaqit/`).
    fn project() -> (Workspace, PathBuf) {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let p = std::env::temp_dir().join(format!("smaqit-nav-{}-{n}", std::process::id()));
        std::fs::create_dir_all(p.join(".smaqit")).unwrap();
        let ws = Workspace::new();
        let a = "---\nid: FUN-A\nstatus: deployed\ncreated: 2025-01-01\n---\n# A title\n## References\n- [BUS-B](../business/b.md)\n## Acceptance Criteria\n- [x] FUN-A-001: one\n";
        let b = "---\nid: BUS-B\nstatus: draft\ncreated: 2025-01-01\n---\n# B\nSee FUN-A-001 and FUN-A.\n";
        ws.upsert_text(p.join("specs/functional/a.md"), Arc::from(a));
        ws.upsert_text(p.join("specs/business/b.md"), Arc::from(b));
        (ws, p)
    }

    #[test]
    fn definition_references_rename() {
        let (ws, root) = project();
        let p = Some(root.as_path());
        assert_eq!(definitions(&ws, p, "FUN-A-001")[0].0, root.join("specs/functional/a.md"));
        let refs = references(&ws, p, "FUN-A", true);
        assert_eq!(refs.len(), 2);
        let edits = rename(&ws, p, "FUN-A", "FUN-AA").unwrap();
        let all: Vec<_> = edits.iter().flat_map(|(_, e)| e.iter().map(|e| e.new_text.as_str())).collect();
        assert_eq!(all.iter().filter(|t| **t == "FUN-AA").count(), 2);
        assert_eq!(all.iter().filter(|t| **t == "FUN-AA-001").count(), 2);
        assert!(rename(&ws, p, "FUN-A", "BUS-B").is_err());
        assert!(hover(&ws, p, "FUN-A").unwrap().contains("Criteria: 1/1"));
        let spec = ws.get(&root.join("specs/functional/a.md")).unwrap();
        let up = crate::actions::upstream_to(&ws, &spec.spec, "2026-01-01T00:00:00Z");
        assert_eq!(up.len(), 1, "BUS-B is behind FUN-A");
        // Another project in the same workspace reusing the IDs is another
        // namespace: one definition each, no duplicates.
        let (other, other_root) = project();
        for e in other.specs() {
            ws.upsert_text(e.spec.path.clone(), Arc::from(e.text.as_str().as_ref()));
        }
        assert_eq!(definitions(&ws, Some(other_root.as_path()), "FUN-A-001").len(), 1);
        assert_eq!(definitions(&ws, p, "FUN-A-001").len(), 1);
        assert_eq!(references(&ws, p, "FUN-A", false).len(), 1);
        assert!(definitions(&ws, None, "FUN-A-001").is_empty(), "a file outside any project sees no IDs");
        std::fs::remove_dir_all(&root).unwrap();
        std::fs::remove_dir_all(&other_root).unwrap();
    }

    #[test]
    fn symbols_nest_and_moves_relink() {
        let (ws, root) = project();
        let spec = Spec::new(
            "/p/specs/functional/a.md".into(),
            None,
            parse("# T\n## References\n### Implements\n## Acceptance Criteria\n- [ ] FUN-A-002: x\n"),
        );
        let syms = document_symbols(&spec);
        assert_eq!(syms.len(), 1);
        assert_eq!(syms[0].children.len(), 2);
        assert_eq!(syms[0].children[1].children[0].name, "FUN-A-002");
        let moves = file_moves(&ws, &[(root.join("specs/business/b.md"), root.join("specs/business/renamed.md"))]);
        assert_eq!(moves[0].1[0].new_text, "../business/renamed.md");
        std::fs::remove_dir_all(&root).unwrap();
    }
}
