//! SaaS and package-registry tokens with a recognisable shape: Slack, Stripe,
//! Twilio, SendGrid, npm, PyPI, crates.io, OpenAI, Anthropic, JWTs, Vault,
//! Terraform Cloud and a handful of other vendor prefixes.

use super::*;
use crate::filters;

fn ok(v: &str) -> bool {
    !token_is_placeholder(v)
}

/// The header of a JWT decodes to a JSON object naming its algorithm or type;
/// the jwt.io sample token is documentation, not a credential.
fn jwt_ok(v: &str) -> bool {
    let mut parts = v.split('.');
    let (Some(h), Some(p)) = (parts.next(), parts.next()) else {
        return false;
    };
    let mut buf = Vec::new();
    if !filters::b64_decode(h.as_bytes(), &mut buf, 4096) {
        return false;
    }
    let Some(header) = filters::printable_text(&buf) else {
        return false;
    };
    if !header.starts_with('{') || !(header.contains("\"alg\"") || header.contains("\"typ\"")) {
        return false;
    }
    if filters::b64_decode(p.as_bytes(), &mut buf, 4096) {
        let payload = String::from_utf8_lossy(&buf);
        if payload.contains("John Doe") && payload.contains("1234567890") {
            return false;
        }
    }
    true
}

/// A random-looking body: crates.io tokens (`cio` + 32) need mixed classes to
/// tell them from words starting with "cio".
fn crates_ok(v: &str) -> bool {
    let body = &v[3..];
    body.bytes().any(|c| c.is_ascii_digit())
        && body.bytes().any(|c| c.is_ascii_uppercase())
        && body.bytes().any(|c| c.is_ascii_lowercase())
}

fn openai_ok(v: &str) -> bool {
    !v.starts_with("sk-ant-") && ok(v) && filters::looks_random(&v[3..])
}

