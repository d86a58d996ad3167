//! Source-hosting tokens: GitHub and GitLab.

use super::*;

fn ok(v: &str) -> bool {
    !token_is_placeholder(v)
}

pub(crate) fn rules() -> Vec<RuleSpec> {
    vec![
        RuleSpec {
            keywords: &["ghp_", "gho_", "ghu_", "ghs_", "ghr_"],
            pattern: r"\bgh[pousr]_[A-Za-z0-9]{36,251}\b",
            group: 0,
            det: |_| &GITHUB_TOKEN,
            valid: ok,
        },
        RuleSpec {
            keywords: &["github_pat_"],
            pattern: r"\bgithub_pat_[A-Za-z0-9_]{40,251}",
            group: 0,
            det: |_| &GITHUB_TOKEN,
            valid: ok,
        },
        RuleSpec {
            keywords: &[
                "glpat-",
                "glrt-",
                "gldt-",
                "glptt-",
                "glft-",
                "glimt-",
                "glcbt-",
                "glsoat-",
                "gloas-",
                "glagent-",
                "gr1348941",
            ],
            pattern: r"\b(?:(?:glpat|glrt|gldt|glptt|glft|glimt|glcbt|glsoat|gloas|glagent)-|GR1348941)[A-Za-z0-9_\-]{20,}(?:\.[0-9a-z]{2}\.[0-9a-z]{9})?",
            group: 0,
            det: |_| &GITLAB_TOKEN,
            valid: ok,
        },
    ]
}
