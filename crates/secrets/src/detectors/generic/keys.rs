//! Key names: which words make a key secret-ish (a password, a token, a
//! key), which make it name something else (`checksum`, `_file`, `_url`).

use super::*;

/// Last key words that name something other than the secret itself.
#[rustfmt::skip]
pub(super) const STOP_LAST: [&str; 179] = [
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

pub(super) const STOP_LAST_P: [u128; 179] = pack_all(STOP_LAST);

/// Key words that make a key non-secret wherever they appear.
#[rustfmt::skip]
pub(super) const VETO_ANY: [&str; 12] = [
    "anon", "checksum", "ciphertext", "digest", "encrypted", "existing", "fingerprint", "hashed", "pub", "public",
    "publishable", "sealed",
];

pub(super) const VETO_ANY_P: [u128; 12] = pack_all(VETO_ANY);

/// `<qualifier> key` (api key, signing key, …) is a secret key.
#[rustfmt::skip]
pub(super) const KEY_QUALIFIERS: [&str; 50] = [
    "access", "account", "admin", "api", "app", "auth", "bot", "cipher", "client", "consumer", "cookie",
    "crypto", "csrf", "deploy", "encrypt", "encryption", "fernet", "hmac", "integration", "jwt", "licence",
    "license", "management", "master", "merchant", "mfa", "mgmt", "otp", "partner", "private", "recovery",
    "rest", "root", "routing", "sas", "secret", "server", "service", "session", "shared", "sign", "signature",
    "signing", "storage", "subscription", "totp", "unlock", "webhook", "write", "xsrf",
];

pub(super) const KEY_QUALIFIERS_P: [u128; 50] = pack_all(KEY_QUALIFIERS);

/// `<qualifier> key` that names a lookup or identifier, never a secret.
#[rustfmt::skip]
pub(super) const PLAIN_KEY_QUALIFIERS: [&str; 49] = [
    "attribute", "bucket", "cache", "composite", "config", "counter", "cursor", "dedup", "deduplication",
    "field", "foreign", "gpg", "group", "hash", "host", "i18n", "idempotency", "index", "join", "kms",
    "label", "lock", "lookup", "map", "message", "metric", "metrics", "natural", "object", "page",
    "partition", "pgp", "primary", "public", "query", "range", "recv", "row", "s3", "search", "sequence",
    "shard", "sharding", "site", "sort", "ssh", "surrogate", "translation", "unique",
];

pub(super) const PLAIN_KEY_QUALIFIERS_P: [u128; 49] = pack_all(PLAIN_KEY_QUALIFIERS);

#[derive(Clone, Copy, Debug)]
pub(crate) struct KeyClass {
    pub strength: Strength,
    /// A password rather than a token (names the finding `generic-password`).
    pub password: bool,
    /// The value may be `user:password` (`auth`, `basic_auth`, `credentials`).
    pub userpass: bool,
}

pub(super) fn eq_any(w: &str, list: &[&str]) -> bool {
    list.iter().any(|x| w.eq_ignore_ascii_case(x))
}

pub(super) fn ends_with_ci(w: &str, suffix: &str) -> bool {
    w.len() >= suffix.len() && w.as_bytes()[w.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
}

/// Split a key into words at separators and camelCase humps, without allocating.
pub(super) fn split_words<'k>(key: &'k str, out: &mut [&'k str; 24]) -> usize {
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
pub(super) const fn pack(w: &[u8]) -> u128 {
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

pub(super) const fn pack_all<const N: usize>(list: [&str; N]) -> [u128; N] {
    let mut out = [0u128; N];
    let mut i = 0;
    while i < N {
        out[i] = pack(list[i].as_bytes());
        i += 1;
    }
    out
}

pub(super) fn in_list(list: &[u128], w: &[u8]) -> bool {
    w.len() <= 16 && list.binary_search(&pack(w)).is_ok()
}

/// Naive substring test for short, lower-case haystacks.
pub(super) fn has(hay: &[u8], needle: &[u8]) -> bool {
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
