//! The generic detector: a secret-ish key assigned a literal.
//!
//! It starts from a keyword hit (`pass`, `secret`, `token`, `key`, …), expands
//! it to the key token around it, finds the assignment operator of whatever
//! syntax is in use (`=`, `:`, `"k": "v"`, `k = "v"`, `--flag v`, `ENV K v`),
//! lexes the value and judges it with the filters. Structural variants: a
//! Kubernetes/Azure `- name: K` followed by `value: v`, a Terraform
//! `variable "k" { default = "v" }`, YAML block scalars, Markdown table rows,
//! Jinja literals piped to a hash filter, and command lines (`curl -u`,
//! `mysql -p…`, `… | docker login --password-stdin`, `ConvertTo-SecureString`).

use super::*;
use crate::filters::{self, Strength};

/// Last key words that name something other than the secret itself.
#[rustfmt::skip]
const STOP_LAST: [&str; 179] = [
    "address", "age", "alg", "algo", "algorithm", "alias", "arn", "at", "attempts", "audience",
    "authentication", "authenticator", "backend", "bucket", "chars", "charset", "checksum", "class", "cmd",
    "command", "complexity", "config", "configuration", "count", "days", "desc", "description", "digest",
    "dir", "directory", "disable", "disabled", "domain", "driver", "duration", "email", "enable", "enabled",
    "encoding", "encryption", "endpoint", "engine", "env", "exp", "expiration", "expire", "expires", "expiry",
    "field", "file", "filename", "files", "fingerprint", "flag", "flags", "folder", "format", "fpr",
    "generator", "group", "hash", "hashed", "header", "headers", "help", "helper", "hint", "host", "hostname",
    "hosts", "hours", "httponly", "id", "ids", "index", "interval", "issuer", "kind", "kms", "label", "len",
    "length", "level", "lifetime", "limit", "list", "location", "login", "manager", "max", "maximum",
    "mechanism", "method", "mgr", "min", "minimum", "minutes", "mode", "module", "mount", "name", "names",
    "namespace", "number", "optional", "options", "owner", "param", "parameter", "path", "paths", "pattern",
    "period", "plugin", "policy", "port", "prefix", "process", "project", "property", "protocol", "provider",
    "queue", "realm", "ref", "reference", "refs", "regex", "region", "require", "required", "reset", "result",
    "retries", "role", "rotation", "rule", "rules", "samesite", "schema", "scope", "scopes", "seconds",
    "secure", "selector", "settings", "sid", "size", "source", "spec", "special", "src", "state", "status",
    "store", "strategy", "strength", "suffix", "table", "tag", "tags", "template", "thumbprint", "timeout",
    "topic", "ttl", "type", "uri", "uris", "url", "urls", "user", "username", "usr", "validity", "var",
    "variable", "version", "zone",
];
const STOP_LAST_P: [u128; 179] = pack_all(STOP_LAST);

/// Key words that make a key non-secret wherever they appear.
#[rustfmt::skip]
const VETO_ANY: [&str; 12] = [
    "anon", "checksum", "ciphertext", "digest", "encrypted", "existing", "fingerprint", "hashed", "pub", "public",
    "publishable", "sealed",
];
const VETO_ANY_P: [u128; 12] = pack_all(VETO_ANY);

/// `<qualifier> key` (api key, signing key, …) is a secret key.
#[rustfmt::skip]
const KEY_QUALIFIERS: [&str; 50] = [
    "access", "account", "admin", "api", "app", "auth", "bot", "cipher", "client", "consumer", "cookie",
    "crypto", "csrf", "deploy", "encrypt", "encryption", "fernet", "hmac", "integration", "jwt", "licence",
    "license", "management", "master", "merchant", "mfa", "mgmt", "otp", "partner", "private", "recovery",
    "rest", "root", "routing", "sas", "secret", "server", "service", "session", "shared", "sign", "signature",
    "signing", "storage", "subscription", "totp", "unlock", "webhook", "write", "xsrf",
];
const KEY_QUALIFIERS_P: [u128; 50] = pack_all(KEY_QUALIFIERS);

/// `<qualifier> key` that names a lookup or identifier, never a secret.
#[rustfmt::skip]
const PLAIN_KEY_QUALIFIERS: [&str; 49] = [
    "attribute", "bucket", "cache", "composite", "config", "counter", "cursor", "dedup", "deduplication",
    "field", "foreign", "gpg", "group", "hash", "host", "i18n", "idempotency", "index", "join", "kms",
    "label", "lock", "lookup", "map", "message", "metric", "metrics", "natural", "object", "page",
    "partition", "pgp", "primary", "public", "query", "range", "recv", "row", "s3", "search", "sequence",
    "shard", "sharding", "site", "sort", "ssh", "surrogate", "translation", "unique",
];
const PLAIN_KEY_QUALIFIERS_P: [u128; 49] = pack_all(PLAIN_KEY_QUALIFIERS);

