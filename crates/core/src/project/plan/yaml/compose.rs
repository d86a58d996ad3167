//! yaml.v3's `parser`: a node tree from libyaml's events, each node with
//! its short tag (plain scalars resolved), value, style and line.

use std::collections::HashMap;

use super::resolve::{resolve_tag, short_tag};
use super::{Kind, Node};
use crate::project::plan::events::{self, Event, Events, Marked, Style, Token, Tokens};

struct Composer<'a> {
    events: Events<'a>,
    peeked: Option<Marked>,
    anchors: HashMap<String, usize>,
    /// The scanner's own run, for the first error it meets.
    tokens: Tokens,
}

/// yaml.v3's `p.fail()`: the context's line when there is one, else the
/// problem's; one more for scanner errors (it has not moved on yet).
fn fail(e: &events::Error) -> String {
    let line = match (e.context_line, e.problem_line) {
        (0, 0) => 0,
        (0, p) => p + u64::from(e.scanner),
        (c, _) => c + u64::from(e.scanner),
    };
    let problem = match e.problem.as_str() {
        "" => "unknown problem parsing YAML content",
        // yaml.v3's own spelling.
        "did not find expected hexadecimal number" => "did not find expected hexdecimal number",
        p => p,
    };
    if line != 0 { format!("yaml: line {line}: {problem}") } else { format!("yaml: {problem}") }
}

impl Composer<'_> {
    /// yaml.v3's scanner keeps two tokens more in hand than libyaml's (for
    /// its comments), so a scanner error up to two tokens past where the
    /// parser looks reaches the user first: before a parse error, an
    /// unknown alias or the end of the document there.
    fn ahead(&self, index: u64, alias: bool) -> Option<String> {
        let error = self.tokens.error.as_ref()?;
        let scanned = self.tokens.starts.len();
        // The token the parser looks at: the alias itself, else the first
        // after the stream's start that is not a block's end.
        let at = self.tokens.starts.iter().enumerate().skip(1).position(|(_, &(start, kind))| {
            if alias { start == index && kind == Token::Alias } else { start >= index && kind != Token::BlockEnd }
        })? + 1;
        (at + 2 >= scanned).then(|| fail(error))
    }

    fn peek(&mut self) -> Result<&Event, String> {
        if self.peeked.is_none() {
            let next = match self.events.next() {
                Ok(m) => m,
                Err(e) if e.scanner => return Err(fail(&e)),
                Err(e) => return Err(self.ahead(e.problem_index, false).unwrap_or_else(|| fail(&e))),
            };
            let alias = matches!(next.event, Event::Alias { .. });
            if (alias || matches!(next.event, Event::DocumentEnd))
                && let Some(e) = self.ahead(next.index, alias)
            {
                return Err(e);
            }
            self.peeked = Some(next);
        }
        Ok(&self.peeked.as_ref().expect("just set").event)
    }

    fn next(&mut self) -> Result<Marked, String> {
        self.peek()?;
        Ok(self.peeked.take().expect("peeked"))
    }

    /// yaml.v3's `p.node`: a node of the event just peeked.
    fn node(
        &mut self,
        nodes: &mut Vec<Node>,
        kind: Kind,
        default_tag: &str,
        tag: Option<&str>,
        value: String,
    ) -> usize {
        let line = self.peeked.as_ref().map_or(0, |e| e.line) + 1;
        let tag = match tag {
            Some(t) if !t.is_empty() && t != "!" => short_tag(t),
            _ if !default_tag.is_empty() => default_tag.to_owned(),
            _ if kind == Kind::Scalar => resolve_tag(&value),
            _ => String::new(),
        };
        nodes.push(Node { kind, tag, value, styled: false, line, content: Vec::new(), alias: None });
        nodes.len() - 1
    }

    fn parse(&mut self, nodes: &mut Vec<Node>) -> Result<Option<usize>, String> {
        let n = match self.peek()? {
            Event::Scalar { anchor, tag, value, style } => {
                let (anchor, tag, value, style) = (anchor.clone(), tag.clone(), value.clone(), *style);
                let styled = style != Style::Plain;
                let default = if styled {
                    "!!str"
                } else if value == "<<" {
                    "!!merge"
                } else {
                    ""
                };
                let n = self.node(nodes, Kind::Scalar, default, tag.as_deref(), value);
                nodes[n].styled = styled;
                if let Some(a) = anchor {
                    self.anchors.insert(a, n);
                }
                self.next()?;
                n
            }
            Event::Alias { anchor } => {
                let anchor = anchor.clone();
                let n = self.node(nodes, Kind::Alias, "", None, anchor.clone());
                let Some(&target) = self.anchors.get(&anchor) else {
                    return Err(format!("yaml: unknown anchor '{anchor}' referenced"));
                };
                nodes[n].alias = Some(target);
                self.next()?;
                n
            }
            e @ (Event::SequenceStart { anchor, tag } | Event::MappingStart { anchor, tag }) => {
                let mapping = matches!(e, Event::MappingStart { .. });
                let (anchor, tag) = (anchor.clone(), tag.clone());
                let (kind, default) = if mapping { (Kind::Mapping, "!!map") } else { (Kind::Sequence, "!!seq") };
                let n = self.node(nodes, kind, default, tag.as_deref(), String::new());
                if let Some(a) = anchor {
                    self.anchors.insert(a, n);
                }
                self.next()?;
                while !matches!(self.peek()?, Event::SequenceEnd | Event::MappingEnd) {
                    let child = self.parse(nodes)?.ok_or_else(unexpected_end)?;
                    nodes[n].content.push(child);
                }
                self.next()?;
                n
            }
            Event::DocumentStart => {
                let n = self.node(nodes, Kind::Document, "", None, String::new());
                self.next()?;
                let child = self.parse(nodes)?.ok_or_else(unexpected_end)?;
                nodes[n].content.push(child);
                if !matches!(self.next()?.event, Event::DocumentEnd) {
                    return Err("yaml: expected DOCUMENT_END event".into());
                }
                n
            }
            Event::StreamStart => {
                self.next()?;
                return self.parse(nodes);
            }
            Event::StreamEnd => return Ok(None),
            _ => return Err("yaml: attempted to parse an unexpected event".into()),
        };
        Ok(Some(n))
    }
}

fn unexpected_end() -> String {
    "yaml: attempted to go past the end of stream; corrupted value?".into()
}

pub(super) fn compose(text: &[u8], nodes: &mut Vec<Node>) -> Result<Option<usize>, String> {
    let events = Events::new(text);
    let tokens = events::tokens(text);
    let mut c = Composer { events, peeked: None, anchors: HashMap::new(), tokens };
    c.parse(nodes)
}
