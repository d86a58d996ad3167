//! Hardcoded secrets (spec-format §9): the scanner's findings as
//! `secret/<detector>` errors, minus the values a project has allowed and
//! lines marked `smaqit-ignore-secret`. Messages never hold a value: at most
//! the scanner's masked prefix.

use std::collections::HashSet;
use std::path::Path;

use smaqit_secrets::{SecretFinding, fingerprint, suggested_reference_name};

use super::{Code, Finding};
use crate::text::floor_char_boundary;

/// The marker that silences a finding on its line or the line below.
pub const IGNORE_MARKER: &str = "smaqit-ignore-secret";

pub fn check(text: &str, secrets: &[SecretFinding], allow: &HashSet<String>, out: &mut Vec<Finding>) {
    for s in secrets {
        let start = floor_char_boundary(text, s.range.start);
        let end = floor_char_boundary(text, s.range.end).max(start);
        if suppressed_inline(text, start) || allow.contains(&fingerprint(&text[start..end])) {
            continue;
        }
        let name = suggested_reference_name(s);
        let what = s.description.strip_prefix("Hardcoded ").unwrap_or(s.description);
        let shown = if s.masked == "…" { String::new() } else { format!(" ({})", s.masked) };
        out.push(
            Finding::new(
                Code::secret_of(s),
                start..end,
                format!(
                    "hardcoded {}{shown}: keep only a reference such as ${{secrets.{name}}}; the trusted executor resolves it at deploy time",
                    what.to_lowercase()
                ),
            )
            .with_suggestion(name),
        );
    }
}

/// `smaqit-ignore-secret` on the finding's line or the line above it.
fn suppressed_inline(text: &str, at: usize) -> bool {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    if text[line_start..line_end].contains(IGNORE_MARKER) {
        return true;
    }
    if line_start == 0 {
        return false;
    }
    let prev_start = text[..line_start - 1].rfind('\n').map_or(0, |i| i + 1);
    text[prev_start..line_start].contains(IGNORE_MARKER)
}

/// Findings of an IaC/config file.
pub fn check_file(path: &Path, text: &str, secrets: &[SecretFinding], allow: &HashSet<String>) -> Vec<Finding> {
    let _ = path;
    let mut out = Vec::new();
    check(text, secrets, allow, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use crate::checks::fixture;

    #[test]
    fn values_but_not_references_placeholders_or_marked_lines() {
        fixture::check_families(
            &["secret"],
            r#"
//- deploy/app.env
DATABASE_URL=postgres://app:Xq7vL2pR9sT4wZ8m@db.internal:5432/app
                            ^^^^^^^^^^^^^^^^ error secret/url-credentials: hardcoded password in a url or dsn: keep only a reference such as ${secrets.DATABASE_PASSWORD}; the trusted executor resolves it at deploy time
STRIPE_KEY=${secrets.STRIPE_KEY}
# smaqit-ignore-secret
LEGACY_TOKEN=ghp_R8nB2xQ9vL4mT7kP3wZ6yD1sF5hJ0cA2eG8u
API_PASSWORD=changeme
//- specs/infrastructure/site.md
---
id: INF-SITE
status: draft
created: 2025-01-01
---
# INF-SITE: Site

## References
- [BUS-X](../business/x.md)

## Secrets Management

| Secret | Type | Source | Rotation |
|---|---|---|---|
| `DB_PASSWORD` | password | vault | 90 days |

```yaml
env:
  - name: AWS_ACCESS_KEY_ID
    value: AKIAQ3EGRT7YLMZPX4NB
           ^^^^^^^^^^^^^^^^^^^^ error secret/aws-access-key: hardcoded aws access key id (AKIA…): keep only a reference such as ${secrets.AWS_ACCESS_KEY_ID}; the trusted executor resolves it at deploy time
```
"#,
        );
    }
}
