//! The smaqit CLI decodes a spec's frontmatter with `gopkg.in/yaml.v3`
//! (v3.0.1) into a struct of `id`, `status` (strings) and `created`,
//! `implemented`, `deployed`, `validated` (`time.Time`), and quotes the
//! error in its warning. This is that decode, rule for rule: libyaml's
//! events (yaml.v3 is a Go port of the same C parser), yaml.v3's node
//! building, tag resolution, type errors, duplicate keys, aliases and
//! merge keys, and Go's time parsing. Values of other keys are never
//! decoded, as in yaml.v3; errors are bytes, as the CLI prints them.

mod compose;
mod decode;
mod resolve;

use compose::compose;
use decode::{Decoder, Out, Target};

/// What `plan` keeps of a spec's frontmatter.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Fields {
    pub id: Vec<u8>,
    pub status: Vec<u8>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Document,
    Sequence,
    Mapping,
    Scalar,
    Alias,
}

struct Node {
    kind: Kind,
    /// yaml.v3's `Node.Tag`: short (`!!str`), resolved for plain scalars.
    tag: String,
    value: String,
    /// Quoted, literal or folded (yaml.v3's styles that make a string).
    styled: bool,
    /// 1-based.
    line: u64,
    content: Vec<usize>,
    alias: Option<usize>,
}

/// `yaml.Unmarshal(text, &SpecFrontmatter{})`: the fields, or the error's text.
pub fn unmarshal(text: &[u8]) -> Result<Fields, Vec<u8>> {
    // yaml.v3 parses an empty buffer as one newline.
    let text: &[u8] = if text.is_empty() { b"\n" } else { text };
    let mut nodes = Vec::new();
    let root = compose(text, &mut nodes).map_err(String::into_bytes)?;
    let mut d = Decoder::new(&nodes);
    let mut out = Out::default();
    if let Some(root) = root {
        d.unmarshal(root, &mut Target::Spec(&mut out)).map_err(|e| e.0)?;
    }
    if !d.terrors.is_empty() {
        let mut msg = b"yaml: unmarshal errors:".to_vec();
        for t in &d.terrors {
            msg.extend_from_slice(b"\n  ");
            msg.extend_from_slice(t);
        }
        return Err(msg);
    }
    Ok(Fields { id: out.id, status: out.status })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(y: &str) -> (String, String) {
        let f = unmarshal(y.as_bytes()).unwrap_or_else(|e| panic!("{}", String::from_utf8_lossy(&e)));
        (String::from_utf8(f.id).unwrap(), String::from_utf8(f.status).unwrap())
    }

    fn err(y: &str) -> String {
        String::from_utf8(unmarshal(y.as_bytes()).unwrap_err()).unwrap()
    }

    #[test]
    fn scalars_decode_as_yaml_v3_does() {
        assert_eq!(ok("id: 0x1F\nstatus: 3"), ("0x1F".into(), "3".into()));
        assert_eq!(ok("id: \" A \"\nstatus: 'draft '"), (" A ".into(), "draft ".into()));
        assert_eq!(ok("id: a # c\nstatus: true"), ("a".into(), "true".into()));
        assert_eq!(ok("id: ~\nstatus: null"), (String::new(), String::new()));
        assert_eq!(ok("status: |\n  draft\nid: x"), ("x".into(), "draft\n".into()));
        assert_eq!(ok("b: &a X\nid: *a\nstatus: draft"), ("X".into(), "draft".into()));
        assert_eq!(ok("base: &b {id: M, status: failed}\n<<: *b\nid: own"), ("own".into(), "failed".into()));
        assert_eq!(ok("id: !!binary SGk=\nstatus: draft"), ("Hi".into(), "draft".into()));
    }

    #[test]
    fn errors_read_as_yaml_v3_writes_them() {
        assert_eq!(
            err("id: [a]\nstatus: draft"),
            "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!seq into string"
        );
        assert_eq!(
            err("id: a\nid: b"),
            "yaml: unmarshal errors:\n  line 2: mapping key \"id\" already defined at line 1"
        );
        assert_eq!(
            err("just text"),
            "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!str `just text` into main.SpecFrontmatter"
        );
        assert_eq!(err("id: a\n\tstatus: b"), "yaml: line 2: found a tab character that violates indentation");
        assert_eq!(err("id: A\nstatus: draft\nx:\n\t- y"), "yaml: line 4: found character that cannot start any token");
        assert_eq!(err("id: *nope"), "yaml: unknown anchor 'nope' referenced");
        assert_eq!(
            err("id: a\ncreated: banana"),
            "parsing time \"banana\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"banana\" as \"2006\""
        );
        assert_eq!(
            ok("id: a\nstatus: b\ncreated: 2026-01-03\ndeployed: \"2026-01-03T10:00:00Z\""),
            ("a".into(), "b".into())
        );
        assert_eq!(unmarshal(b"id: \"a\xff\"").unwrap_err(), b"yaml: invalid leading UTF-8 octet");
        assert_eq!(err("id: \"\\x*41\""), "yaml: did not find expected hexdecimal number");
    }

    #[test]
    fn scanner_errors_two_tokens_ahead_come_first_as_in_yaml_v3() {
        // libyaml would stop at the alias (or end the document); yaml.v3
        // has already scanned the bad value indicator on line 2.
        assert_eq!(
            err("*a:!!binary SGk=\nalidated: \"2\""),
            "yaml: line 2: mapping values are not allowed in this context"
        );
        assert_eq!(err("*a: x"), "yaml: unknown anchor 'a' referenced");
        assert_eq!(err("  a: b\n c\nx: d"), "yaml: line 3: mapping values are not allowed in this context");
        // Only the first document counts, as yaml.v3 reads no further.
        assert_eq!(ok("  id: b\nx: d\ny: e"), ("b".into(), String::new()));
    }
}