#[derive(Clone, Copy, Debug)]
pub(crate) struct KeyClass {
    pub strength: Strength,
    /// A password rather than a token (names the finding `generic-password`).
    pub password: bool,
    /// The value may be `user:password` (`auth`, `basic_auth`, `credentials`).
    pub userpass: bool,
}

fn eq_any(w: &str, list: &[&str]) -> bool {
    list.iter().any(|x| w.eq_ignore_ascii_case(x))
}

fn ends_with_ci(w: &str, suffix: &str) -> bool {
    w.len() >= suffix.len() && w.as_bytes()[w.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
}

/// Split a key into words at separators and camelCase humps, without allocating.
fn split_words<'k>(key: &'k str, out: &mut [&'k str; 24]) -> usize {
    let b = key.as_bytes();
    let mut n = 0;
    let mut i = 0;
    while i < b.len() && n < out.len() {
        if !b[i].is_ascii_alphanumeric() {
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        while i < b.len() && b[i].is_ascii_alphanumeric() {
            let prev = b[i - 1];
            let cur = b[i];
            // fooBar → foo|Bar ; HTTPServer → HTTP|Server
            if (prev.is_ascii_lowercase() || prev.is_ascii_digit()) && cur.is_ascii_uppercase() {
                break;
            }
            if prev.is_ascii_uppercase() && cur.is_ascii_uppercase() && i + 1 < b.len() && b[i + 1].is_ascii_lowercase()
            {
                break;
            }
            i += 1;
        }
        out[n] = &key[start..i];
        n += 1;
    }
    n
}

/// A word of at most 16 ASCII bytes packed big-endian into an integer, so a
/// sorted word list is a sorted integer list (no `memcmp` per probe).
const fn pack(w: &[u8]) -> u128 {
    let mut v: u128 = 0;
    let mut i = 0;
    while i < 16 {
        v <<= 8;
        if i < w.len() {
            v |= w[i].to_ascii_lowercase() as u128;
        }
        i += 1;
    }
    v
}

const fn pack_all<const N: usize>(list: [&str; N]) -> [u128; N] {
    let mut out = [0u128; N];
    let mut i = 0;
    while i < N {
        out[i] = pack(list[i].as_bytes());
        i += 1;
    }
    out
}

fn in_list(list: &[u128], w: &[u8]) -> bool {
    w.len() <= 16 && list.binary_search(&pack(w)).is_ok()
}

/// Naive substring test for short, lower-case haystacks.
fn has(hay: &[u8], needle: &[u8]) -> bool {
    hay.len() >= needle.len() && hay.windows(needle.len()).any(|w| w == needle)
}

/// Whether a key word (any case) makes its key non-secret (`checksum`, …).
pub(crate) fn vetoes(word: &str) -> bool {
    in_list(&VETO_ANY_P, word.as_bytes())
}

/// How strongly a key name promises a secret, or `None`.
pub(crate) fn classify_key(key: &str) -> Option<KeyClass> {
    if key.is_empty() || key.len() > 100 {
        return None;
    }
    let mut buf = [""; 24];
    let n = split_words(key, &mut buf);
    if n == 0 {
        return None;
    }
    // Lower-case copies of the words, on the stack.
    let mut lower = [0u8; 100];
    let mut spans = [(0usize, 0usize); 24];
    let mut at = 0;
    for (i, w) in buf[..n].iter().enumerate() {
        let s = at;
        for &c in w.as_bytes() {
            lower[at] = c.to_ascii_lowercase();
            at += 1;
        }
        spans[i] = (s, at);
    }
    let word = |i: usize| &lower[spans[i].0..spans[i].1];
    if in_list(&STOP_LAST_P, word(n - 1)) || (0..n).any(|i| in_list(&VETO_ANY_P, word(i))) {
        return None;
    }
    let (mut strong, mut weak, mut password, mut userpass) = (false, false, false, false);
    for i in 0..n {
        let w = word(i);
        let is_last = i + 1 == n;
        if has(w, b"passw") || has(w, b"passphrase") || w.ends_with(b"pass") || w.ends_with(b"pwd") {
            strong = true;
            password = true;
        }
        if has(w, b"secret")
            || has(w, b"token")
            || has(w, b"credential")
            || has(w, b"apikey")
            || w == b"creds"
            || w == b"pat"
        {
            strong = true;
        }
        if w == b"key" || w == b"keys" {
            if i > 0 && in_list(&KEY_QUALIFIERS_P, word(i - 1)) {
                strong = true;
            } else if i > 0 && in_list(&PLAIN_KEY_QUALIFIERS_P, word(i - 1)) {
                // cache_key, partition_key, ssh_key: identifiers
            } else if is_last && w.len() == 3 {
                // A bare `keys` names a list or key IDs (`--recv-keys`), not a secret.
                weak = true;
            }
        } else if w.len() > 3 && w.ends_with(b"key") {
            let stem = &w[..w.len() - 3];
            if in_list(&KEY_QUALIFIERS_P, stem) {
                strong = true;
            } else if is_last && !in_list(&PLAIN_KEY_QUALIFIERS_P, stem) {
                weak = true;
            }
        }
        if is_last {
            if w == b"authorization" || (w.ends_with(b"auth") && w != b"oauth") {
                strong = true;
                userpass = true;
            }
            if w == b"cookie" {
                strong = true;
            }
            if w == b"creds" || w == b"credentials" {
                userpass = true;
            }
        }
    }
    let strength = if strong {
        Strength::Strong
    } else if weak {
        Strength::Weak
    } else {
        return None;
    };
    Some(KeyClass { strength, password, userpass })
}

/// Key names meant for public values (`NEXT_PUBLIC_*`, `publishableKey`,
/// `SUPABASE_ANON_KEY`, `recaptcha_site_key`): whatever the value looks
/// like, it is not a leak.
pub(crate) fn names_public_value(key: &str) -> bool {
    let mut buf = [""; 24];
    let n = split_words(key, &mut buf);
    let words = &buf[..n];
    words.iter().enumerate().any(|(i, w)| {
        eq_any(w, &["public", "publishable", "pub", "anon"])
            || (w.eq_ignore_ascii_case("site") && words.get(i + 1).is_some_and(|k| k.eq_ignore_ascii_case("key")))
    })
}

/// A value span: `start..end` in the text.
#[derive(Clone, Copy, Debug)]
struct Val {
    start: usize,
    end: usize,
    quoted: bool,
}

fn is_ws(c: u8) -> bool {
    c == b' ' || c == b'\t'
}

fn skip_ws(b: &[u8], mut p: usize, end: usize) -> usize {
    while p < end && is_ws(b[p]) {
        p += 1;
    }
    p
}

/// Lex the value at `p` (after the operator): quoted, `\"`-quoted, a YAML
/// block scalar (value on the next more-indented line), or a bare word.
fn parse_value(ctx: &Ctx, line: Line, p: usize, allow_block: bool) -> Option<Val> {
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
fn jinja_literal(v: &str, abs: usize) -> Option<(usize, usize)> {
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
fn b64_text(v: &str) -> Option<String> {
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
fn next_query_param(v: &str) -> Option<usize> {
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
fn under_encrypted_parent(ctx: &Ctx, line: Line) -> bool {
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

struct Found<'k> {
    class: KeyClass,
    key: &'k str,
    strict: bool,
    /// `Password=` inside `a=b;c=d` (ADO.NET).
    in_conn_string: bool,
    /// The key was a quoted JSON key (`"auth": …`).
    json_key: bool,
    /// Bare values are expressions here (an HCL/JSON/TOML key outside any string).
    bare_is_code: bool,
}

impl<'k> Found<'k> {
    /// A key found by the HCL block readers: not strict, not in a connection
    /// string, not a JSON key.
    fn loose(class: KeyClass, key: &'k str, ctx: &Ctx) -> Found<'k> {
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
fn evaluate(ctx: &Ctx, line: Line, f: &Found, val: Val, nested: &dyn Fn(&str) -> bool, out: &mut Vec<Raw>) {
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

/// Generic keyword hit at `hit` on `line`; `state` carries what earlier hits
/// of the line learned.
pub(crate) fn on_hit(
    ctx: &Ctx,
    line: Line,
    hit: usize,
    state: &mut LineState,
    nested: &dyn Fn(&str) -> bool,
    out: &mut Vec<Raw>,
) {
    let b = ctx.b;
    let end = line.end;
    if hit < state.last_end {
        return;
    }
    let mut ks = hit;
    while ks > line.start && is_key_char(b[ks - 1]) {
        ks -= 1;
    }
    let mut ke = hit;
    while ke < end && is_key_char(b[ke]) {
        ke += 1;
    }
    state.last_end = ke;
    state.advance(b, ks);
    let raw = ctx.str(ks..ke);
    let flag =
        raw.starts_with('-') && !(raw.starts_with("-D") && raw.len() > 2 && raw.as_bytes()[2].is_ascii_lowercase());
    let key = clean_key(raw);
    if key.is_empty() {
        return;
    }
    if table_row(ctx, line, ks, ke, key, out)
        || name_value(ctx, line, ks, ke, key, nested, out)
        || hcl_variable(ctx, line, ks, ke, key, nested, out)
    {
        return;
    }
    // Most hits are words in values and prose: look for an assignment
    // before classifying the key.
    {
        let mut q = ke;
        if q < end && matches!(b[q], b'"' | b'\'' | b'\\') {
            q += 1;
        }
        while q < end && matches!(b[q], b'"' | b' ' | b'\t') {
            q += 1;
        }
        if (q >= end && !flag) || (q < end && q == ke && !matches!(b[q], b'=' | b':' | b'>' | b',' | b'*')) {
            return;
        }
    }
    let Some(class) = classify_key(key) else {
        return;
    };
    // XML element: `<password>value</password>`.
    if ks > line.start && b[ks - 1] == b'<' && ke < end && b[ke] == b'>' {
        let vs = ke + 1;
        let ve = memchr::memchr(b'<', &b[vs..end]).map_or(end, |i| vs + i);
        let f = Found { class, key, strict: false, in_conn_string: false, json_key: false, bare_is_code: false };
        let val = Val { start: vs, end: ve, quoted: true };
        evaluate(ctx, line, &f, val, nested, out);
        return;
    }
    let mut p = ke;
    let mut json_key = false;
    if ks > line.start && matches!(b[ks - 1], b'"' | b'\'') && p < end && b[p] == b[ks - 1] {
        p += 1;
        json_key = true;
    } else if ks >= line.start + 2
        && b[ks - 1] == b'"'
        && b[ks - 2] == b'\\'
        && p + 1 < end
        && b[p] == b'\\'
        && b[p + 1] == b'"'
    {
        p += 2;
        json_key = true;
    }
    // Markdown emphasis around a key: `**Password**: v`, `**Password:** v`.
    while p < end && b[p] == b'*' {
        p += 1;
    }
    let sp = p;
    p = skip_ws(b, p, end);
    let ws = p > sp;
    let mut strict = false;
    let mut allow_block = false;
    if p < end && b[p] == b'=' && !(p + 1 < end && b[p + 1] == b'=') {
        p += 1;
        if p < end && b[p] == b'>' {
            p += 1;
        }
    } else if p + 1 < end && b[p] == b':' && b[p + 1] == b'=' {
        p += 2;
    } else if p < end
        && b[p] == b':'
        && (json_key || p + 1 == end || is_ws(b[p + 1]) || b[p + 1] == b'*' || ctx.kind == crate::kinds::FileKind::Json)
    {
        p += 1;
        while p < end && b[p] == b'*' {
            p += 1;
        }
        allow_block = true;
    } else if flag && p < end && b[p] == b',' {
        p += 1; // ["--requirepass", "value"]
    } else if json_key && p < end && b[p] == b',' {
        // define('DB_PASSWORD', 'value'), ("api_key", "value")
        p = skip_ws(b, p + 1, end);
        if p >= end || !matches!(b[p], b'"' | b'\'') {
            return;
        }
    } else if flag && p >= end && ctx.str(line.start..line.end).trim_start().starts_with("- ") {
        // YAML args list: `- --db-password` then `- value` on the next line.
        if let Some(next) = ctx.next_line(line) {
            let t = ctx.str(next.start..next.end);
            let lead = t.len() - t.trim_start().len();
            if let Some(rest) = t.trim_start().strip_prefix("- ") {
                let vp = next.start + lead + 2 + (rest.len() - rest.trim_start().len());
                if let Some(val) = parse_value(ctx, next, vp, false) {
                    let f = Found {
                        class,
                        key,
                        strict: false,
                        in_conn_string: false,
                        json_key: false,
                        bare_is_code: false,
                    };
                    evaluate(ctx, next, &f, val, nested, out);
                }
            }
        }
        return;
    } else if ws && p < end && !matches!(b[p], b'=' | b':' | b'(' | b'{' | b'[' | b'|' | b'#') {
        // `--flag value`, `ENV KEY value`, `insecure-password value`. A bare
        // `key` word followed by a value is too ambiguous outside a flag.
        if !flag && class.strength == Strength::Weak {
            return;
        }
        strict = !flag;
        // Prose: "the password is `value`".
        let word_end = (p..end).find(|&i| is_ws(b[i])).unwrap_or(end);
        if matches!(ctx.str(p..word_end), "is" | "was" | "remains" | "equals" | "reads" | "=" | ":") {
            let q = skip_ws(b, word_end, end);
            if q < end && b[q] == b'`' {
                p = q;
            }
        }
    } else {
        return;
    }
    p = skip_ws(b, p, end);
    let Some(val) = parse_value(ctx, line, p, allow_block) else {
        return;
    };
    let in_conn_string =
        ks > line.start && b[ks - 1] == b';' || ctx.str(val.end..end).starts_with(';') && state.semicolon;
    let bare_is_code = ctx.kind.bare_values_are_code() && (json_key || !state.in_string);
    let f = Found { class, key, strict, in_conn_string, json_key, bare_is_code };
    evaluate(ctx, line, &f, val, nested, out);
}

/// Per-line state shared by the generic hits of one line, so questions about
/// the text left of a hit cost O(line length) in total rather than per hit
/// (a minified JSON file is one long line with many hits).
pub(crate) struct LineState {
    /// End of the last key token looked at: several hits inside one token
    /// are handled once.
    pub last_end: usize,
    pos: usize,
    in_string: bool,
    semicolon: bool,
}

impl LineState {
    pub(crate) fn new(line: Line) -> LineState {
        LineState { last_end: line.start, pos: line.start, in_string: false, semicolon: false }
    }

    /// Bring the quote parity and `;` flag up to `to` (hits come in order).
    fn advance(&mut self, b: &[u8], to: usize) {
        while self.pos < to {
            match b[self.pos] {
                b'\\' => self.pos += 1,
                b'"' => self.in_string = !self.in_string,
                b';' => self.semicolon = true,
                _ => {}
            }
            self.pos += 1;
        }
    }
}

/// `| KEY | … | `value` | … |`: a Markdown table row whose first cell is a
/// secret key; values are taken from inline code spans of the other cells.
fn table_row(ctx: &Ctx, line: Line, ks: usize, ke: usize, key: &str, out: &mut Vec<Raw>) -> bool {
    let t = ctx.str(line.start..line.end);
    let lead = t.trim_start();
    if !lead.starts_with('|') {
        return false;
    }
    let bar1 = line.start + (t.len() - lead.len());
    let Some(bar2) = memchr::memchr(b'|', &ctx.b[bar1 + 1..line.end]).map(|i| bar1 + 1 + i) else {
        return false;
    };
    if ks <= bar1 || ke > bar2 {
        return false;
    }
    let cell = ctx.str(bar1 + 1..bar2).trim().trim_matches(['`', '*']);
    if cell != ctx.str(ks..ke) {
        return true; // prose in the first cell
    }
    let Some(class) = classify_key(key) else {
        return true;
    };
    if class.strength != Strength::Strong {
        return true;
    }
    let b = ctx.b;
    let judge = |v: &str| {
        if class.password {
            filters::judge_password(v, ctx.example, false)
        } else {
            filters::judge_value(v, Strength::Strong, ctx.example, false)
        }
    };
    let push = |s: usize, e: usize, out: &mut Vec<Raw>| {
        out.push(Raw {
            range: s..e,
            det: if class.password { &GENERIC_PASSWORD } else { &GENERIC_SECRET },
            key: Some(key.to_string()),
        });
    };
    // Cells after the first: inline code spans, or a cell that is one token.
    let mut cs = bar2 + 1;
    while cs < line.end {
        let ce = memchr::memchr(b'|', &b[cs..line.end]).map_or(line.end, |i| cs + i);
        let cell = ctx.str(cs..ce);
        if memchr::memchr(b'`', cell.as_bytes()).is_some() {
            let mut p = cs;
            while let Some(o) = memchr::memchr(b'`', &b[p..ce]).map(|i| p + i) {
                let Some(c) = memchr::memchr(b'`', &b[o + 1..ce]).map(|i| o + 1 + i) else {
                    break;
                };
                if judge(ctx.str(o + 1..c)) {
                    push(o + 1, c, out);
                    return true;
                }
                p = c + 1;
            }
        } else {
            let t = cell.trim();
            if !t.is_empty() && !t.contains([' ', '\t']) && judge(t) {
                let s = cs + (cell.len() - cell.trim_start().len());
                push(s, s + t.len(), out);
                return true;
            }
        }
        cs = ce + 1;
    }
    true
}

/// The token is the value of a `name` key (`- name: DB_PASSWORD`,
/// `name = "fernetKey"`): its value is on a `value` key of the same item,
/// on the same line or within the next few lines.
fn name_value(
    ctx: &Ctx,
    line: Line,
    ks: usize,
    ke: usize,
    key: &str,
    nested: &dyn Fn(&str) -> bool,
    out: &mut Vec<Raw>,
) -> bool {
    let b = ctx.b;
    let before = ctx.str(line.start..ks).trim_end_matches(['"', '\'', ' ', '\t']);
    let Some(before) = before.strip_suffix([':', '=']) else {
        return false;
    };
    let before = before.trim_end().trim_end_matches(['"', '\'']);
    let naming = if ends_with_ci(before, "name") {
        4
    } else if ends_with_ci(before, "key") {
        3
    } else {
        return false;
    };
    let pre = before.len() - naming;
    if pre > 0 && is_key_char(before.as_bytes()[pre - 1]) {
        return false; // `secretName:`, `key_name =`
    }
    // The token must be the whole value.
    let mut q = ke;
    if q < line.end && matches!(b[q], b'"' | b'\'') {
        q += 1;
    }
    let rest = ctx.str(q..line.end).trim_start();
    if !(rest.is_empty()
        || rest.starts_with(',')
        || rest.starts_with('}')
        || rest.starts_with('#')
        || rest.starts_with("value"))
    {
        return false;
    }
    let Some(class) = classify_key(key) else {
        return true;
    };
    let f = Found::loose(class, key, ctx);
    // Flow style on one line: `{ name = "k", value = "v" }`.
    if let Some(i) = memchr::memmem::find(&b[q..line.end], b"value")
        && let Some(handled) = value_key_at(ctx, line, q + i, &f, nested, out)
    {
        return handled;
    }
    let name_indent = indent(ctx, line);
    let mut cur = line;
    for _ in 0..4 {
        let Some(next) = ctx.next_line(cur) else {
            return true;
        };
        cur = next;
        if is_blank_or_comment(ctx, cur) {
            continue;
        }
        let t = ctx.str(cur.start..cur.end);
        let lead = t.len() - t.trim_start().len();
        let tt = t.trim_start();
        if tt.starts_with("- ") || tt.starts_with('}') || indent(ctx, cur) < name_indent {
            return true;
        }
        let mut p = cur.start + lead;
        if b[p] == b'"' {
            p += 1;
        }
        if let Some(handled) = value_key_at(ctx, cur, p, &f, nested, out) {
            return handled;
        }
    }
    true
}

/// A `value` key at `p`: evaluate its value. `None` when `p` is not a
/// `value` key (`valueFrom`, another key).
fn value_key_at(
    ctx: &Ctx,
    line: Line,
    p: usize,
    f: &Found,
    nested: &dyn Fn(&str) -> bool,
    out: &mut Vec<Raw>,
) -> Option<bool> {
    let b = ctx.b;
    if !ctx.str(p..line.end).starts_with("value") || (p > line.start && is_key_char(b[p - 1])) {
        return None;
    }
    let mut q = p + 5;
    if q < line.end && b[q] == b'"' {
        q += 1;
    }
    q = skip_ws(b, q, line.end);
    if q >= line.end || !matches!(b[q], b':' | b'=') {
        return if q < line.end && is_key_char(b[q]) { Some(true) } else { None };
    }
    let q = skip_ws(b, q + 1, line.end);
    if let Some(val) = parse_value(ctx, line, q, true) {
        evaluate(ctx, line, f, val, nested, out);
    }
    Some(true)
}

/// `variable "db_password" { … default = "literal" … }` in Terraform.
fn hcl_variable(
    ctx: &Ctx,
    line: Line,
    ks: usize,
    ke: usize,
    key: &str,
    nested: &dyn Fn(&str) -> bool,
    out: &mut Vec<Raw>,
) -> bool {
    let b = ctx.b;
    if ks == line.start || b[ks - 1] != b'"' || ke >= line.end || b[ke] != b'"' {
        return false;
    }
    let before = ctx.str(line.start..ks - 1).trim();
    if before != "variable" {
        return false;
    }
    let Some(class) = classify_key(key) else {
        return true;
    };
    let f = Found::loose(class, key, ctx);
    let header_indent = indent(ctx, line);
    let mut cur = line;
    for _ in 0..40 {
        let Some(next) = ctx.next_line(cur) else {
            return true;
        };
        cur = next;
        let t = ctx.str(cur.start..cur.end);
        let tt = t.trim_start();
        if tt.starts_with('}') && indent(ctx, cur) <= header_indent {
            return true;
        }
        if let Some(after) = tt.strip_prefix("default") {
            let after_t = after.trim_start();
            if let Some(v) = after_t.strip_prefix('=') {
                let p = cur.end - v.len();
                let p = skip_ws(b, p, cur.end);
                if let Some(val) = parse_value(ctx, cur, p, false) {
                    evaluate(ctx, cur, &f, val, nested, out);
                }
                return true;
            }
        }
    }
    true
}

/// Shell-style tokens of `line` from `from`: `(start, end)` including quotes.
fn shell_tokens(ctx: &Ctx, line: Line, from: usize, out: &mut Vec<(usize, usize)>) {
    let b = ctx.b;
    let mut p = from;
    while p < line.end {
        p = skip_ws(b, p, line.end);
        if p >= line.end {
            break;
        }
        let s = p;
        let mut quote = 0u8;
        while p < line.end {
            let c = b[p];
            if quote != 0 {
                if c == quote {
                    quote = 0;
                } else if c == b'\\' && quote == b'"' {
                    p += 1;
                }
            } else if c == b'"' || c == b'\'' {
                quote = c;
            } else if is_ws(c) {
                break;
            }
            p += 1;
        }
        out.push((s, p.min(line.end)));
    }
}

/// Strip one pair of surrounding quotes from `s..e`.
fn unquote(b: &[u8], s: usize, e: usize) -> (usize, usize) {
    if e >= s + 2 && matches!(b[s], b'"' | b'\'') && b[e - 1] == b[s] { (s + 1, e - 1) } else { (s, e) }
}

/// Command-line credentials after a known command word at `hit`.
pub(crate) fn on_cli(ctx: &Ctx, line: Line, hit: usize, out: &mut Vec<Raw>) {
    let b = ctx.b;
    if hit > line.start && (b[hit - 1].is_ascii_alphanumeric() || b[hit - 1] == b'_') {
        return;
    }
    let mut ce = hit;
    while ce < line.end && (b[ce].is_ascii_alphanumeric() || b[ce] == b'-') {
        ce += 1;
    }
    let cmd = ctx.str(hit..ce).to_ascii_lowercase();
    if cmd == "htpasswd" {
        htpasswd_batch(ctx, line, ce, out);
        return;
    }
    // (flag, takes `user:password`, attached form allowed, separate form allowed)
    let specs: &[(&str, bool, bool, bool)] = if cmd == "curl" || cmd == "wget" {
        &[("-u", true, true, true), ("--user", true, false, true), ("--proxy-user", true, false, true)]
    } else if cmd.starts_with("mysql") || cmd.starts_with("mariadb") {
        &[("-p", false, true, false)]
    } else if cmd == "login" {
        &[("-p", false, false, true)]
    } else if cmd == "sqlcmd" || cmd == "bcp" || cmd == "osql" {
        &[("-P", false, true, true)]
    } else if cmd == "redis-cli" {
        &[("-a", false, true, true)]
    } else if cmd == "sshpass" {
        &[("-p", false, true, true)]
    } else if cmd.starts_with("mongo") {
        &[("-p", false, false, true)]
    } else if cmd.starts_with("ldap") {
        &[("-w", false, false, true)]
    } else {
        return;
    };
    let mut toks = Vec::new();
    shell_tokens(ctx, line, ce, &mut toks);
    let mut i = 0;
    while i < toks.len() {
        let (s, e) = toks[i];
        let t = ctx.str(s..e);
        if matches!(t, "|" | "||" | "&&" | ";") {
            break;
        }
        for &(flag, userpass, attached, separate) in specs {
            let val = if t == flag && separate && i + 1 < toks.len() {
                Some(toks[i + 1])
            } else if attached && t.len() > flag.len() && t.starts_with(flag) && !t[flag.len()..].starts_with('-') {
                let off = if t.as_bytes()[flag.len()] == b'=' { 1 } else { 0 };
                Some((s + flag.len() + off, e))
            } else {
                None
            };
            let Some((vs, ve)) = val else {
                continue;
            };
            let (mut vs, ve) = unquote(b, vs, ve);
            let mut user = "";
            if userpass {
                let v = ctx.str(vs..ve);
                let Some(c) = v.find(':') else {
                    continue;
                };
                user = &v[..c];
                vs += c + 1;
            }
            let v = ctx.str(vs..ve);
            if crate::detectors::urls::password_ok(user, v, ctx.example)
                && filters::judge_password(v, ctx.example, false)
            {
                out.push(Raw { range: vs..ve, det: &GENERIC_PASSWORD, key: None });
            }
        }
        i += 1;
    }
}

/// `htpasswd -b[c] file user password` / `htpasswd -nb user password`: in
/// batch mode the password is the last argument.
fn htpasswd_batch(ctx: &Ctx, line: Line, from: usize, out: &mut Vec<Raw>) {
    let mut toks = Vec::new();
    shell_tokens(ctx, line, from, &mut toks);
    if let Some(i) = toks.iter().position(|&(s, e)| matches!(ctx.str(s..e), "|" | "||" | "&&" | ";" | ">" | ">>")) {
        toks.truncate(i);
    }
    let batch = toks.iter().any(|&(s, e)| {
        let t = ctx.str(s..e);
        t.starts_with('-') && !t.starts_with("--") && t.contains('b')
    });
    let positional: Vec<_> = toks.iter().filter(|&&(s, e)| !ctx.str(s..e).starts_with('-')).collect();
    if !batch || positional.len() < 2 {
        return;
    }
    let &&(s, e) = positional.last().expect("two positionals");
    let (vs, ve) = unquote(ctx.b, s, e);
    if filters::judge_password(ctx.str(vs..ve), ctx.example, false) {
        out.push(Raw { range: vs..ve, det: &GENERIC_PASSWORD, key: None });
    }
}

/// `echo "literal" | docker login … --password-stdin` (hit at `password-stdin`).
pub(crate) fn on_stdin(ctx: &Ctx, line: Line, hit: usize, out: &mut Vec<Raw>) {
    let seg = ctx.str(line.start..hit);
    let Some(pipe) = seg.rfind('|') else {
        return;
    };
    let left = &seg[..pipe];
    let Some(pos) = left.rfind("echo ").or_else(|| left.rfind("printf ")) else {
        return;
    };
    let word_end = line.start + pos + left[pos..].find(' ').unwrap_or(0);
    let mut toks = Vec::new();
    let l = Line { start: line.start, end: line.start + pipe, next: line.next };
    shell_tokens(ctx, l, word_end, &mut toks);
    let Some(&(s, e)) = toks.iter().rev().find(|(s, e)| !ctx.str(*s..*e).starts_with('-')) else {
        return;
    };
    let (vs, ve) = unquote(ctx.b, s, e);
    let v = ctx.str(vs..ve);
    if filters::judge_password(v, ctx.example, false) {
        out.push(Raw { range: vs..ve, det: &GENERIC_PASSWORD, key: None });
    }
}

/// `ConvertTo-SecureString "literal" -AsPlainText` (hit at `asplaintext`).
pub(crate) fn on_securestring(ctx: &Ctx, line: Line, hit: usize, out: &mut Vec<Raw>) {
    let seg = ctx.str(line.start..hit);
    let lower = seg.to_ascii_lowercase();
    let Some(pos) = lower.rfind("convertto-securestring") else {
        return;
    };
    let from = line.start + pos + "convertto-securestring".len();
    let mut toks = Vec::new();
    let l = Line { start: line.start, end: hit, next: line.next };
    shell_tokens(ctx, l, from, &mut toks);
    let Some(&(s, e)) = toks.iter().find(|(s, _)| matches!(ctx.b[*s], b'"' | b'\'')) else {
        return;
    };
    let (vs, ve) = unquote(ctx.b, s, e);
    let v = ctx.str(vs..ve);
    if filters::judge_password(v, ctx.example, false) {
        out.push(Raw { range: vs..ve, det: &GENERIC_PASSWORD, key: key_before(ctx, line.start + pos) });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_classes() {
        let strong = |k: &str| classify_key(k).map(|c| c.strength) == Some(Strength::Strong);
        let weak = |k: &str| classify_key(k).map(|c| c.strength) == Some(Strength::Weak);
        for k in [
            "DB_PASSWORD",
            "postgresPassword",
            "ansible_ssh_pass",
            "requirepass",
            "PASSWD",
            "client_secret",
            "ClientSecret",
            "api_key",
            "artifactoryApiKey",
            "APP_KEY",
            "LEDGER_JWT_SIGNING_KEY",
            "_authToken",
            "_auth",
            "rabbitmq_erlang_cookie",
            "AZURE_DEVOPS_EXT_PAT",
            "storageKey",
            "access_key",
            "secret_key",
        ] {
            assert!(strong(k), "{k}");
        }
        for k in ["key", "tls.key", "fernetKey", "PAGERDUTY_ROUTING_KEY_X_KEY"] {
            assert!(weak(k) || strong(k), "{k}");
        }
        for k in [
            "private_key_id",
            "DB_PASSWORD_FILE",
            "token_uri",
            "TOKEN_TTL",
            "PASSWORD_MIN_LENGTH",
            "STRIPE_PUBLISHABLE_KEY",
            "existingSecret",
            "secretKeyRef",
            "secretName",
            "kms_key_arn",
            "username",
            "auth_method",
            "SharedAccessKeyName",
            // Helm's `checksum/secret: <sha256>` annotation and its kin.
            "checksum/secret",
            "secret_digest",
            "api_key_fingerprint",
        ] {
            assert!(classify_key(k).is_none(), "{k}");
        }
    }

    #[test]
    fn word_lists_sorted() {
        for list in [&STOP_LAST[..], &VETO_ANY[..], &KEY_QUALIFIERS[..], &PLAIN_KEY_QUALIFIERS[..]] {
            assert!(list.windows(2).all(|w| w[0] < w[1]), "{list:?}");
            assert!(list.iter().all(|w| w.len() <= 16 && !w.bytes().any(|c| c.is_ascii_uppercase())));
        }
    }

    #[test]
    fn words() {
        let mut buf = [""; 24];
        let n = split_words("HTTPServerKey", &mut buf);
        assert_eq!(&buf[..n], &["HTTP", "Server", "Key"]);
        let n = split_words("-Dledger.fx.api-key", &mut buf);
        assert_eq!(&buf[..n], &["Dledger", "fx", "api", "key"]);
    }
}
