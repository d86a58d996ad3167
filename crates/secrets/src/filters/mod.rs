//! Value filters: references and templates, placeholders, non-secret shapes
//! (paths, digests, UUIDs, …) and the entropy / word-shape tests that decide
//! whether a literal looks like a real credential.

mod placeholder;
mod reference;
mod shape;
mod strength;

pub(crate) use placeholder::*;
pub(crate) use reference::*;
pub(crate) use shape::*;
pub(crate) use strength::*;

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
