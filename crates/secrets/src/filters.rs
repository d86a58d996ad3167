//! Value filters: references and templates, placeholders, non-secret shapes
//! (paths, digests, UUIDs, …) and the entropy / word-shape tests that decide
//! whether a literal looks like a real credential.

/// Case-insensitive substring test; `needle` must be lower-case ASCII.
pub(crate) fn contains_ci(hay: &str, needle: &str) -> bool {
    let h = hay.as_bytes();
    let n = needle.as_bytes();
    if n.is_empty() {
        return true;
    }
    if h.len() < n.len() {
        return false;
    }
    h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
}

fn starts_with_ci(hay: &str, prefix: &str) -> bool {
    hay.len() >= prefix.len() && hay.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

/// The longest prefix of `s` of at most `n` bytes that ends on a char boundary.
pub(crate) fn prefix(s: &str, n: usize) -> &str {
    if n >= s.len() {
        return s;
    }
    let mut i = n;
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    &s[..i]
}

/// Shannon entropy in bits per byte.
pub(crate) fn entropy(s: &[u8]) -> f64 {
    if s.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &b in s {
        counts[b as usize] += 1;
    }
    let n = s.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum()
}

fn b64_val(c: u8) -> Option<u32> {
    Some(match c {
        b'A'..=b'Z' => (c - b'A') as u32,
        b'a'..=b'z' => (c - b'a' + 26) as u32,
        b'0'..=b'9' => (c - b'0' + 52) as u32,
        b'+' | b'-' => 62,
        b'/' | b'_' => 63,
        _ => return None,
    })
}

pub(crate) fn is_b64_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'-' | b'_' | b'=')
}

/// Decode standard or URL-safe base64 (padding optional) into `out`, at most
/// `limit` input bytes. Returns false on a character outside the alphabet or
/// an impossible length.
pub(crate) fn b64_decode(input: &[u8], out: &mut Vec<u8>, limit: usize) -> bool {
    out.clear();
    let input = &input[..input.len().min(limit)];
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    let mut seen_pad = false;
    for &c in input {
        if c == b'=' {
            seen_pad = true;
            continue;
        }
        if seen_pad {
            return false;
        }
        let v = match b64_val(c) {
            Some(v) => v,
            None => return false,
        };
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    // A single leftover sextet cannot encode a byte.
    bits != 6
}

/// Decoded bytes that read as text: valid UTF-8 without control characters
/// other than whitespace.
pub(crate) fn printable_text(bytes: &[u8]) -> Option<&str> {
    let s = std::str::from_utf8(bytes).ok()?;
    if s.is_empty() || s.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return None;
    }
    Some(s)
}

/// References, templates and indirections: the literal is not the secret.
pub(crate) fn is_reference(v: &str) -> bool {
    let b = v.as_bytes();
    if b.is_empty() {
        return true;
    }
    if b[0] == b'$' {
        return true; // $X ${X} $(cmd) $[expr] $__file{…} $$X
    }
    for pat in ["${", "$(", "{{", "}}", "{%", "#{", "%(", "%{", "$__", "<%"] {
        if v.contains(pat) {
            return true;
        }
    }
    // %VAR%, and token-replacement markers: __VAR__, @@VAR@@, ##VAR##.
    for (open, close) in [("%", "%"), ("__", "__"), ("@@", "@@"), ("##", "##")] {
        if v.len() > open.len() + close.len() && v.starts_with(open) && v.ends_with(close) {
            return true;
        }
    }
    const PREFIXES: &[&str] = &[
        "@microsoft.keyvault(",
        "enc[",
        "vault:",
        "op://",
        "arn:",
        "secretsmanager:",
        "ssm:",
        "sm://",
        "gcpsm://",
        "akv://",
        "env:",
        "file:",
        "classpath:",
        "fd:",
        "var.",
        "local.",
        "data.",
        "module.",
        "each.",
        "count.",
        "path.",
        "self.",
        "terraform.",
        "<<",
        "!vault",
        "!ref",
        "!sub",
        "!getatt",
        "!importvalue",
        "!join",
        "!select",
        "!findinmap",
        "!base64",
        "!if",
        "!env",
        "!reference",
        "!secret",
        "process.env",
        "os.environ",
        "os.getenv",
        "system.getenv",
        "env(",
        "env[",
        "getenv(",
        "lookup(",
        "secret(",
        "file(",
        "filebase64(",
        "templatefile(",
    ];
    if PREFIXES.iter().any(|p| starts_with_ci(v, p)) {
        return true;
    }
    // YAML alias `*name`.
    if b[0] == b'*'
        && b.len() > 1
        && b[1].is_ascii_alphabetic()
        && b.iter().all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'*' | b'_' | b'-'))
    {
        return true;
    }
    false
}

