//! yaml.v3's tags (resolve.go): short forms, and what a scalar resolves
//! to under an explicit tag or none.

use crate::project::plan::gotime;

const LONG_PREFIX: &str = "tag:yaml.org,2002:";

pub(super) fn short_tag(tag: &str) -> String {
    match tag.strip_prefix(LONG_PREFIX) {
        Some(rest) => format!("!!{rest}"),
        None => tag.to_owned(),
    }
}

/// What a scalar resolves to; only what decoding into a string or a
/// time can tell apart.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Resolved {
    Null,
    Str(String),
    Timestamp,
    /// A bool, number or `<<`, kept as its tag.
    Other,
}

pub(super) fn resolve_tag(value: &str) -> String {
    resolve("", value).map(|(t, _)| t).unwrap_or_else(|_| "!!str".into())
}

/// yaml.v3's `resolve(tag, in)`: the resolved tag and value, or the
/// `cannot decode` failure of an explicit tag that does not fit.
pub(super) fn resolve(tag: &str, input: &str) -> Result<(String, Resolved), String> {
    let tag = short_tag(tag);
    if !matches!(tag.as_str(), "" | "!!str" | "!!bool" | "!!int" | "!!float" | "!!null" | "!!timestamp") {
        return Ok((tag, Resolved::Str(input.to_owned())));
    }
    let (rtag, out) = resolve_untagged(&tag, input);
    match tag.as_str() {
        "" | "!!str" | "!!binary" => Ok((rtag.into(), out)),
        t if t == rtag => Ok((rtag.into(), out)),
        "!!float" if rtag == "!!int" => Ok(("!!float".into(), Resolved::Other)),
        _ => Err(format!("yaml: cannot decode {rtag} `{input}` as a {tag}")),
    }
}

fn resolve_untagged(tag: &str, input: &str) -> (&'static str, Resolved) {
    let hint = match input.as_bytes().first() {
        None => b'N',
        Some(b'+' | b'-') => b'S',
        Some(b'0'..=b'9') => b'D',
        Some(b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~') => b'M',
        Some(b'.') => b'.',
        Some(_) => 0,
    };
    if hint == 0 || tag == "!!str" || tag == "!!binary" {
        return ("!!str", Resolved::Str(input.to_owned()));
    }
    match input {
        "true" | "True" | "TRUE" | "false" | "False" | "FALSE" => return ("!!bool", Resolved::Other),
        "" | "~" | "null" | "Null" | "NULL" => return ("!!null", Resolved::Null),
        ".nan" | ".NaN" | ".NAN" | ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf"
        | "-.INF" => return ("!!float", Resolved::Other),
        "<<" => return ("!!merge", Resolved::Other),
        _ => {}
    }
    match hint {
        b'.' if go_parse_float(input) => return ("!!float", Resolved::Other),
        b'D' | b'S' => {
            if (tag.is_empty() || tag == "!!timestamp") && gotime::is_yaml_timestamp(input.as_bytes()) {
                return ("!!timestamp", Resolved::Timestamp);
            }
            let plain = input.replace('_', "");
            if go_parse_int(&plain) {
                return ("!!int", Resolved::Other);
            }
            if is_yaml_style_float(&plain) && go_parse_float(&plain) {
                return ("!!float", Resolved::Other);
            }
            let radix = |digits: &str, base: u32| !digits.is_empty() && u64::from_str_radix(digits, base).is_ok();
            for (prefix, base) in [("0b", 2), ("-0b", 2), ("0o", 8), ("-0o", 8)] {
                if let Some(d) = plain.strip_prefix(prefix)
                    && radix(d, base)
                {
                    return ("!!int", Resolved::Other);
                }
            }
        }
        _ => {}
    }
    ("!!str", Resolved::Str(input.to_owned()))
}

/// `strconv.ParseInt(s, 0, 64)` or `ParseUint(s, 0, 64)` succeeds.
fn go_parse_int(s: &str) -> bool {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    let (digits, base) = match body.get(..2) {
        Some("0x" | "0X") => (&body[2..], 16),
        Some("0o" | "0O") => (&body[2..], 8),
        Some("0b" | "0B") => (&body[2..], 2),
        _ if body.len() > 1 && body.starts_with('0') => (&body[1..], 8),
        _ => (body, 10),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(base)) {
        return false;
    }
    match u64::from_str_radix(digits, base) {
        Ok(v) if neg => v <= 1 << 63,
        Ok(_) => true,
        Err(_) => false,
    }
}

/// yaml.v3's `yamlStyleFloat`: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn is_yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// `strconv.ParseFloat(s, 64)` succeeds (out-of-range values fail in Go).
fn go_parse_float(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    let body = lower.trim_start_matches(['+', '-']);
    if matches!(body, "inf" | "infinity" | "nan") {
        return lower.len() - body.len() <= 1 && (body != "nan" || lower == "nan");
    }
    // Rust accepts what Go does for decimal forms, but not Go's hex floats
    // and underscores, which plain YAML numbers do not use here.
    s.parse::<f64>().is_ok_and(f64::is_finite)
}
