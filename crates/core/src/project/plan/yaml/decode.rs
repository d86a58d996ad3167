//! yaml.v3's `decoder`, into the CLI's struct: scalars into strings and
//! times, type errors, duplicate keys, aliases and merge keys.

use std::collections::HashSet;

use super::resolve::{Resolved, resolve, short_tag};
use super::{Kind, Node};
use crate::project::plan::gotime;

#[derive(Default)]
pub(super) struct Out {
    pub(super) id: Vec<u8>,
    pub(super) status: Vec<u8>,
}

/// Where a node is decoded: the struct, one of its string fields, one of
/// its time fields, or a throwaway (a key, a merge key).
pub(super) enum Target<'a> {
    Spec(&'a mut Out),
    Str(&'a mut Vec<u8>),
    Time,
}

impl Target<'_> {
    fn go_type(&self) -> &'static str {
        match self {
            Target::Spec(_) => "main.SpecFrontmatter",
            Target::Str(_) => "string",
            Target::Time => "time.Time",
        }
    }
}

/// A failure that stops decoding at once (yaml.v3 panics and recovers).
pub(super) struct Abort(pub(super) Vec<u8>);

impl From<String> for Abort {
    fn from(s: String) -> Self {
        Abort(s.into_bytes())
    }
}

/// A key as a Go `interface{}` value, for merge bookkeeping.
#[derive(Clone, PartialEq, Eq, Hash)]
enum Key {
    Str(String),
    Other(String, String),
}

pub(super) struct Decoder<'a> {
    nodes: &'a [Node],
    pub(super) terrors: Vec<Vec<u8>>,
    /// Aliases being expanded (one inside itself is an error).
    aliases: HashSet<usize>,
    /// decodeCount, aliasCount, aliasDepth.
    counts: (u64, u64, u64),
    merged: Option<HashSet<Key>>,
}

const FIELDS: [&str; 6] = ["id", "status", "created", "implemented", "deployed", "validated"];