/// Exact values (any file) that are evidently placeholders.
const PLACEHOLDER_EXACT: &[&str] = &[
    "password",
    "passwd",
    "pass",
    "secret",
    "token",
    "apikey",
    "api_key",
    "key",
    "none",
    "null",
    "nil",
    "undefined",
    "empty",
    "true",
    "false",
    "test",
    "testing",
    "default",
    "value",
    "string",
    "foo",
    "bar",
    "foobar",
    "demo",
    "changeit",
    "changeme",
    "unset",
    "notset",
    "required",
    "optional",
    "example",
    "sample",
    "secret_value",
    "my-secret",
    "mysecret",
    "mypassword",
    "yourpassword",
    "supersecret",
    "topsecret",
];

/// Weak "sample" passwords: placeholders only in example/template files.
const EXAMPLE_WEAK: &[&str] = &[
    "password1",
    "password12",
    "password123",
    "password1234",
    "passw0rd",
    "p@ssw0rd",
    "p@ssword",
    "admin",
    "admin123",
    "secret123",
    "test123",
    "pass123",
    "123456",
    "12345678",
    "123456789",
    "qwerty",
    "letmein",
    "welcome1",
    "root",
    "toor",
    "guest",
    "user",
    "postgres",
    "mysql",
    "redis",
    "changeme123",
    "secret1",
];

/// Substrings (lower-case) that mark a value as a placeholder.
const PLACEHOLDER_PARTS: &[&str] = &[
    "changeme",
    "change_me",
    "change-me",
    "changeit",
    "replace_me",
    "replaceme",
    "replace-me",
    "replace_with",
    "your_",
    "your-",
    "yourkey",
    "yoursecret",
    "yourtoken",
    "xxxx",
    "****",
    "....",
    "\u{2026}",
    "redacted",
    "dummy",
    "placeholder",
    "example",
    "sample",
    "todo",
    "fixme",
    "not-used",
    "not_used",
    "notused",
    "not-real",
    "not_real",
    "notreal",
    "not-a-",
    "fake-",
    "fake_",
    "-here",
    "_here",
    "insert",
    "<",
    "test-secret",
    "test_secret",
    "do-not-use",
    "do_not_use",
    "0000000000",
];

/// All [`PLACEHOLDER_PARTS`] in one case-insensitive automaton, built once.
fn placeholder_parts() -> &'static aho_corasick::AhoCorasick {
    static AC: std::sync::OnceLock<aho_corasick::AhoCorasick> = std::sync::OnceLock::new();
    AC.get_or_init(|| {
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(PLACEHOLDER_PARTS)
            .expect("placeholder automaton builds")
    })
}

pub(crate) fn is_placeholder(v: &str, example_file: bool) -> bool {
    let b = v.as_bytes();
    if b.len() < 4 {
        return true;
    }
    // One repeated character: ********, xxxxxxxx, 00000000.
    if b.iter().all(|&c| c == b[0]) {
        return true;
    }
    if PLACEHOLDER_EXACT.iter().any(|p| v.eq_ignore_ascii_case(p)) {
        return true;
    }
    if example_file && EXAMPLE_WEAK.iter().any(|p| v.eq_ignore_ascii_case(p)) {
        return true;
    }
    if placeholder_parts().is_match(v) {
        return true;
    }
    // Typed-in sequences (123456, abcdef): improbable in a generated value.
    if has_sequence(b, 6) {
        return true;
    }
    // `sk-...`: a vendor prefix followed by nothing but dots or stars.
    let tail = v.trim_end_matches(['.', '*', 'x', 'X', '#', '?']);
    tail.len() + 3 <= v.len() && tail.len() <= 8
}

