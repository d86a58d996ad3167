//! Detector families and the plumbing they share: detector metadata, the
//! per-scan context, line helpers and key lookup.

pub(crate) mod cloud;
pub(crate) mod generic;
pub(crate) mod keys;
pub(crate) mod saas;
pub(crate) mod urls;
pub(crate) mod vcs;

use crate::filters;
use crate::kinds::FileKind;
use std::ops::Range;

/// One detector: its stable id (the diagnostic code is `secret/<id>`) and
/// what it finds. `docs/diagnostics.md` documents every one (a test checks).
#[derive(Debug)]
pub struct Detector {
    /// Stable kebab-case id, e.g. `aws-access-key`.
    pub id: &'static str,
    /// The diagnostic code, `secret/<id>`.
    pub code: &'static str,
    /// What it finds, e.g. "AWS access key ID".
    pub description: &'static str,
    /// Overlapping findings keep the highest priority (specific > structural > generic).
    pub(crate) prio: u8,
    /// How many leading characters are a public, non-secret prefix (`ghp_`).
    /// Capped at 4 when masking.
    pub(crate) prefix: u8,
}

pub(crate) type Det = Detector;

macro_rules! detectors {
    ($($name:ident = $id:literal, $desc:literal, $prio:literal, $prefix:literal;)*) => {
        $(pub(crate) static $name: Det =
            Det { id: $id, code: concat!("secret/", $id), description: $desc, prio: $prio, prefix: $prefix };)*
        /// Every detector, in a stable order.
        pub static DETECTORS: &[&Detector] = &[$(&$name),*];
    };
}

detectors! {
    AWS_ACCESS_KEY = "aws-access-key", "AWS access key ID", 3, 4;
    AWS_SECRET_KEY = "aws-secret-key", "AWS secret access key", 3, 0;
    AWS_SESSION_TOKEN = "aws-session-token", "AWS session token", 3, 0;
    GITHUB_TOKEN = "github-token", "GitHub token", 3, 4;
    GITLAB_TOKEN = "gitlab-token", "GitLab token", 3, 4;
    SLACK_TOKEN = "slack-token", "Slack token", 3, 4;
    SLACK_WEBHOOK = "slack-webhook", "Slack webhook URL", 3, 0;
    DISCORD_WEBHOOK = "discord-webhook", "Discord webhook URL", 3, 0;
    STRIPE_KEY = "stripe-key", "Stripe live secret or restricted key", 3, 3;
    GOOGLE_API_KEY = "google-api-key", "Google API key", 3, 4;
    GCP_SA_KEY = "gcp-service-account-key", "GCP service-account private key", 3, 0;
    AZURE_STORAGE_KEY = "azure-storage-key", "Azure storage account key", 3, 0;
    AZURE_CONN = "azure-connection-string", "Azure connection string with an account or shared access key", 3, 0;
    AZURE_SAS = "azure-sas-token", "Azure shared access signature", 3, 0;
    AZURE_CLIENT_SECRET = "azure-client-secret", "Azure AD client secret", 3, 0;
    TWILIO_SID = "twilio-account-sid", "Twilio account SID", 3, 2;
    TWILIO_API_KEY = "twilio-api-key", "Twilio API key SID", 3, 2;
    TWILIO_AUTH_TOKEN = "twilio-auth-token", "Twilio auth token", 2, 0;
    SENDGRID_KEY = "sendgrid-key", "SendGrid API key", 3, 3;
    NPM_TOKEN = "npm-token", "npm access token", 3, 4;
    PYPI_TOKEN = "pypi-token", "PyPI API token", 3, 4;
    CRATES_TOKEN = "cratesio-token", "crates.io API token", 3, 3;
    DOCKER_AUTH = "docker-config-auth", "Docker registry credentials", 3, 0;
    OPENAI_KEY = "openai-key", "OpenAI API key", 3, 3;
    ANTHROPIC_KEY = "anthropic-key", "Anthropic API key", 3, 4;
    JWT = "jwt", "JSON Web Token", 3, 3;
    VAULT_TOKEN = "vault-token", "HashiCorp Vault token", 3, 4;
    TFC_TOKEN = "terraform-cloud-token", "Terraform Cloud / Enterprise API token", 3, 0;
    PRIVATE_KEY = "private-key", "Private key", 3, 0;
    STRIPE_WEBHOOK = "stripe-webhook-secret", "Stripe webhook signing secret", 3, 4;
    SONAR_TOKEN = "sonarqube-token", "SonarQube token", 3, 4;
    GOOGLE_OAUTH_SECRET = "google-oauth-client-secret", "Google OAuth client secret", 3, 4;
    ARTIFACTORY_KEY = "artifactory-api-key", "JFrog Artifactory API key", 3, 4;
    DOCKERHUB_TOKEN = "dockerhub-token", "Docker Hub access token", 3, 4;
    GRAFANA_TOKEN = "grafana-token", "Grafana service-account token", 3, 4;
    HUGGINGFACE_TOKEN = "huggingface-token", "Hugging Face token", 3, 3;
    DIGITALOCEAN_TOKEN = "digitalocean-token", "DigitalOcean token", 3, 4;
    SHOPIFY_TOKEN = "shopify-token", "Shopify access token", 3, 4;
    SENTRY_TOKEN = "sentry-token", "Sentry auth token", 3, 4;
    POSTMAN_KEY = "postman-api-key", "Postman API key", 3, 4;
    AGE_KEY = "age-secret-key", "age secret key", 3, 4;
    URL_CREDENTIALS = "url-credentials", "Password in a URL or DSN", 2, 0;
    BASIC_AUTH = "basic-auth", "HTTP Basic credentials", 2, 0;
    BEARER_TOKEN = "bearer-token", "Bearer token", 2, 0;
    CONNECTION_STRING = "connection-string", "Password in a connection string", 2, 0;
    K8S_SECRET_DATA = "k8s-secret-data", "Base64-encoded secret", 2, 0;
    GENERIC_PASSWORD = "generic-password", "Hardcoded password", 1, 0;
    GENERIC_SECRET = "generic-secret", "Hardcoded secret", 1, 0;
}

