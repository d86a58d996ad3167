//! Shapes that are not secrets: UUIDs, dates, e-mail addresses, versions,
//! identifiers, paths, digests and hashes, public keys and fingerprints.

use super::*;

pub(super) fn is_uuid(v: &str) -> bool {
    let b = v.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(
            |(i, &c)| {
                if matches!(i, 8 | 13 | 18 | 23) { c == b'-' } else { c.is_ascii_hexdigit() }
            },
        )
}

pub(super) fn is_date_like(v: &str) -> bool {
    let b = v.as_bytes();
    b.len() >= 10
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-'
        && b[8..10].iter().all(u8::is_ascii_digit)
}

pub(super) fn is_email(v: &str) -> bool {
    let Some((user, domain)) = v.split_once('@') else {
        return false;
    };
    !user.is_empty()
        && domain.contains('.')
        && !domain.contains('@')
        && domain.bytes().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-'))
        && domain.rsplit('.').next().is_some_and(|tld| tld.len() >= 2 && tld.bytes().all(|c| c.is_ascii_alphabetic()))
}

pub(super) fn is_version_or_number(v: &str) -> bool {
    let s = v.strip_prefix(['v', 'V']).unwrap_or(v);
    !s.is_empty()
        && s.as_bytes()[0].is_ascii_digit()
        && s.bytes().all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'_' | b',' | b'-' | b'+'))
}

/// UPPER_SNAKE identifier: the name of a variable, not its value.
pub(super) fn is_env_var_name(v: &str) -> bool {
    let b = v.as_bytes();
    b[0].is_ascii_uppercase()
        && b.contains(&b'_')
        && b.iter().all(|&c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == b'_')
}

/// `a.b.c`, `some_name`, `kebab-case-words`: lower-case identifiers.
pub(super) fn is_lower_identifier(v: &str) -> bool {
    v.bytes().all(|c| c.is_ascii_lowercase() || matches!(c, b'.' | b'_' | b'-'))
}

pub(super) fn is_path_like(v: &str) -> bool {
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
pub(super) fn is_short_hex_literal(v: &str) -> bool {
    v.len() <= 18
        && v.len() > 2
        && (v.starts_with("0x") || v.starts_with("0X"))
        && v[2..].bytes().all(|c| c.is_ascii_hexdigit())
}

pub(super) fn has_hash_prefix(v: &str) -> bool {
    const P: &[&str] = &[
        "sha1:", "sha224:", "sha256:", "sha384:", "sha512:", "md5:", "sha1-", "sha256-", "sha384-", "sha512-", "h1:",
        "zh:", "sha256=", "blake2b:", "blake3:", "xxh64:",
    ];
    P.iter().any(|p| starts_with_ci(v, p))
}

pub(super) fn is_public_key_material(v: &str) -> bool {
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
pub(super) fn is_key_fingerprint(v: &str) -> bool {
    v.len() == 40
        && v.bytes().all(|c| c.is_ascii_digit() || (b'A'..=b'F').contains(&c))
        && v.bytes().any(|c| c.is_ascii_alphabetic())
}

/// A crypt(3)/htpasswd/LDAP password hash: a digest, not the password.
pub(super) fn is_password_hash(v: &str) -> bool {
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
pub(super) fn is_public_id(v: &str) -> bool {
    ["pk_live_", "pk_test_", "phc_"].iter().any(|p| v.starts_with(p))
}

/// A code expression: `name(…)`, `a.b(`, `os.environ[…]`.
pub(super) fn is_call(v: &str) -> bool {
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
