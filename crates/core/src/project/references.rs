//! `${secrets.NAME}` references in the files an environment renders, with
//! an optional filter that makes the value fit where it lands:
//! `${secrets.NAME|yaml}` and `|json` write a double-quoted string (JSON
//! syntax, which YAML accepts), `|shell` a single-quoted shell word, `|url`
//! a percent-encoded URL component. Without a filter the value is written
//! as it is.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

static REF: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\$\{secrets\.([A-Za-z0-9_]+)(?:\|([A-Za-z0-9_]*))?\}").expect("static regex"));

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Filter {
    Raw,
    Yaml,
    Json,
    Shell,
    Url,
}

impl Filter {
    pub const NAMES: [&'static str; 4] = ["yaml", "json", "shell", "url"];

    fn parse(name: &str) -> Option<Filter> {
        match name {
            "yaml" => Some(Filter::Yaml),
            "json" => Some(Filter::Json),
            "shell" => Some(Filter::Shell),
            "url" => Some(Filter::Url),
            _ => None,
        }
    }

    /// The value as this filter writes it.
    pub fn apply(self, value: &str) -> String {
        match self {
            Filter::Raw => value.to_owned(),
            Filter::Yaml | Filter::Json => serde_json::to_string(value).unwrap_or_default(),
            Filter::Shell => format!("'{}'", value.replace('\'', "'\\''")),
            Filter::Url => {
                let mut s = String::new();
                for b in value.bytes() {
                    if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                        s.push(b as char);
                    } else {
                        s.push_str(&format!("%{b:02X}"));
                    }
                }
                s
            }
        }
    }
}

/// One reference in a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecretRef {
    pub name: String,
    /// Err: the filter named does not exist (its name).
    pub filter: Result<Filter, String>,
    pub range: Range<usize>,
}

/// Every `${secrets.NAME}` reference in `text`, in order.
pub fn secret_refs(text: &str) -> Vec<SecretRef> {
    REF.captures_iter(text)
        .map(|c| {
            let filter = match c.get(2) {
                None => Ok(Filter::Raw),
                Some(f) => Filter::parse(f.as_str()).ok_or_else(|| f.as_str().to_owned()),
            };
            SecretRef { name: c[1].to_owned(), filter, range: c.get(0).map_or(0..0, |m| m.range()) }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_and_filters() {
        let t = "a: ${secrets.A}\nb: ${secrets.B|yaml}\nc: ${secrets.C|nope}\n";
        let r = secret_refs(t);
        assert_eq!(r.len(), 3);
        assert_eq!((r[0].name.as_str(), r[0].filter.clone()), ("A", Ok(Filter::Raw)));
        assert_eq!(r[1].filter, Ok(Filter::Yaml));
        assert_eq!(r[2].filter, Err("nope".to_owned()));
        assert_eq!(&t[r[1].range.clone()], "${secrets.B|yaml}");
        let v = "it's \"q\" a/b c";
        assert_eq!(Filter::Yaml.apply(v), "\"it's \\\"q\\\" a/b c\"");
        assert_eq!(Filter::Shell.apply(v), "'it'\\''s \"q\" a/b c'");
        assert_eq!(Filter::Url.apply(v), "it%27s%20%22q%22%20a%2Fb%20c");
    }
}
