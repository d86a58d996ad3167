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
    use std::path::{Path, PathBuf};
    use std::sync::Arc;

    fn ws() -> Workspace {
        let ws = Workspace::new();
        let a = "---\nid: FUN-A\nstatus: deployed\ncreated: 2025-01-01\n---\n# A title\n## References\n- [BUS-B](../business/b.md)\n## Acceptance Criteria\n- [x] FUN-A-001: one\n";
        let b = "---\nid: BUS-B\nstatus: draft\ncreated: 2025-01-01\n---\n# B\nSee FUN-A-001 and FUN-A.\n";
        ws.upsert_text("/p/specs/functional/a.md".into(), Arc::from(a));
        ws.upsert_text("/p/specs/business/b.md".into(), Arc::from(b));
        ws
    }

    #[test]
    fn definition_references_rename() {
        let ws = ws();
        assert_eq!(definitions(&ws, "FUN-A-001")[0].0, PathBuf::from("/p/specs/functional/a.md"));
        let refs = references(&ws, "FUN-A", true);
        assert_eq!(refs.len(), 2);
        let edits = rename(&ws, "FUN-A", "FUN-AA").unwrap();
        let all: Vec<_> = edits.iter().flat_map(|(_, e)| e.iter().map(|e| e.new_text.as_str())).collect();
        assert_eq!(all.iter().filter(|t| **t == "FUN-AA").count(), 2);
        assert_eq!(all.iter().filter(|t| **t == "FUN-AA-001").count(), 2);
        assert!(rename(&ws, "FUN-A", "BUS-B").is_err());
        assert!(hover(&ws, "FUN-A").unwrap().contains("Criteria: 1/1"));
        let spec = ws.get(Path::new("/p/specs/functional/a.md")).unwrap();
        let up = crate::actions::upstream_to(&ws, &spec.spec, "2026-01-01T00:00:00Z");
        assert_eq!(up.len(), 1, "BUS-B is behind FUN-A");
    }

    #[test]
    fn symbols_nest_and_moves_relink() {
        let ws = ws();
        let spec = Spec::new(
            "/p/specs/functional/a.md".into(),
            None,
            parse("# T\n## References\n### Implements\n## Acceptance Criteria\n- [ ] FUN-A-002: x\n"),
        );
        let syms = document_symbols(&spec);
        assert_eq!(syms.len(), 1);
        assert_eq!(syms[0].children.len(), 2);
        assert_eq!(syms[0].children[1].children[0].name, "FUN-A-002");
        let moves = file_moves(&ws, &[("/p/specs/business/b.md".into(), "/p/specs/business/renamed.md".into())]);
        assert_eq!(moves[0].1[0].new_text, "../business/renamed.md");
    }
}
