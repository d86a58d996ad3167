//! Private keys (PEM, OpenSSH, PGP, age), and base64 blobs that decode to a
//! secret: a PEM on one line, a `.dockerconfigjson`, a Kubernetes `data:`
//! value.

use super::*;
use crate::filters;

pub(crate) fn rules() -> Vec<RuleSpec> {
    vec![RuleSpec {
        keywords: &["age-secret-key-1"],
        pattern: r"\bAGE-SECRET-KEY-1[0-9A-Z]{58}\b",
        group: 0,
        det: |_| &AGE_KEY,
        valid: |v| !token_is_placeholder(v),
    }]
}

const BEGIN: &[u8] = b"-----BEGIN ";

/// `-----BEGIN <label>-----` at `hit`. Reports private keys (one finding
/// from the BEGIN marker to the END marker) and returns the end of any
/// multi-line armoured block, so its body lines are not scanned again.
pub(crate) fn on_pem(ctx: &Ctx, line: Line, hit: usize, out: &mut Vec<Raw>) -> Option<usize> {
    let b = ctx.b;
    if !b[hit..].starts_with(BEGIN) {
        return None;
    }
    let lab_start = hit + BEGIN.len();
    let lim = (lab_start + 80).min(line.end);
    let rel = memchr::memmem::find(&b[lab_start..lim], b"-----")?;
    let label = &b[lab_start..lab_start + rel];
    if label.is_empty() || !label.iter().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == b' ') {
        return None;
    }
    let header_end = lab_start + rel + 5;
    let private = label.ends_with(b"PRIVATE KEY") || label.ends_with(b"PRIVATE KEY BLOCK");
    let mut end_marker = Vec::with_capacity(label.len() + 14);
    end_marker.extend_from_slice(b"-----END ");
    end_marker.extend_from_slice(label);
    end_marker.extend_from_slice(b"-----");
    let search_end = (header_end + 256 * 1024).min(b.len());
    let found = memchr::memmem::find(&b[header_end..search_end], &end_marker).map(|i| header_end + i);
    let (block_end, skip) = match found {
        Some(e) => {
            let block_end = e + end_marker.len();
            let skip = if e >= line.next { Some(ctx.line_at(e).next) } else { None };
            (block_end, skip)
        }
        None => {
            // Unterminated: the block is the run of base64-looking lines below.
            let mut last = line;
            let mut cur = ctx.next_line(line);
            while let Some(l) = cur {
                let t = ctx.str(l.start..l.end).trim().trim_matches(['"', '\'', ',']);
                if t.len() < 16 || !t.bytes().all(|c| filters::is_b64_char(c) || c == b'\\') {
                    break;
                }
                last = l;
                cur = ctx.next_line(l);
            }
            if last.start == line.start { (line.end, None) } else { (last.end, Some(last.next)) }
        }
    };
    if private {
        let body = &b[header_end..block_end.min(b.len())];
        let b64 = body.iter().filter(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/')).count();
        let body_str = ctx.str(header_end..block_end);
        let placeholder = ["...", "\u{2026}", "<", "xxxx", "XXXX", "your"].iter().any(|p| body_str.contains(p));
        if b64 >= 64 && !placeholder {
            let gcp = ctx.str(line.start..hit).contains("private_key");
            out.push(Raw {
                range: hit..block_end,
                det: if gcp { &GCP_SA_KEY } else { &PRIVATE_KEY },
                key: key_before(ctx, hit).or_else(|| block_key(ctx, line, hit)),
            });
        }
    }
    skip
}

/// The key of a block whose first line holds the key material: `key: |`,
/// `key = <<-EOT` on the line above.
fn block_key(ctx: &Ctx, line: Line, hit: usize) -> Option<String> {
    if !ctx.str(line.start..hit).trim().is_empty() {
        return None;
    }
    let prev = ctx.prev_line(line)?;
    let t = ctx.str(prev.start..prev.end).trim_end();
    let (head, tail) = t.rsplit_once([':', '='])?;
    let (head, tail) = (head.trim(), tail.trim());
    let block = tail.starts_with('|') || tail.starts_with('>') || tail.starts_with("<<");
    let key = clean_key(head.trim_start_matches("- ").trim_matches(['"', '\'']));
    (block && !key.is_empty() && key.bytes().all(is_key_char)).then(|| key.to_string())
}

/// A base64 token starting at `hit` whose start decodes to a known secret
/// prefix (`LS0tLS1CRUdJTi` is `-----BEGIN`). `nested` scans decoded text.
pub(crate) fn on_b64(ctx: &Ctx, line: Line, hit: usize, nested: &dyn Fn(&str) -> bool, out: &mut Vec<Raw>) {
    let b = ctx.b;
    if hit > line.start && (b[hit - 1].is_ascii_alphanumeric() || matches!(b[hit - 1], b'+' | b'/')) {
        return; // inside a longer token: the prefix is not at offset 0
    }
    let mut e = hit;
    while e < line.end && filters::is_b64_char(b[e]) {
        e += 1;
    }
    if e - hit < 16 {
        return;
    }
    let mut buf = Vec::new();
    // A very long token decodes by its head, in whole quanta.
    const MAX: usize = 24 * 1024;
    let tok = if e - hit <= MAX { &b[hit..e] } else { &b[hit..hit + MAX] };
    if !filters::b64_decode(tok, &mut buf, usize::MAX) {
        return;
    }
    let Some(text) = filters::printable_text(&buf) else {
        return;
    };
    let head = filters::prefix(text, 120);
    let det: &'static Det = if head.contains("-----BEGIN") && head.contains("PRIVATE KEY") {
        &PRIVATE_KEY
    } else if text.starts_with('{') && text.contains("\"auths\"") {
        if !docker_json_has_creds(text) {
            return;
        }
        &DOCKER_AUTH
    } else if ctx.depth == 0 && nested(text) {
        &K8S_SECRET_DATA
    } else {
        return;
    };
    out.push(Raw { range: hit..e, det, key: key_before(ctx, hit) });
}

/// A Docker config JSON with a non-empty `auth` or literal `password`.
pub(crate) fn docker_json_has_creds(json: &str) -> bool {
    for key in ["\"auth\"", "\"password\"", "\"identitytoken\""] {
        let mut from = 0;
        while let Some(i) = json[from..].find(key) {
            let after = json[from + i + key.len()..].trim_start();
            if let Some(rest) = after.strip_prefix(':') {
                let rest = rest.trim_start();
                if let Some(v) = rest.strip_prefix('"') {
                    let val = v.split('"').next().unwrap_or("");
                    if val.len() >= 4 && !filters::is_reference(val) && !filters::is_placeholder(val, false) {
                        return true;
                    }
                }
            }
            from += i + key.len();
        }
    }
    false
}