pub(crate) fn rules() -> Vec<RuleSpec> {
    vec![
        RuleSpec {
            keywords: &["xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-", "xoxe", "xapp-"],
            pattern: r"\b(?:xox[bparse]-[0-9A-Za-z\-]{10,}|xoxe\.xox[bp]-[0-9A-Za-z\-]{10,}|xapp-\d-[A-Za-z0-9\-]{10,})",
            group: 0,
            det: |_| &SLACK_TOKEN,
            valid: ok,
        },
        RuleSpec {
            keywords: &["hooks.slack.com"],
            pattern: r"https?://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9+/_\-]{20,}",
            group: 0,
            det: |_| &SLACK_WEBHOOK,
            valid: ok,
        },
        RuleSpec {
            keywords: &["discord.com/api/webhooks/", "discordapp.com/api/webhooks/"],
            pattern: r"https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/[0-9]{17,20}/[A-Za-z0-9_\-]{60,}",
            group: 0,
            det: |_| &DISCORD_WEBHOOK,
            valid: ok,
        },
        RuleSpec {
            keywords: &["sk_live_", "rk_live_"],
            pattern: r"\b[sr]k_live_[0-9A-Za-z]{16,}",
            group: 0,
            det: |_| &STRIPE_KEY,
            valid: ok,
        },
        RuleSpec {
            keywords: &["whsec_"],
            pattern: r"\bwhsec_[A-Za-z0-9+/=]{24,}",
            group: 0,
            det: |_| &STRIPE_WEBHOOK,
            valid: ok,
        },
        RuleSpec {
            keywords: &["twilio", "_sid", "accountsid", "account_sid"],
            pattern: r"\b(?:AC|SK)[0-9a-f]{32}\b",
            group: 0,
            det: |v| {
                if v.starts_with("AC") { &TWILIO_SID } else { &TWILIO_API_KEY }
            },
            valid: ok,
        },
        RuleSpec {
            keywords: &["sg."],
            pattern: r"\bSG\.[A-Za-z0-9_\-]{16,32}\.[A-Za-z0-9_\-]{16,64}\b",
            group: 0,
            det: |_| &SENDGRID_KEY,
            valid: ok,
        },
        RuleSpec { keywords: &["npm_"], pattern: r"\bnpm_[A-Za-z0-9]{36}\b", group: 0, det: |_| &NPM_TOKEN, valid: ok },
        RuleSpec {
            keywords: &["pypi-ag"],
            pattern: r"\bpypi-Ag[A-Za-z0-9_\-]{60,}",
            group: 0,
            det: |_| &PYPI_TOKEN,
            valid: ok,
        },
        RuleSpec {
            keywords: &["cio"],
            pattern: r"\bcio[A-Za-z0-9]{32}\b",
            group: 0,
            det: |_| &CRATES_TOKEN,
            valid: crates_ok,
        },
        RuleSpec {
            keywords: &["sk-ant-"],
            pattern: r"\bsk-ant-(?:api|admin|sid)\d{2}-[A-Za-z0-9_\-]{40,}",
            group: 0,
            det: |_| &ANTHROPIC_KEY,
            valid: ok,
        },
        RuleSpec {
            keywords: &["sk-proj-", "sk-svcacct-", "sk-admin-", "t3blbkfj"],
            pattern: r"\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{20,}",
            group: 0,
            det: |_| &OPENAI_KEY,
            valid: openai_ok,
        },
        RuleSpec {
            keywords: &["eyj"],
            pattern: r"\beyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]*",
            group: 0,
            det: |_| &JWT,
            valid: jwt_ok,
        },
        RuleSpec {
            keywords: &["hvs.", "hvb.", "hvr."],
            pattern: r"\bhv[sbr]\.[A-Za-z0-9_\-]{24,}",
            group: 0,
            det: |_| &VAULT_TOKEN,
            valid: ok,
        },
        RuleSpec {
            keywords: &["atlasv1."],
            pattern: r"\b[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_\-=]{60,}",
            group: 0,
            det: |_| &TFC_TOKEN,
            valid: ok,
        },
        RuleSpec {
            keywords: &["sqp_", "squ_", "sqa_"],
            pattern: r"\bsq[pua]_[a-f0-9]{40}\b",
            group: 0,
            det: |_| &SONAR_TOKEN,
            valid: ok,
        },
        RuleSpec {
            keywords: &["gocspx-"],
            pattern: r"\bGOCSPX-[A-Za-z0-9_\-]{24,32}",
            group: 0,
            det: |_| &GOOGLE_OAUTH_SECRET,
            valid: ok,
        },
        RuleSpec {
            keywords: &["akcp"],
            pattern: r"\bAKCp[A-Za-z0-9]{60,}",
            group: 0,
            det: |_| &ARTIFACTORY_KEY,
            valid: ok,
        },
        RuleSpec {
            keywords: &["dckr_pat_"],
            pattern: r"\bdckr_pat_[A-Za-z0-9_\-]{27,}",
            group: 0,
            det: |_| &DOCKERHUB_TOKEN,
            valid: ok,
        },
        RuleSpec {
            keywords: &["glsa_"],
            pattern: r"\bglsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}\b",
            group: 0,
            det: |_| &GRAFANA_TOKEN,
            valid: ok,
        },
        RuleSpec {
            keywords: &["hf_"],
            pattern: r"\bhf_[A-Za-z]{34,40}\b",
            group: 0,
            det: |_| &HUGGINGFACE_TOKEN,
            valid: |v| ok(v) && filters::looks_random(&v[3..]),
        },
        RuleSpec {
            keywords: &["dop_v1_", "doo_v1_", "dor_v1_"],
            pattern: r"\bdo[opr]_v1_[a-f0-9]{64}\b",
            group: 0,
            det: |_| &DIGITALOCEAN_TOKEN,
            valid: ok,
        },
        RuleSpec {
            keywords: &["shpat_", "shpss_", "shpca_", "shppa_"],
            pattern: r"\bshp(?:at|ss|ca|pa)_[a-fA-F0-9]{32}\b",
            group: 0,
            det: |_| &SHOPIFY_TOKEN,
            valid: ok,
        },
        RuleSpec {
            keywords: &["sntrys_", "sntryu_"],
            pattern: r"\bsntry[su]_[A-Za-z0-9+/=_\-]{40,}",
            group: 0,
            det: |_| &SENTRY_TOKEN,
            valid: ok,
        },
        RuleSpec {
            keywords: &["pmak-"],
            pattern: r"\bPMAK-[a-f0-9]{24}-[a-f0-9]{34}\b",
            group: 0,
            det: |_| &POSTMAN_KEY,
            valid: ok,
        },
    ]
}