/// A run of `n` consecutive ascending characters (`3456789`, `cdefgh`).
fn has_sequence(b: &[u8], n: usize) -> bool {
    let mut run = 1;
    for w in b.windows(2) {
        if w[0].is_ascii_alphanumeric() && w[1] == w[0].wrapping_add(1) {
            run += 1;
            if run >= n {
                return true;
            }
        } else {
            run = 1;
        }
    }
    false
}

fn is_uuid(v: &str) -> bool {
    let b = v.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(
            |(i, &c)| {
                if matches!(i, 8 | 13 | 18 | 23) { c == b'-' } else { c.is_ascii_hexdigit() }
            },
        )
}

fn is_date_like(v: &str) -> bool {
    let b = v.as_bytes();
    b.len() >= 10
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-'
        && b[8..10].iter().all(u8::is_ascii_digit)
}

fn is_email(v: &str) -> bool {
    let Some((user, domain)) = v.split_once('@') else {
        return false;
    };
    !user.is_empty()
        && domain.contains('.')
        && !domain.contains('@')
        && domain.bytes().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-'))
        && domain.rsplit('.').next().is_some_and(|tld| tld.len() >= 2 && tld.bytes().all(|c| c.is_ascii_alphabetic()))
}

fn is_version_or_number(v: &str) -> bool {
    let s = v.strip_prefix(['v', 'V']).unwrap_or(v);
    !s.is_empty()
        && s.as_bytes()[0].is_ascii_digit()
        && s.bytes().all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'_' | b',' | b'-' | b'+'))
}

/// UPPER_SNAKE identifier: the name of a variable, not its value.
fn is_env_var_name(v: &str) -> bool {
    let b = v.as_bytes();
    b[0].is_ascii_uppercase()
        && b.contains(&b'_')
        && b.iter().all(|&c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == b'_')
}

/// `a.b.c`, `some_name`, `kebab-case-words`: lower-case identifiers.
fn is_lower_identifier(v: &str) -> bool {
    v.bytes().all(|c| c.is_ascii_lowercase() || matches!(c, b'.' | b'_' | b'-'))
}

fn is_path_like(v: &str) -> bool {
    if v.starts_with("./") || v.starts_with("../") || v.starts_with("~/") || v.starts_with("\\\\") {
        return true;
    }
    let b = v.as_bytes();
    if b.len() > 2 && b[0].is_ascii_alphabetic() && b[1] == b':' && (b[2] == b'\\' || b[2] == b'/') {
        return true;
    }
    if v.contains('+') || v.ends_with('=') {
        return false; // base64
    }
    if v.starts_with('/') && v.len() > 1 && (b[1].is_ascii_alphabetic() || b[1] == b'.' || b[1] == b'_') {
        return true;
    }
    if v.contains('/') {
        // Vault paths and the like: every segment lower-case words.
        let wordy = v.split('/').all(|seg| {
            seg.bytes()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, b'-' | b'_' | b'.' | b'@' | b':'))
        });
        if wordy {
            return true;
        }
    }
    const EXTS: &[&str] = &[
        ".pem",
        ".key",
        ".crt",
        ".cer",
        ".json",
        ".txt",
        ".p12",
        ".pfx",
        ".jks",
        ".gpg",
        ".asc",
        ".pass",
        ".env",
        ".yaml",
        ".yml",
        ".conf",
        ".cfg",
        ".ini",
        ".tfstate",
        ".keystore",
        ".pub",
        ".der",
        ".csr",
    ];
    EXTS.iter().any(|e| v.len() > e.len() && v.to_ascii_lowercase().ends_with(e))
}

/// `0x3AA5C34371567BD2`: a key ID or address written as a hex literal.
fn is_short_hex_literal(v: &str) -> bool {
    v.len() <= 18
        && v.len() > 2
        && (v.starts_with("0x") || v.starts_with("0X"))
        && v[2..].bytes().all(|c| c.is_ascii_hexdigit())
}

fn has_hash_prefix(v: &str) -> bool {
    const P: &[&str] = &[
        "sha1:", "sha224:", "sha256:", "sha384:", "sha512:", "md5:", "sha1-", "sha256-", "sha384-", "sha512-", "h1:",
        "zh:", "sha256=", "blake2b:", "blake3:", "xxh64:",
    ];
    P.iter().any(|p| starts_with_ci(v, p))
}