/// What a detector reports before masking and de-duplication.
pub(crate) struct Raw {
    pub range: Range<usize>,
    pub det: &'static Det,
    pub key: Option<String>,
}

/// Everything a detector needs to know about the text being scanned.
pub(crate) struct Ctx<'a> {
    pub text: &'a str,
    pub b: &'a [u8],
    pub kind: FileKind,
    pub example: bool,
    /// 0 for the file itself, 1 inside a decoded base64 blob (no further decoding).
    pub depth: u8,
}

/// A line: `start..end` excludes the `\n` and a trailing `\r`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Line {
    pub start: usize,
    pub end: usize,
    /// Index just past the `\n` (or the text length).
    pub next: usize,
}

impl<'a> Ctx<'a> {
    pub fn line_at(&self, pos: usize) -> Line {
        let start = memchr::memrchr(b'\n', &self.b[..pos]).map_or(0, |i| i + 1);
        self.line_from(start)
    }

    pub fn line_from(&self, start: usize) -> Line {
        let nl = memchr::memchr(b'\n', &self.b[start..]).map_or(self.b.len(), |i| start + i);
        let mut end = nl;
        if end > start && self.b[end - 1] == b'\r' {
            end -= 1;
        }
        Line { start, end, next: (nl + 1).min(self.b.len()) }
    }

    pub fn next_line(&self, l: Line) -> Option<Line> {
        if l.next >= self.b.len() || l.next == l.start {
            return None;
        }
        // The last line has no `\n`: `next` equals the length, handled above.
        if self.b[l.next - 1] != b'\n' {
            return None;
        }
        Some(self.line_from(l.next))
    }

    pub fn prev_line(&self, l: Line) -> Option<Line> {
        if l.start == 0 {
            return None;
        }
        Some(self.line_at(l.start - 1))
    }

    pub fn str(&self, r: Range<usize>) -> &'a str {
        self.text.get(r).unwrap_or("")
    }
}

/// Indentation of a line in columns (tabs count as one, a BOM as none).
pub(crate) fn indent(ctx: &Ctx, l: Line) -> usize {
    let s = ctx.str(l.start..l.end);
    let s = s.strip_prefix('\u{feff}').unwrap_or(s);
    s.len() - s.trim_start_matches([' ', '\t']).len()
}

pub(crate) fn is_blank_or_comment(ctx: &Ctx, l: Line) -> bool {
    let t = ctx.str(l.start..l.end).trim();
    t.is_empty() || t.starts_with('#') || t.starts_with("//") || t.starts_with(';')
}

/// Characters of a key token: `a-z0-9_.-/`.
pub(crate) fn is_key_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.' | b'/')
}

/// Strip sigils and flag dashes from a raw key token: `--password` → `password`,
/// `-Dapp.key` → `app.key`, `//host/:_authToken` → `_authToken`.
pub(crate) fn clean_key(k: &str) -> &str {
    let mut k = k.trim_start_matches(['$', '@']);
    if let Some(rest) = k.strip_prefix("-D")
        && rest.as_bytes().first().is_some_and(|c| c.is_ascii_lowercase())
    {
        k = rest;
    }
    let k = k.trim_start_matches(['-', '/', '.']).trim_end_matches(['.', '-', '/']);
    // A path-like token: the key is its last segment (`//host/:_authToken`),
    // unless the segment before it says the value is not a secret: Helm's
    // `checksum/secret: <sha256>` annotation keeps its `checksum`.
    let last = k.rsplit('/').next().unwrap_or(k);
    let before = k[..k.len() - last.len()].trim_end_matches('/');
    if !before.is_empty() && generic::vetoes(before.rsplit('/').next().unwrap_or(before)) {
        return k;
    }
    last
}

