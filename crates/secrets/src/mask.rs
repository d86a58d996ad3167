//! Masking, reference names and fingerprints: everything that is shown to a
//! user is derived here, and none of it contains the secret.

use crate::SecretFinding;

/// At most the public vendor prefix (≤ 4 characters) of `value`, then `…`.
pub(crate) fn mask(value: &str, public_prefix: u8) -> String {
    let n = (public_prefix as usize).min(4);
    let mut out: String = value.chars().take(n).collect();
    // A short value must not be shown almost entirely.
    if value.chars().count() < n * 3 {
        out.clear();
    }
    out.push('\u{2026}');
    out
}

/// UPPER_SNAKE form of a key: `stripe.secretKey` → `STRIPE_SECRET_KEY`.
fn upper_snake(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 4);
    let b = key.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        if c.is_ascii_alphanumeric() {
            let hump = i > 0
                && c.is_ascii_uppercase()
                && (b[i - 1].is_ascii_lowercase()
                    || b[i - 1].is_ascii_digit()
                    || (b[i - 1].is_ascii_uppercase() && b.get(i + 1).is_some_and(u8::is_ascii_lowercase)));
            if hump && !out.ends_with('_') && !out.is_empty() {
                out.push('_');
            }
            out.push(c.to_ascii_uppercase() as char);
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
    }
    while out.ends_with('_') {
        out.pop();
    }
    if out.as_bytes().first().is_some_and(u8::is_ascii_digit) {
        out.insert(0, '_');
    }
    out
}

/// A `${secrets.NAME}` name for the finding: its key in UPPER_SNAKE
/// (`DB_PASSWORD`, `STRIPE_API_KEY`), else its detector id.
/// A password inside a URL is named after the URL key (`DATABASE_URL` →
/// `DATABASE_PASSWORD`).
pub fn suggested_reference_name(f: &SecretFinding) -> String {
    let from_key = f.key_name.as_deref().map(upper_snake).filter(|s| !s.is_empty());
    match from_key {
        Some(k) if f.detector == "url-credentials" => {
            for suffix in ["_URL", "_URI", "_DSN", "_ADDRESSES", "_ADDRESS", "_CONN", "_CONNECTION"] {
                if let Some(stem) = k.strip_suffix(suffix) {
                    return format!("{stem}_PASSWORD");
                }
            }
            format!("{k}_PASSWORD")
        }
        Some(k) => k,
        None => upper_snake(f.detector),
    }
}

/// A stable fingerprint of a secret value for allowlists: 64-bit FNV-1a over
/// the UTF-8 bytes, as 16 lower-case hex digits. It identifies a value
/// without storing it; it is not a cryptographic commitment (short human
/// passwords can be brute-forced from it), so keep allowlists private.
pub fn fingerprint(value: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in value.as_bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(key: Option<&str>, det: &'static str) -> SecretFinding {
        SecretFinding {
            range: 0..1,
            detector: det,
            code: "secret/test",
            description: "",
            key_name: key.map(str::to_string),
            masked: String::new(),
        }
    }

    #[test]
    fn names() {
        assert_eq!(suggested_reference_name(&f(Some("DB_PASSWORD"), "generic-password")), "DB_PASSWORD");
        assert_eq!(suggested_reference_name(&f(Some("stripe_api_key"), "stripe-key")), "STRIPE_API_KEY");
        assert_eq!(suggested_reference_name(&f(Some("stripe.secretKey"), "stripe-key")), "STRIPE_SECRET_KEY");
        assert_eq!(suggested_reference_name(&f(Some("postgresPassword"), "x")), "POSTGRES_PASSWORD");
        assert_eq!(suggested_reference_name(&f(Some("ledger.fx.api-key"), "x")), "LEDGER_FX_API_KEY");
        assert_eq!(suggested_reference_name(&f(Some("DATABASE_URL"), "url-credentials")), "DATABASE_PASSWORD");
        assert_eq!(suggested_reference_name(&f(None, "github-token")), "GITHUB_TOKEN");
        assert_eq!(suggested_reference_name(&f(Some("HTTPServerKey"), "x")), "HTTP_SERVER_KEY");
    }

    #[test]
    fn masking() {
        assert_eq!(mask("ghp_abcdefghijklmnop", 4), "ghp_\u{2026}");
        assert_eq!(mask("sk_live_abcdefghijkl", 8), "sk_l\u{2026}");
        assert_eq!(mask("hunter22", 0), "\u{2026}");
        assert_eq!(mask("AKIA", 4), "\u{2026}");
    }

    #[test]
    fn fnv() {
        // FNV-1a 64 test vectors.
        assert_eq!(fingerprint(""), "cbf29ce484222325");
        assert_eq!(fingerprint("a"), "af63dc4c8601ec8c");
        assert_eq!(fingerprint("foobar"), "85944171f73967e8");
    }
}
