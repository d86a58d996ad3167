//! Credentials carried by URLs and HTTP headers: `scheme://user:password@host`
//! (DSNs included), `Authorization: Basic …` and `Bearer …`.

use super::*;
use crate::filters;

/// Whether the password part of a URL or `user:password` pair is a literal secret.
pub(crate) fn password_ok(user: &str, pass: &str, example: bool) -> bool {
    if pass.len() < 4 || pass.len() > 512 {
        return false;
    }
    if filters::is_reference(pass) || filters::is_placeholder(pass, example) {
        return false;
    }
    if pass.contains('[') && pass.contains(']') {
        return false; // [REDACTED], [password]
    }
    if pass.eq_ignore_ascii_case(user) {
        return false; // guest:guest, postgres:postgres
    }
    // A short dictionary word (`secret`, `mypass`) is a documentation sample.
    !(pass.len() <= 8 && pass.bytes().all(|c| c.is_ascii_lowercase()))
}

/// `://` at `hit`: look for a password in the URL's userinfo.
pub(crate) fn on_url(ctx: &Ctx, line: Line, hit: usize, out: &mut Vec<Raw>) {
    let b = ctx.b;
    let mut s = hit;
    while s > line.start && (b[s - 1].is_ascii_alphanumeric() || matches!(b[s - 1], b'+' | b'.' | b'-')) {
        s -= 1;
    }
    if hit - s < 2 || !b[s].is_ascii_alphabetic() {
        return;
    }
    let auth_start = hit + 3;
    let mut e = auth_start;
    while e < line.end && !matches!(b[e], b' ' | b'\t' | b'/' | b'"' | b'\'' | b'`' | b'<' | b'>' | b'\\') {
        e += 1;
    }
    let Some(at) = memchr::memrchr(b'@', &b[auth_start..e]).map(|i| auth_start + i) else {
        return;
    };
    if at + 1 >= e {
        return; // no host
    }
    let Some(colon) = memchr::memchr(b':', &b[auth_start..at]).map(|i| auth_start + i) else {
        return; // user only (Sentry DSN, `oauth2@host`)
    };
    let user = ctx.str(auth_start..colon);
    let pass = ctx.str(colon + 1..at);
    if !password_ok(user, pass, ctx.example) {
        return;
    }
    out.push(Raw { range: colon + 1..at, det: &URL_CREDENTIALS, key: key_before(ctx, s) });
}

/// `Basic <base64>` at `hit` whose decoding is `user:password`.
pub(crate) fn on_basic(ctx: &Ctx, line: Line, hit: usize, out: &mut Vec<Raw>) {
    let b = ctx.b;
    if hit > line.start && b[hit - 1].is_ascii_alphanumeric() {
        return;
    }
    let mut s = hit + 5;
    if s >= line.end || !matches!(b[s], b' ' | b'\t') {
        return;
    }
    while s < line.end && matches!(b[s], b' ' | b'\t') {
        s += 1;
    }
    let mut e = s;
    while e < line.end && (b[e].is_ascii_alphanumeric() || matches!(b[e], b'+' | b'/' | b'=')) {
        e += 1;
    }
    if e - s < 8 {
        return;
    }
    if let Some(range) = basic_credentials(ctx, s, e) {
        out.push(Raw { range, det: &BASIC_AUTH, key: key_before(ctx, hit) });
    }
}

/// `s..e` is base64 of `user:password` with a literal password.
pub(crate) fn basic_credentials(ctx: &Ctx, s: usize, e: usize) -> Option<std::ops::Range<usize>> {
    let mut buf = Vec::new();
    if !filters::b64_decode(&ctx.b[s..e], &mut buf, 4096) {
        return None;
    }
    let text = filters::printable_text(&buf)?;
    let (user, pass) = text.split_once(':')?;
    if user.is_empty() || text.contains(['\n', ' ']) || !password_ok(user, pass, ctx.example) {
        return None;
    }
    Some(s..e)
}

/// `Bearer <token>` at `hit` with a random-looking opaque token (JWTs have
/// their own detector).
pub(crate) fn on_bearer(ctx: &Ctx, line: Line, hit: usize, out: &mut Vec<Raw>) {
    let b = ctx.b;
    if hit > line.start && b[hit - 1].is_ascii_alphanumeric() {
        return;
    }
    let mut s = hit + 6;
    if s >= line.end || !matches!(b[s], b' ' | b'\t') {
        return;
    }
    while s < line.end && matches!(b[s], b' ' | b'\t') {
        s += 1;
    }
    let mut e = s;
    while e < line.end
        && (b[e].is_ascii_alphanumeric() || matches!(b[e], b'.' | b'_' | b'~' | b'+' | b'/' | b'-' | b'='))
    {
        e += 1;
    }
    let tok = ctx.str(s..e);
    if tok.starts_with("eyJ") || !filters::looks_random(tok) || filters::is_placeholder(tok, ctx.example) {
        return;
    }
    out.push(Raw { range: s..e, det: &BEARER_TOKEN, key: key_before(ctx, hit) });
}
