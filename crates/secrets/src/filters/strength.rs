//! Strength: whether a value looks machine-generated (entropy, no words) or,
//! under a password-like key, like a password a person chose.

use super::*;

#[derive(Default, Clone, Copy)]
pub(super) struct Classes {
    pub(super) lower: bool,
    pub(super) upper: bool,
    pub(super) digit: bool,
    pub(super) symbol: bool,
}

impl Classes {
    pub(super) fn of(v: &str) -> Classes {
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
    pub(super) fn count(self) -> u32 {
        self.lower as u32 + self.upper as u32 + self.digit as u32 + self.symbol as u32
    }
}

/// Whether the letters of `v` read as words (`SharedAccessKey`,
/// `debian-12-bookworm`) rather than random characters.
pub(super) fn is_wordy(v: &str) -> bool {
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
pub(super) fn is_wordy_phrase(v: &str) -> bool {
    !Classes::of(v).symbol && is_wordy(v)
}
