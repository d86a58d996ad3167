//! Placeholders: values written to be replaced (`changeme`, `<your-token>`,
//! `xxxx`, `TODO`), and weak examples in example/template files.

/// How a placeholder word matches a value (any case).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Match {
    /// The whole value is the word (`password`, `none`).
    Whole,
    /// The value contains the word (`changeme`, `your_`, `xxxx`).
    Part,
}

use Match::{Part, Whole};

/// The one list of placeholder words. A word matching as a part is never
/// also listed whole (a test checks), so each value has one reason.
pub(super) const PLACEHOLDERS: &[(&str, Match)] = &[
    ("password", Whole),
    ("passwd", Whole),
    ("pass", Whole),
    ("secret", Whole),
    ("token", Whole),
    ("apikey", Whole),
    ("api_key", Whole),
    ("key", Whole),
    ("none", Whole),
    ("null", Whole),
    ("nil", Whole),
    ("undefined", Whole),
    ("empty", Whole),
    ("true", Whole),
    ("false", Whole),
    ("test", Whole),
    ("testing", Whole),
    ("default", Whole),
    ("value", Whole),
    ("string", Whole),
    ("foo", Whole),
    ("bar", Whole),
    ("foobar", Whole),
    ("demo", Whole),
    ("unset", Whole),
    ("notset", Whole),
    ("required", Whole),
    ("optional", Whole),
    ("secret_value", Whole),
    ("my-secret", Whole),
    ("mysecret", Whole),
    ("mypassword", Whole),
    ("yourpassword", Whole),
    ("supersecret", Whole),
    ("topsecret", Whole),
    ("changeme", Part),
    ("change_me", Part),
    ("change-me", Part),
    ("changeit", Part),
    ("replace_me", Part),
    ("replaceme", Part),
    ("replace-me", Part),
    ("replace_with", Part),
    ("your_", Part),
    ("your-", Part),
    ("yourkey", Part),
    ("yoursecret", Part),
    ("yourtoken", Part),
    ("xxxx", Part),
    ("****", Part),
    ("....", Part),
    ("\u{2026}", Part),
    ("redacted", Part),
    ("dummy", Part),
    ("placeholder", Part),
    ("example", Part),
    ("sample", Part),
    ("todo", Part),
    ("fixme", Part),
    ("not-used", Part),
    ("not_used", Part),
    ("notused", Part),
    ("not-real", Part),
    ("not_real", Part),
    ("notreal", Part),
    ("not-a-", Part),
    ("fake-", Part),
    ("fake_", Part),
    ("-here", Part),
    ("_here", Part),
    ("insert", Part),
    ("<", Part),
    ("test-secret", Part),
    ("test_secret", Part),
    ("do-not-use", Part),
    ("do_not_use", Part),
    ("0000000000", Part),
];

/// Weak "sample" passwords: placeholders only in example/template files.
pub(super) const EXAMPLE_WEAK: &[&str] = &[
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

/// The [`Part`] words in one case-insensitive automaton, built once.
pub(super) fn placeholder_parts() -> &'static aho_corasick::AhoCorasick {
    static AC: std::sync::OnceLock<aho_corasick::AhoCorasick> = std::sync::OnceLock::new();
    AC.get_or_init(|| {
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(PLACEHOLDERS.iter().filter(|(_, m)| *m == Part).map(|(w, _)| w))
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
    if PLACEHOLDERS.iter().any(|(w, m)| *m == Whole && v.eq_ignore_ascii_case(w)) {
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
pub(super) fn has_sequence(b: &[u8], n: usize) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_placeholder_word_is_listed_once_and_one_way() {
        let parts: Vec<&str> = PLACEHOLDERS.iter().filter(|(_, m)| *m == Part).map(|(w, _)| *w).collect();
        for (w, m) in PLACEHOLDERS {
            assert_eq!(PLACEHOLDERS.iter().filter(|(o, _)| o == w).count(), 1, "{w} listed twice");
            if *m == Whole {
                assert!(!parts.iter().any(|p| w.contains(p)), "{w} is already matched as a part");
            }
        }
    }
}
