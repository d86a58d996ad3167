//! Document symbols (headings as a tree, criteria under theirs) and
//! workspace symbols (spec and criterion IDs).

use std::ops::Range;
use std::path::PathBuf;

use super::definitions::id_value_range;
use crate::model::Spec;
use crate::parse::CriterionState;
use crate::workspace::Workspace;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SymbolKind {
    Heading,
    Criterion,
    Spec,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocSymbol {
    pub name: String,
    pub detail: Option<String>,
    pub kind: SymbolKind,
    /// The whole extent (a heading covers its section).
    pub range: Range<usize>,
    pub selection: Range<usize>,
    pub children: Vec<DocSymbol>,
}

/// Headings as a tree (each covering its section), criteria under theirs.
pub fn document_symbols(spec: &Spec) -> Vec<DocSymbol> {
    let headings: Vec<_> = spec.doc.headings().collect();
    let end = spec.doc.len;
    let mut flat: Vec<(u8, DocSymbol)> = Vec::new();
    for (i, h) in headings.iter().enumerate() {
        // A heading's extent runs to the next heading of the same or a higher level.
        let stop = headings[i + 1..].iter().find(|n| n.level <= h.level).map_or(end, |n| n.range.start);
        flat.push((
            h.level,
            DocSymbol {
                name: h.text.clone(),
                detail: None,
                kind: SymbolKind::Heading,
                range: h.range.start..stop,
                selection: h.range.clone(),
                children: Vec::new(),
            },
        ));
    }
    for c in spec.criteria() {
        let state = match c.state {
            CriterionState::Open => "[ ]",
            CriterionState::Satisfied => "[x]",
            CriterionState::Failed => "[!]",
        };
        flat.push((
            7,
            DocSymbol {
                name: c.id.clone(),
                detail: Some(format!("{state} {}", c.text)),
                kind: SymbolKind::Criterion,
                range: c.range.clone(),
                selection: c.id_range.clone(),
                children: Vec::new(),
            },
        ));
    }
    flat.sort_by_key(|(_, s)| s.range.start);
    nest(flat)
}

/// Builds the tree from symbols sorted by start, each nesting inside the
/// nearest open symbol of a lower level that contains it.
fn nest(flat: Vec<(u8, DocSymbol)>) -> Vec<DocSymbol> {
    let mut stack: Vec<(u8, DocSymbol)> = Vec::new();
    let mut roots = Vec::new();
    let close = |stack: &mut Vec<(u8, DocSymbol)>, roots: &mut Vec<DocSymbol>| {
        if let Some((_, done)) = stack.pop() {
            match stack.last_mut() {
                Some((_, parent)) => parent.children.push(done),
                None => roots.push(done),
            }
        }
    };
    for (level, sym) in flat {
        while stack.last().is_some_and(|(l, s)| *l >= level || s.range.end <= sym.range.start) {
            close(&mut stack, &mut roots);
        }
        stack.push((level, sym));
    }
    while !stack.is_empty() {
        close(&mut stack, &mut roots);
    }
    roots
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WsSymbol {
    pub name: String,
    pub detail: String,
    pub kind: SymbolKind,
    pub path: PathBuf,
    pub range: Range<usize>,
}

/// Spec and criterion IDs whose name contains `query` (case-insensitive).
pub fn workspace_symbols(ws: &Workspace, query: &str, limit: usize) -> Vec<WsSymbol> {
    let q = query.to_ascii_uppercase();
    let mut out = Vec::new();
    for e in ws.specs() {
        if let Some(id) = e.spec.id().filter(|id| id.contains(&q)) {
            out.push(WsSymbol {
                name: id.to_owned(),
                detail: e.spec.title().unwrap_or_default(),
                kind: SymbolKind::Spec,
                path: e.spec.path.clone(),
                range: id_value_range(&e.spec).unwrap_or(0..0),
            });
        }
        for c in e.spec.criteria().filter(|c| c.id.contains(&q)) {
            out.push(WsSymbol {
                name: c.id,
                detail: c.text,
                kind: SymbolKind::Criterion,
                path: e.spec.path.clone(),
                range: c.id_range,
            });
        }
        if out.len() >= limit {
            break;
        }
    }
    out.truncate(limit);
    out
}