/// The assignment key left of `value_start` on its line, if any: handles
/// `k=v`, `k: v`, `"k": "v"`, `k = "v"`, `k := v`, `Authorization: Bearer v`,
/// `ENV K v`, `--flag v`; `value:` after a `- name: K` line yields `K`.
pub(crate) fn key_before(ctx: &Ctx, value_start: usize) -> Option<String> {
    let line = ctx.line_at(value_start);
    let s = &ctx.b[line.start..value_start];
    let mut i = s.len();
    let skip_quotes_ws = |i: &mut usize, ws: &mut bool| {
        while *i > 0 && matches!(s[*i - 1], b' ' | b'\t' | b'"' | b'\'' | b'`' | b'\\') {
            if matches!(s[*i - 1], b' ' | b'\t') {
                *ws = true;
            }
            *i -= 1;
        }
    };
    let mut ws = false;
    skip_quotes_ws(&mut i, &mut ws);
    // `Authorization: Bearer v`, `token = "Basic v"`: skip the scheme word
    // when an operator or quote comes right before it.
    for scheme in ["bearer", "basic", "token", "base64:"] {
        let n = scheme.len();
        if i >= n
            && s[i - n..i].eq_ignore_ascii_case(scheme.as_bytes())
            && (i == n || !s[i - n - 1].is_ascii_alphanumeric())
        {
            let mut j = i - n;
            let mut ws2 = false;
            skip_quotes_ws(&mut j, &mut ws2);
            // `token` is also a prose word ("the deploy token `…`"): only a
            // scheme right after an operator or a quote.
            let quoted = s[j..i - n].iter().any(|c| matches!(c, b'"' | b'\''));
            if scheme != "token" || quoted || (j > 0 && matches!(s[j - 1], b'=' | b':')) {
                i = j;
                ws = ws2;
            }
            break;
        }
    }
    let mut op = false;
    if i > 0 && s[i - 1] == b'=' {
        i -= 1;
        op = true;
        if i > 0 && matches!(s[i - 1], b':' | b'+') {
            i -= 1;
        }
    } else if i > 0 && s[i - 1] == b':' {
        i -= 1;
        op = true;
    } else if i > 1 && s[i - 1] == b'>' && s[i - 2] == b'=' {
        i -= 2;
        op = true;
    }
    if !op && !ws {
        return None;
    }
    let mut ws2 = false;
    skip_quotes_ws(&mut i, &mut ws2);
    let end = i;
    while i > 0 && (is_key_char(s[i - 1]) || s[i - 1] == b'$') {
        i -= 1;
    }
    let raw = std::str::from_utf8(&s[i..end]).ok()?;
    // `scheme://user:value@host`: the key is that of the whole URL.
    if raw.starts_with("//") && i > 0 && s[i - 1] == b':' {
        let mut u = i - 1;
        while u > 0 && (s[u - 1].is_ascii_alphanumeric() || matches!(s[u - 1], b'+' | b'.' | b'-')) {
            u -= 1;
        }
        return if u + 1 < i { key_before(ctx, line.start + u) } else { None };
    }
    let key = clean_key(raw);
    if key.len() < 2 || !key.bytes().any(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    // `key value` without an operator: only a key-looking word counts (not
    // the previous word of a sentence).
    if !op
        && generic::classify_key(key).is_none()
        && (raw.starts_with('-') || !key.bytes().any(|c| c == b'_' || c.is_ascii_uppercase()))
    {
        return None;
    }
    if key.eq_ignore_ascii_case("value")
        && let Some(name) = name_of_value_line(ctx, line)
    {
        return Some(name);
    }
    Some(key.to_string())
}

/// For a `value:` line, the `name` given on the line above (`- name: X`).
fn name_of_value_line(ctx: &Ctx, line: Line) -> Option<String> {
    let mut prev = ctx.prev_line(line)?;
    for _ in 0..3 {
        let t = ctx.str(prev.start..prev.end).trim();
        let t = t.trim_start_matches("- ").trim_start();
        for sep in [":", "="] {
            if let Some(rest) = t.strip_prefix("name").and_then(|r| r.trim_start().strip_prefix(sep)) {
                let v = rest.trim().trim_matches(['"', '\'']);
                if !v.is_empty() && v.bytes().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.')) {
                    return Some(v.to_string());
                }
            }
        }
        prev = ctx.prev_line(prev)?;
    }
    None
}

/// Placeholder check for vendor tokens whose shape already matched.
pub(crate) fn token_is_placeholder(v: &str) -> bool {
    for p in [
        "xxxx",
        "****",
        "....",
        "\u{2026}",
        "example",
        "dummy",
        "replace",
        "your_",
        "your-",
        "<",
        "0000000000",
        "aaaaaaaaaa",
    ] {
        if filters::contains_ci(v, p) {
            return true;
        }
    }
    v.len() >= 20 && filters::entropy(v.as_bytes()) < 3.0
}

/// One specific, regex-shaped detector.
pub(crate) struct RuleSpec {
    /// Literal keywords (matched case-insensitively) that trigger the rule on a line.
    pub keywords: &'static [&'static str],
    pub pattern: &'static str,
    /// Capture group holding the secret (0: the whole match).
    pub group: usize,
    pub det: fn(&str) -> &'static Det,
    pub valid: fn(&str) -> bool,
}

pub(crate) fn all_rules() -> Vec<RuleSpec> {
    let mut v = cloud::rules();
    v.extend(vcs::rules());
    v.extend(saas::rules());
    v.extend(keys::rules());
    v
}
