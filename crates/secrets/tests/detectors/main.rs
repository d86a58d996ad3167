//! Positive and negative cases per detector family, one file each. Fake credentials are
//! assembled at runtime (`cat`) so this file does not itself look like a leak.

use smaqit_secrets::{Scanner, SecretFinding, fingerprint, is_scannable_path, looks_binary, suggested_reference_name};
use std::path::Path;
use std::sync::OnceLock;

fn scanner() -> &'static Scanner {
    static S: OnceLock<Scanner> = OnceLock::new();
    S.get_or_init(Scanner::new)
}

fn cat(parts: &[&str]) -> String {
    parts.concat()
}

/// Deterministic pseudo-random alphanumerics (no PRNG crate).
fn rnd(n: usize, seed: u64) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            A[(x % 62) as usize] as char
        })
        .collect()
}

fn b64(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn scan(path: &str, text: &str) -> Vec<SecretFinding> {
    scanner().scan(Path::new(path), text)
}

fn line_of(text: &str, pos: usize) -> usize {
    text[..pos].matches('\n').count() + 1
}

/// Exactly one finding, on `line`, by `detector`, whose value is `value`.
#[track_caller]
fn found(path: &str, text: &str, line: usize, detector: &str, value: &str) {
    let f = scan(path, text);
    let hits: Vec<_> = f.iter().map(|f| (line_of(text, f.range.start), f.detector, &text[f.range.clone()])).collect();
    assert!(
        hits.iter().any(|&(l, d, v)| l == line && d == detector && v == value),
        "expected {detector} on line {line} with the planted value in {path}; got {:?}",
        hits.iter().map(|h| (h.0, h.1)).collect::<Vec<_>>()
    );
}

/// A finding (any detector) on `line`.
#[track_caller]
fn found_on(path: &str, text: &str, line: usize) {
    let f = scan(path, text);
    assert!(
        f.iter().any(|f| line_of(text, f.range.start) == line),
        "expected a finding on line {line} of {path}; got {:?}",
        f.iter().map(|f| (line_of(text, f.range.start), f.detector)).collect::<Vec<_>>()
    );
}

#[track_caller]
fn clean(path: &str, text: &str) {
    let f = scan(path, text);
    assert!(
        f.is_empty(),
        "expected no finding in {path}; got {:?}",
        f.iter().map(|f| (line_of(text, f.range.start), f.detector, f.key_name.clone())).collect::<Vec<_>>()
    );
}

mod api;
mod cloud;
mod generic;
mod keys;
mod robustness;
mod saas;
mod urls;
mod vcs;