impl<'a> Decoder<'a> {
    pub(super) fn new(nodes: &'a [Node]) -> Decoder<'a> {
        Decoder { nodes, terrors: Vec::new(), aliases: HashSet::new(), counts: (0, 0, 0), merged: None }
    }

    pub(super) fn unmarshal(&mut self, n: usize, out: &mut Target) -> Result<bool, Abort> {
        let (count, aliased, depth) = &mut self.counts;
        *count += 1;
        if *depth > 0 {
            *aliased += 1;
        }
        if *aliased > 100 && *count > 1000 && (*aliased as f64) / (*count as f64) > allowed_alias_ratio(*count) {
            return Err("yaml: document contains excessive aliasing".to_owned().into());
        }
        let node = &self.nodes[n];
        match node.kind {
            Kind::Document => {
                if node.content.len() == 1 {
                    self.unmarshal(node.content[0], out)?;
                    return Ok(true);
                }
                Ok(false)
            }
            Kind::Alias => {
                if !self.aliases.insert(n) {
                    return Err(format!("yaml: anchor '{}' value contains itself", node.value).into());
                }
                self.counts.2 += 1;
                let good = self.unmarshal(node.alias.expect("resolved when composed"), out);
                self.counts.2 -= 1;
                self.aliases.remove(&n);
                good
            }
            Kind::Scalar => self.scalar(n, out),
            Kind::Mapping => self.mapping(n, out),
            Kind::Sequence => {
                self.terror(n, "!!seq", out);
                Ok(false)
            }
        }
    }

    fn terror(&mut self, n: usize, tag: &str, out: &Target) {
        let node = &self.nodes[n];
        let tag = if node.tag.is_empty() { tag } else { node.tag.as_str() };
        let mut msg = format!("line {}: cannot unmarshal {tag}", node.line).into_bytes();
        if tag != "!!seq" && tag != "!!map" {
            let v = node.value.as_bytes();
            msg.extend_from_slice(b" `");
            // Go cuts bytes, even inside a character.
            if v.len() > 10 {
                msg.extend_from_slice(&v[..7]);
                msg.extend_from_slice(b"...");
            } else {
                msg.extend_from_slice(v);
            }
            msg.push(b'`');
        }
        msg.extend_from_slice(format!(" into {}", out.go_type()).as_bytes());
        self.terrors.push(msg);
    }

    fn scalar(&mut self, n: usize, out: &mut Target) -> Result<bool, Abort> {
        let node = &self.nodes[n];
        let indicated = short_tag(&node.tag) == "!!str" || ((node.tag.is_empty() || node.tag == "!") && node.styled);
        let (tag, resolved) = if indicated {
            ("!!str".to_owned(), Resolved::Str(node.value.clone()))
        } else {
            resolve(&node.tag, &node.value)?
        };
        let binary = tag == "!!binary";
        let text: Vec<u8> = if binary {
            let Resolved::Str(s) = &resolved else { unreachable!("binary resolves to its text") };
            go_base64(s).ok_or_else(|| Abort(b"yaml: !!binary value contains invalid base64 data".to_vec()))?
        } else {
            node.value.clone().into_bytes()
        };
        if resolved == Resolved::Null {
            return Ok(false);
        }
        match out {
            Target::Str(s) => {
                **s = text;
                Ok(true)
            }
            Target::Time => {
                if resolved != Resolved::Timestamp {
                    gotime::unmarshal_text(&text).map_err(|e| Abort(e.into_bytes()))?;
                }
                Ok(true)
            }
            Target::Spec(_) => {
                self.terror(n, &tag, out);
                Ok(false)
            }
        }
    }

    fn mapping(&mut self, n: usize, out: &mut Target) -> Result<bool, Abort> {
        let content = &self.nodes[n].content;
        let before = self.terrors.len();
        for (i, &ki) in content.iter().enumerate().step_by(2) {
            for &kj in content.iter().skip(i + 2).step_by(2) {
                let (a, b) = (&self.nodes[ki], &self.nodes[kj]);
                if a.kind == b.kind && a.value == b.value {
                    let msg = format!(
                        "line {}: mapping key {} already defined at line {}",
                        b.line,
                        go_quote(&b.value),
                        a.line
                    );
                    self.terrors.push(msg.into_bytes());
                }
            }
        }
        if self.terrors.len() > before {
            return Ok(false);
        }
        match out {
            Target::Str(_) => {
                self.terror(n, "!!map", out);
                Ok(false)
            }
            Target::Spec(_) | Target::Time => self.mapping_struct(n, out),
        }
    }

    fn mapping_struct(&mut self, n: usize, out: &mut Target) -> Result<bool, Abort> {
        let merged = self.merged.take();
        let mut merged = merged;
        let mut done = [false; FIELDS.len()];
        let mut merge_node = None;
        let mut name: Vec<u8> = Vec::new();
        let content = self.nodes[n].content.clone();
        for pair in content.chunks(2) {
            let (ki, vi) = (pair[0], pair[1]);
            if self.is_merge(ki) {
                merge_node = Some(vi);
                continue;
            }
            if !self.unmarshal(ki, &mut Target::Str(&mut name))? {
                continue;
            }
            let sname = String::from_utf8_lossy(&name).into_owned();
            if let Some(m) = merged.as_mut()
                && !m.insert(Key::Str(sname.clone()))
            {
                continue;
            }
            // time.Time has no fields yaml.v3 can set.
            let Target::Spec(spec) = out else { continue };
            let Some(field) = FIELDS.iter().position(|f| *f == sname) else { continue };
            if done[field] {
                let msg =
                    format!("line {}: field {sname} already set in type main.SpecFrontmatter", self.nodes[ki].line);
                self.terrors.push(msg.into_bytes());
                continue;
            }
            done[field] = true;
            match field {
                0 => self.unmarshal(vi, &mut Target::Str(&mut spec.id))?,
                1 => self.unmarshal(vi, &mut Target::Str(&mut spec.status))?,
                _ => self.unmarshal(vi, &mut Target::Time)?,
            };
        }
        self.merged = merged;
        if let Some(m) = merge_node {
            self.merge(n, m, out)?;
        }
        Ok(true)
    }

    fn is_merge(&self, n: usize) -> bool {
        let node = &self.nodes[n];
        node.kind == Kind::Scalar
            && node.value == "<<"
            && (node.tag.is_empty() || node.tag == "!" || short_tag(&node.tag) == "!!merge")
    }

    fn merge(&mut self, parent: usize, merge: usize, out: &mut Target) -> Result<(), Abort> {
        let saved = self.merged.clone();
        if self.merged.is_none() {
            let mut keys = HashSet::new();
            for &k in self.nodes[parent].content.iter().step_by(2) {
                if let Some(key) = self.key_value(k)? {
                    keys.insert(key);
                }
            }
            self.merged = Some(keys);
        }
        let want_map = || Abort(b"yaml: map merge requires map or sequence of maps as the value".to_vec());
        let node = &self.nodes[merge];
        match node.kind {
            Kind::Mapping => {
                self.unmarshal(merge, out)?;
            }
            Kind::Alias => {
                if node.alias.is_some_and(|a| self.nodes[a].kind != Kind::Mapping) {
                    return Err(want_map());
                }
                self.unmarshal(merge, out)?;
            }
            Kind::Sequence => {
                for &item in &node.content.clone() {
                    let i = &self.nodes[item];
                    let ok = match i.kind {
                        Kind::Alias => i.alias.is_none_or(|a| self.nodes[a].kind == Kind::Mapping),
                        k => k == Kind::Mapping,
                    };
                    if !ok {
                        return Err(want_map());
                    }
                    self.unmarshal(item, out)?;
                }
            }
            _ => return Err(want_map()),
        }
        self.merged = saved;
        Ok(())
    }

    /// A key decoded into `interface{}` (its resolved value), as merge
    /// bookkeeping needs it.
    fn key_value(&mut self, n: usize) -> Result<Option<Key>, Abort> {
        self.counts.0 += 1;
        let node = &self.nodes[n];
        match node.kind {
            Kind::Alias => {
                let target = node.alias.expect("resolved when composed");
                if !self.aliases.insert(n) {
                    return Err(format!("yaml: anchor '{}' value contains itself", node.value).into());
                }
                let v = self.key_value(target);
                self.aliases.remove(&n);
                v
            }
            Kind::Scalar => {
                let indicated =
                    short_tag(&node.tag) == "!!str" || ((node.tag.is_empty() || node.tag == "!") && node.styled);
                if indicated {
                    return Ok(Some(Key::Str(node.value.clone())));
                }
                let (tag, r) = resolve(&node.tag, &node.value)?;
                Ok(Some(match r {
                    Resolved::Str(s) => Key::Str(s),
                    _ => Key::Other(tag, node.value.clone()),
                }))
            }
            _ => Ok(Some(Key::Other("!!map".into(), n.to_string()))),
        }
    }
}

fn allowed_alias_ratio(count: u64) -> f64 {
    const LOW: u64 = 400_000;
    const HIGH: u64 = 4_000_000;
    match count {
        c if c <= LOW => 0.99,
        c if c >= HIGH => 0.10,
        c => 0.99 - 0.89 * ((c - LOW) as f64 / (HIGH - LOW) as f64),
    }
}

/// Go's `base64.StdEncoding.DecodeString`: padded, CR and LF ignored.
fn go_base64(s: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    const GO_STD: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new()
            .with_decode_allow_trailing_bits(true)
            .with_decode_padding_mode(DecodePaddingMode::RequireCanonical),
    );
    let clean: String = s.chars().filter(|c| !matches!(c, '\r' | '\n')).collect();
    GO_STD.decode(clean).ok()
}

/// Go's `%#v` of a string (`strconv.Quote`): printable characters kept,
/// the rest escaped.
fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\x07' => out.push_str("\\a"),
            '\x08' => out.push_str("\\b"),
            '\x0c' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\x0b' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\x7f' => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if !go_is_print(c) => {
                if (c as u32) < 0x10000 {
                    out.push_str(&format!("\\u{:04x}", c as u32));
                } else {
                    out.push_str(&format!("\\U{:08x}", c as u32));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// An approximation of Go's `unicode.IsPrint` good for keys: letters,
/// marks, numbers, punctuation, symbols and U+0020 print; other spaces,
/// controls, format and unassigned characters do not.
fn go_is_print(c: char) -> bool {
    c == ' '
        || !(c.is_control()
            || c.is_whitespace()
            || matches!(c as u32, 0xAD | 0x200B..=0x200F | 0x2028..=0x202E | 0x2060..=0x206F | 0xFEFF | 0xFFF9..=0xFFFB))
}
