//! Values: lexing the literal after an assignment in whatever syntax the
//! line uses, and judging it (references, placeholders, shapes, strength).

use super::*;

/// A value span: `start..end` in the text.
#[derive(Clone, Copy, Debug)]
pub(super) struct Val {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) quoted: bool,
}

pub(super) fn is_ws(c: u8) -> bool {
    c == b' ' || c == b'\t'
}

pub(super) fn skip_ws(b: &[u8], mut p: usize, end: usize) -> usize {
    while p < end && is_ws(b[p]) {
        p += 1;
    }
    p
}

/// Lex the value at `p` (after the operator): quoted, `\"`-quoted, a YAML
/// block scalar (value on the next more-indented line), or a bare word.
pub(super) fn parse_value(ctx: &Ctx, line: Line, p: usize, allow_block: bool) -> Option<Val> {
    let b = ctx.b;
    let end = line.end;
    if p >= end {
        return None;
    }
    match b[p] {
        q @ (b'"' | b'\'' | b'`') => {
            let mut i = p + 1;
            while i < end {
                if b[i] == b'\\' && q == b'"' {
                    i += 2;
                    continue;
                }
                if b[i] == q {
                    return Some(Val { start: p + 1, end: i, quoted: true });
                }
                i += 1;
            }
            // Unterminated on this line: the rest of the line.
            let rest = ctx.str(p + 1..end).trim_end();
            Some(Val { start: p + 1, end: p + 1 + rest.len(), quoted: true })
        }
        b'\\' if p + 1 < end && b[p + 1] == b'"' => {
            let close = memchr::memmem::find(&b[p + 2..end], b"\\\"")?;
            Some(Val { start: p + 2, end: p + 2 + close, quoted: true })
        }
        b'|' | b'>' if allow_block => {
            let rest = ctx.str(p + 1..end);
            let rest = rest.split(" #").next().unwrap_or("").trim();
            if !rest.bytes().all(|c| matches!(c, b'-' | b'+' | b'0'..=b'9')) {
                return None;
            }
            let key_indent = indent(ctx, line);
            let mut cur = ctx.next_line(line)?;
            for _ in 0..3 {
                if ctx.str(cur.start..cur.end).trim().is_empty() {
                    cur = ctx.next_line(cur)?;
                    continue;
                }
                if indent(ctx, cur) <= key_indent {
                    return None;
                }
                let t = ctx.str(cur.start..cur.end);
                let lead = t.len() - t.trim_start().len();
                return Some(Val { start: cur.start + lead, end: cur.start + t.trim_end().len(), quoted: true });
            }
            None
        }
        // A YAML anchor before the value: `password: &pw value`.
        b'&' if p + 1 < end && b[p + 1].is_ascii_alphabetic() => {
            let e = (p..end).find(|&i| is_ws(b[i]))?;
            parse_value(ctx, line, skip_ws(b, e, end), allow_block)
        }
        _ => {
            let mut e = p;
            while e < end && !matches!(b[e], b' ' | b'\t' | b',' | b';' | b'"' | b'\'' | b'`' | b')' | b']' | b'}') {
                e += 1;
            }
            // A trailing line-continuation backslash is not part of the value.
            while e > p && b[e - 1] == b'\\' {
                e -= 1;
            }
            (e > p).then_some(Val { start: p, end: e, quoted: false })
        }
    }
}

/// `{{ 'literal' | password_hash('sha512') }}`: a literal piped to a filter
/// (not `default`) is a clear-text value inside a template.
pub(super) fn jinja_literal(v: &str, abs: usize) -> Option<(usize, usize)> {
    let open = v.find("{{")?;
    let inner = &v[open + 2..];
    let lead = inner.len() - inner.trim_start().len();
    let inner_t = inner.trim_start();
    let q = *inner_t.as_bytes().first()?;
    if q != b'\'' && q != b'"' {
        return None;
    }
    let close = inner_t[1..].find(q as char)?;
    let lit_start = abs + open + 2 + lead + 1;
    let after = inner_t[1 + close + 1..].trim_start();
    let filter = after.strip_prefix('|')?.trim_start();
    if filter.starts_with("default") || filter.starts_with("d(") {
        return None;
    }
    Some((lit_start, lit_start + close))
}

/// The text of `v` when it is base64 of printable text (a Kubernetes `data:`
/// value, an npm `_auth`).
pub(super) fn b64_text(v: &str) -> Option<String> {
    let b = v.as_bytes();
    if b.len() < 12 || !b.iter().all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'=')) {
        return None;
    }
    if !b.len().is_multiple_of(4) {
        return None;
    }
    let mut buf = Vec::new();
    if !filters::b64_decode(b, &mut buf, 8192) || buf.len() < 4 {
        return None;
    }
    filters::printable_text(&buf).map(str::to_string)
}

/// Offset of `&name=` in `v`, the start of the next query parameter.
pub(super) fn next_query_param(v: &str) -> Option<usize> {
    let b = v.as_bytes();
    let mut i = 0;
    while let Some(j) = memchr::memchr(b'&', &b[i..]).map(|j| i + j) {
        let mut k = j + 1;
        while k < b.len() && (b[k].is_ascii_alphanumeric() || matches!(b[k], b'_' | b'.' | b'-')) {
            k += 1;
        }
        if k > j + 1 && k < b.len() && b[k] == b'=' {
            return Some(j);
        }
        i = j + 1;
    }
    None
}