fn is_public_key_material(v: &str) -> bool {
    const P: &[&str] = &[
        "ssh-rsa",
        "ssh-ed25519",
        "ssh-dss",
        "ecdsa-sha2-",
        "sk-ssh-",
        "sk-ecdsa-",
        "-----begin public",
        "-----begin certificate",
        "-----begin pgp public",
        "-----begin ssh2 public",
        "npub1",
    ];
    if P.iter().any(|p| starts_with_ci(v, p)) || v.contains("ssh-ed25519 ") || v.contains("ssh-rsa ") {
        return true;
    }
    // age recipient (public key): age1 + 58 bech32 characters.
    v.len() == 62 && v.starts_with("age1") && v[4..].bytes().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
}

/// An OpenPGP fingerprint as `gpg` prints it: 40 upper-case hex digits.
fn is_key_fingerprint(v: &str) -> bool {
    v.len() == 40
        && v.bytes().all(|c| c.is_ascii_digit() || (b'A'..=b'F').contains(&c))
        && v.bytes().any(|c| c.is_ascii_alphabetic())
}

/// A crypt(3)/htpasswd/LDAP password hash: a digest, not the password.
fn is_password_hash(v: &str) -> bool {
    const MARKERS: &[&str] = &[
        "$apr1$",
        "$2a$",
        "$2b$",
        "$2y$",
        "$1$",
        "$5$",
        "$6$",
        "$argon2",
        "$pbkdf2",
        "$scrypt$",
        "{SHA}",
        "{SSHA}",
        "{SSHA256}",
        "{SSHA512}",
        "{CRYPT}",
        "{PBKDF2",
    ];
    MARKERS.iter().any(|m| v.contains(m))
}

/// Identifiers meant to be public: Stripe publishable keys, PostHog
/// project keys.
fn is_public_id(v: &str) -> bool {
    ["pk_live_", "pk_test_", "phc_"].iter().any(|p| v.starts_with(p))
}

/// A code expression: `name(…)`, `a.b(`, `os.environ[…]`.
fn is_call(v: &str) -> bool {
    let Some(i) = v.find(['(', '[']) else {
        return false;
    };
    i > 0
        && v[..i].bytes().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b':'))
        && v.as_bytes()[0].is_ascii_alphabetic()
}

/// Shapes that are never a hardcoded credential whatever the key says.
pub(crate) fn is_non_secret_shape(v: &str) -> bool {
    let b = v.as_bytes();
    if b.is_empty() {
        return true;
    }
    if b.iter().any(|c| c.is_ascii_whitespace()) {
        return true; // prose, commands, lists
    }
    if matches!(b[0], b'{' | b'[' | b'(') || v.starts_with("--") {
        return true;
    }
    if v.contains("://") {
        return true; // URLs are judged by the URL detector
    }
    if v.contains(';') && v.contains('=') {
        return true; // connection strings are judged by their own detectors
    }
    is_uuid(v)
        || is_date_like(v)
        || is_email(v)
        || is_version_or_number(v)
        || is_env_var_name(v)
        || is_lower_identifier(v)
        || has_hash_prefix(v)
        || is_public_key_material(v)
        || is_path_like(v)
        || is_call(v)
        || is_key_fingerprint(v)
        || is_short_hex_literal(v)
        || is_password_hash(v)
        || is_public_id(v)
        || v.ends_with(".apps.googleusercontent.com")
        || v.to_ascii_lowercase().starts_with("-----begin")
}

#[derive(Default, Clone, Copy)]
struct Classes {
    lower: bool,
    upper: bool,
    digit: bool,
    symbol: bool,
}

impl Classes {
    fn of(v: &str) -> Classes {
        let mut c = Classes::default();
        for ch in v.chars() {
            match ch {
                'a'..='z' => c.lower = true,
                'A'..='Z' => c.upper = true,
                '0'..='9' => c.digit = true,
                '-' | '_' | '.' => {}
                _ => c.symbol = true,
            }
        }
        c
    }
    fn count(self) -> u32 {
        self.lower as u32 + self.upper as u32 + self.digit as u32 + self.symbol as u32
    }
}

