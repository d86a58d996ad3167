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

mod commands;
mod keys;
mod structural;
mod value;

pub(crate) use commands::*;
pub(crate) use keys::*;
use structural::*;
use value::*;

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