/// YAML/JSON ancestors named like ciphertext containers (SealedSecret
/// `encryptedData`, Renovate `encrypted`, SOPS metadata).
pub(super) fn under_encrypted_parent(ctx: &Ctx, line: Line) -> bool {
    let mut ind = indent(ctx, line);
    let mut cur = line;
    for _ in 0..64 {
        if ind == 0 {
            return false;
        }
        let Some(p) = ctx.prev_line(cur) else {
            return false;
        };
        cur = p;
        if is_blank_or_comment(ctx, p) {
            continue;
        }
        let pi = indent(ctx, p);
        if pi < ind {
            let t = ctx.str(p.start..p.end).trim();
            let t = t.trim_start_matches("- ");
            let key = t.split([':', '=']).next().unwrap_or("").trim().trim_matches(['"', '\'']);
            if eq_any(key, &["encryptedData", "encrypted", "encrypted_data", "sops", "sealed", "ciphertext"]) {
                return true;
            }
            ind = pi;
        }
    }
    false
}

pub(super) struct Found<'k> {
    pub(super) class: KeyClass,
    pub(super) key: &'k str,
    pub(super) strict: bool,
    /// `Password=` inside `a=b;c=d` (ADO.NET).
    pub(super) in_conn_string: bool,
    /// The key was a quoted JSON key (`"auth": …`).
    pub(super) json_key: bool,
    /// Bare values are expressions here (an HCL/JSON/TOML key outside any string).
    pub(super) bare_is_code: bool,
}

impl<'k> Found<'k> {
    /// A key found by the HCL block readers: not strict, not in a connection
    /// string, not a JSON key.
    pub(super) fn loose(class: KeyClass, key: &'k str, ctx: &Ctx) -> Found<'k> {
        Found {
            class,
            key,
            strict: false,
            in_conn_string: false,
            json_key: false,
            bare_is_code: ctx.kind.bare_values_are_code(),
        }
    }
}

/// Judge the value and record a finding.
pub(super) fn evaluate(ctx: &Ctx, line: Line, f: &Found, val: Val, nested: &dyn Fn(&str) -> bool, out: &mut Vec<Raw>) {
    let (mut vs, mut ve) = (val.start, val.end);
    if !val.quoted && f.bare_is_code {
        return;
    }
    let mut v = ctx.str(vs..ve).trim_end();
    ve = vs + v.len();
    if v.len() >= 6 && v.as_bytes()[..6].eq_ignore_ascii_case(b"basic ") {
        return; // judged by the Basic detector
    }
    for pre in ["bearer ", "token ", "base64:", "pass:"] {
        if v.len() > pre.len() && v.as_bytes()[..pre.len()].eq_ignore_ascii_case(pre.as_bytes()) {
            vs += pre.len();
            v = ctx.str(vs..ve).trim_start();
            vs = ve - v.len();
            break;
        }
    }
    if v.contains("{{") {
        let Some((a, z)) = jinja_literal(v, vs) else {
            return;
        };
        vs = a;
        ve = z;
        v = ctx.str(vs..ve);
    }
    // `secret=abc&grant_type=x`: the value ends before the next query parameter.
    if let Some(i) = next_query_param(v) {
        ve = vs + i;
        v = ctx.str(vs..ve);
    }
    let mut user: Option<&str> = None;
    if f.class.userpass
        && !v.contains("://")
        && let Some(c) = v.find(':')
    {
        let u = &v[..c];
        if !u.is_empty()
            && u.bytes().all(|x| x.is_ascii_alphanumeric() || matches!(x, b'_' | b'-' | b'.' | b'@' | b'+'))
        {
            user = Some(u);
            vs += c + 1;
            v = ctx.str(vs..ve);
        }
    }
    let strength = f.class.strength;
    let mut det: &'static Det = if f.class.password { &GENERIC_PASSWORD } else { &GENERIC_SECRET };
    let accepted = if let Some(u) = user {
        det = &GENERIC_PASSWORD;
        crate::detectors::urls::password_ok(u, v, ctx.example)
            && filters::judge_value(v, Strength::Strong, ctx.example, false)
    } else if let Some(text) = b64_text(v) {
        if let Some((u, p)) = text.split_once(':').filter(|_| f.class.userpass) {
            det = if f.json_key { &DOCKER_AUTH } else { &BASIC_AUTH };
            !u.is_empty() && !p.contains('\n') && crate::detectors::urls::password_ok(u, p, ctx.example)
        } else {
            det = &K8S_SECRET_DATA;
            filters::judge_value(text.trim(), strength, ctx.example, f.strict) || (ctx.depth == 0 && nested(&text))
        }
    } else if f.class.password {
        filters::judge_password(v, ctx.example, f.strict)
    } else {
        filters::judge_value(v, strength, ctx.example, f.strict)
    };
    if !accepted || under_encrypted_parent(ctx, line) {
        return;
    }
    if det.prio == 1 {
        let lower = f.key.to_ascii_lowercase();
        if let Some(d) = crate::detectors::cloud::reclassify(ctx, &lower, v, vs) {
            det = d;
        } else if f.in_conn_string {
            det = &CONNECTION_STRING;
        }
    }
    out.push(Raw { range: vs..ve, det, key: Some(f.key.to_string()) });
}