/// Whether the letters of `v` read as words (`SharedAccessKey`,
/// `debian-12-bookworm`) rather than random characters.
fn is_wordy(v: &str) -> bool {
    let b = v.as_bytes();
    let mut short = 0usize;
    let mut runs = 0usize;
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_alphabetic() {
            i += 1;
            continue;
        }
        // A word: an upper-case run (an acronym, or one capital) then lower case.
        let start = i;
        while i < b.len() && b[i].is_ascii_uppercase() {
            i += 1;
        }
        let upper_len = i - start;
        if upper_len > 1 && i < b.len() && b[i].is_ascii_lowercase() {
            i -= 1; // `HTTPServer`: the last capital starts the next word
        }
        while i < b.len() && b[i].is_ascii_lowercase() {
            i += 1;
        }
        if i == start {
            i += 1;
            continue;
        }
        let word = &b[start..i];
        runs += 1;
        if word.len() <= 2 {
            short += 1;
            continue;
        }
        let mut cluster = 0;
        let mut max_cluster = 0;
        let mut vowels = 0;
        for &c in word {
            if matches!(c.to_ascii_lowercase(), b'a' | b'e' | b'i' | b'o' | b'u' | b'y') {
                vowels += 1;
                cluster = 0;
            } else {
                cluster += 1;
                max_cluster = max_cluster.max(cluster);
            }
        }
        if vowels == 0 || max_cluster >= 5 || vowels * 5 < word.len() {
            return false;
        }
    }
    runs > 0 && short <= 1 + b.len() / 16
}

/// A machine-generated token: long, high entropy, not made of words.
pub(crate) fn looks_random(v: &str) -> bool {
    let b = v.as_bytes();
    let n = v.chars().count();
    if n < 16 || b.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let h = entropy(b);
    let hex = b.iter().all(u8::is_ascii_hexdigit);
    if hex {
        let has_alpha = b.iter().any(u8::is_ascii_alphabetic);
        let has_digit = b.iter().any(u8::is_ascii_digit);
        return has_alpha && has_digit && h >= 2.8;
    }
    let c = Classes::of(v);
    let alnum_classes = c.lower as u32 + c.upper as u32 + c.digit as u32;
    if alnum_classes <= 1 {
        return h >= 3.5 && !is_wordy(v) && !c.digit;
    }
    h >= 3.2 && !is_wordy(v)
}

/// A human-chosen password: mixed character classes (`Summer2024!Deploy`).
pub(crate) fn looks_human_password(v: &str) -> bool {
    let n = v.chars().count();
    if !(8..=64).contains(&n) {
        return false;
    }
    Classes::of(v).count() >= 3
}

/// How much a key name promises a secret value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Strength {
    /// `*_key` with an unknown qualifier: only machine-looking values count.
    Weak,
    /// password / secret / token / api key …: human passwords count too.
    Strong,
}

/// Judge a literal found under a secret-ish key.
/// `strict` (whitespace-separated `key value`, prose) asks for more.
pub(crate) fn judge_value(v: &str, strength: Strength, example_file: bool, strict: bool) -> bool {
    if v.len() < 6 || v.len() > 4096 || is_lower_identifier(v) {
        return false;
    }
    // Shape first (cheap, rejects most words and settings), filters last.
    let random = looks_random(v);
    let human = !random
        && strength == Strength::Strong
        && looks_human_password(v)
        && (!strict || (v.chars().count() >= 10 && !is_wordy_phrase(v)));
    if !(random || human) {
        return false;
    }
    !(is_reference(v) || is_non_secret_shape(v) || is_placeholder(v, example_file))
}

/// Judge a literal under a password key: like [`judge_value`], plus
/// two-class human passwords without separators (`letmein2024`).
pub(crate) fn judge_password(v: &str, example_file: bool, strict: bool) -> bool {
    if judge_value(v, Strength::Strong, example_file, strict) {
        return true;
    }
    if strict || v.len() < 10 || v.len() > 64 || !v.bytes().all(|x| x.is_ascii_alphanumeric()) {
        return false;
    }
    let c = Classes::of(v);
    if !((c.lower ^ c.upper) && c.digit) {
        return false;
    }
    let dictionary =
        ["pass", "secret", "admin", "test", "user", "demo", "example", "default"].iter().any(|w| contains_ci(v, w));
    !(dictionary || is_reference(v) || is_non_secret_shape(v) || is_placeholder(v, example_file))
}

