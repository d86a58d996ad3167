//! Cloud providers: AWS, Azure, Google Cloud.
//!
//! AWS secret access keys and session tokens, and bare Azure storage keys,
//! have no recognisable prefix; the generic detector finds them by key name
//! and [`reclassify`] names them.

use super::*;

fn aws_key_id_ok(v: &str) -> bool {
    !token_is_placeholder(v) && !v.ends_with("EXAMPLE")
}

fn not_placeholder(v: &str) -> bool {
    !token_is_placeholder(v)
}

pub(crate) fn rules() -> Vec<RuleSpec> {
    vec![
        RuleSpec {
            keywords: &["akia", "asia", "abia", "acca"],
            pattern: r"\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b",
            group: 0,
            det: |_| &AWS_ACCESS_KEY,
            valid: aws_key_id_ok,
        },
        RuleSpec {
            keywords: &["aiza"],
            pattern: r"\b(AIza[0-9A-Za-z_\-]{35})(?:[^0-9A-Za-z_\-]|$)",
            group: 1,
            det: |_| &GOOGLE_API_KEY,
            valid: not_placeholder,
        },
        RuleSpec {
            keywords: &["accountkey=", "sharedaccesskey="],
            pattern: r"(?i)\b(?:AccountKey|SharedAccessKey)=([A-Za-z0-9+/]{20,}={0,2})",
            group: 1,
            det: |_| &AZURE_CONN,
            valid: not_placeholder,
        },
        RuleSpec {
            keywords: &["sharedaccesssignature="],
            pattern: r"(?i)\bSharedAccessSignature=[^;'\x22\s]*\bsig=([A-Za-z0-9%+/=]{20,})",
            group: 1,
            det: |_| &AZURE_CONN,
            valid: not_placeholder,
        },
        RuleSpec {
            // A SAS token in a URL: signed version plus signature.
            keywords: &["&sig=", "?sig="],
            pattern: r"[?&]sv=\d{4}-\d{2}-\d{2}&[^\s'\x22<>]*?\bsig=([A-Za-z0-9%+/=]{30,})",
            group: 1,
            det: |_| &AZURE_SAS,
            valid: not_placeholder,
        },
        RuleSpec {
            // Azure AD client secrets: 3 characters, a digit, `Q~`, then 31-34.
            keywords: &["q~"],
            pattern: r"(?:^|[^A-Za-z0-9_~.\-])([A-Za-z0-9_~.\-]{3}[0-9]Q~[A-Za-z0-9_~.\-]{31,34})(?:[^A-Za-z0-9_~.\-]|$)",
            group: 1,
            det: |_| &AZURE_CLIENT_SECRET,
            valid: not_placeholder,
        },
    ]
}

/// Name a value the generic detector accepted when its key and shape say
/// which cloud credential it is.
pub(crate) fn reclassify(ctx: &Ctx, key_words: &str, value: &str, value_start: usize) -> Option<&'static Det> {
    let k = key_words;
    let b64ish = |v: &str| v.bytes().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'='));
    if value.len() == 40
        && b64ish(value)
        && k.contains("secret")
        && (k.contains("aws") || k.contains("access") || near_aws_key_id(ctx, value_start))
    {
        return Some(&AWS_SECRET_KEY);
    }
    if (k.contains("session_token") || k.contains("security_token")) && value.len() >= 100 && b64ish(value) {
        return Some(&AWS_SESSION_TOKEN);
    }
    if value.len() == 88 && value.ends_with("==") && b64ish(value) && (k.contains("key") || k.contains("storage")) {
        return Some(&AZURE_STORAGE_KEY);
    }
    if k.contains("twilio") && k.contains("token") && value.len() == 32 && value.bytes().all(|c| c.is_ascii_hexdigit())
    {
        return Some(&TWILIO_AUTH_TOKEN);
    }
    None
}

/// An AWS access key ID within a few lines of `pos`: a 40-character value
/// next to it is its secret key.
fn near_aws_key_id(ctx: &Ctx, pos: usize) -> bool {
    let lo = pos.saturating_sub(400);
    let hi = (pos + 400).min(ctx.b.len());
    let w = &ctx.b[lo..hi];
    w.windows(4).any(|x| x == b"AKIA" || x == b"ASIA")
}