/// `Some-Setting.Value2` style: words and digits joined by separators, no
/// other symbol — reads as a setting rather than a chosen password.
fn is_wordy_phrase(v: &str) -> bool {
    !Classes::of(v).symbol && is_wordy(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references() {
        for r in [
            "${secrets.DB_PASSWORD}",
            "${{ secrets.X }}",
            "${var.x}",
            "$X",
            "${X:-}",
            "$(cat /run/secrets/x)",
            "%DB_PASSWORD%",
            "%(ENV_X)s",
            "$__file{/etc/x}",
            "{{ .Values.x }}",
            "{{ vault_x }}",
            "ENC[AES256_GCM,data:abc]",
            "var.x",
            "random_password.x.result",
            "@Microsoft.KeyVault(SecretUri=https://x/)",
            "arn:aws:secretsmanager:eu-west-1:1:secret:x",
        ] {
            assert!(is_reference(r) || is_non_secret_shape(r), "{r}");
        }
        assert!(!is_reference("Summer2024!Deploy"));
    }

    #[test]
    fn placeholders() {
        for p in [
            "changeme",
            "<your-api-key>",
            "REPLACE_ME",
            "xxxxxxxxxxxx",
            "********",
            "TODO",
            "dummy",
            "[REDACTED]",
            "sk-...",
            "sk_test_dummy",
            "test-secret-not-used-in-prod",
            "your_auth_token",
            "changeit",
        ] {
            assert!(is_placeholder(p, false), "{p}");
        }
        assert!(is_placeholder("password123", true));
        assert!(!is_placeholder("password123", false));
        assert!(!is_placeholder("Summer2024!Deploy", false));
    }

    #[test]
    fn shapes() {
        for s in [
            "d7ba82fb-0f16-4f17-8765-a6bfd82b422e",
            "2024-11-05T21:03:11+00:00",
            "postmaster@mg.ferrybook.app",
            "1.2.3",
            "SENDGRID_API_KEY",
            "tidewater.settings.prod",
            "/run/secrets/db",
            "secret/data/app/db",
            "sha256:abcdef",
            "ssh-ed25519",
            "os.environ[",
            "portal.prod.tfstate",
            "a b",
        ] {
            assert!(is_non_secret_shape(s), "{s}");
        }
        assert!(!is_non_secret_shape("pucHPpe5GTA7wg3/Uu3FZJEdoXsDU/Hu96sCZOXO"));
        assert!(!is_non_secret_shape("Gr@fana-Obs-2024"));
    }

    #[test]
    fn randomness() {
        let hex = ["4574174a", "1608db5a", "cfeb6473", "53ba2bec"].concat();
        assert!(looks_random(&hex));
        assert!(looks_random(&["XZEDVENJ", "CHMZYSVY", "UOYW"].concat()));
        assert!(looks_random(&["XVnWPG7o", "uXHl3B8Y", "xjt3t4Al"].concat()));
        assert!(!looks_random("RootManageSharedAccessKey"));
        assert!(!looks_random("debian-12-bookworm-v20240910"));
        assert!(looks_human_password("Summer2024!Deploy"));
        assert!(looks_human_password("Metabase-r3ad-only"));
        assert!(!looks_human_password("harbor-uploader"));
    }

    #[test]
    fn base64() {
        let mut out = Vec::new();
        assert!(b64_decode(b"aGVsbG8=", &mut out, 1000));
        assert_eq!(out, b"hello");
        assert!(b64_decode(b"aGVsbG8", &mut out, 1000));
        assert_eq!(out, b"hello");
        assert!(!b64_decode(b"a$b", &mut out, 1000));
    }

    #[test]
    fn entropy_bounds() {
        assert_eq!(entropy(b"aaaa"), 0.0);
        assert!((entropy(b"ab") - 1.0).abs() < 1e-9);
    }
}
