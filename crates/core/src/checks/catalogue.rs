//! Every diagnostic code smaqit-ls emits, with its default severity and a
//! one-line summary. `docs/diagnostics.md` documents each one; a test keeps
//! the two in step.

use super::Severity;

pub struct CodeInfo {
    pub code: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
}

const fn c(code: &'static str, severity: Severity, summary: &'static str) -> CodeInfo {
    CodeInfo { code, severity, summary }
}

use Severity::*;

pub const CATALOGUE: &[CodeInfo] = &[
    c("frontmatter/missing", Error, "The spec has no YAML frontmatter."),
    c("frontmatter/unterminated", Error, "The opening `---` fence is never closed."),
    c("frontmatter/yaml-syntax", Error, "The frontmatter is not valid YAML."),
    c("frontmatter/missing-id", Error, "The frontmatter has no `id`."),
    c("frontmatter/missing-status", Error, "The frontmatter has no `status`."),
    c("frontmatter/missing-created", Error, "The frontmatter has no `created` timestamp."),
    c("frontmatter/malformed-id", Error, "The `id` is not of the form `<PREFIX>-<CONCEPT>`."),
    c("frontmatter/unknown-status", Error, "The `status` is not one of the six lifecycle values."),
    c("frontmatter/id-layer-mismatch", Error, "The ID prefix does not match the layer folder."),
    c("frontmatter/missing-timestamp", Warning, "The status has no matching timestamp."),
    c("frontmatter/malformed-timestamp", Error, "A timestamp is neither RFC 3339 nor a date."),
    c("frontmatter/template-leftover", Error, "A template placeholder was left in the spec."),
    c("criteria/open-in-done-spec", Warning, "An open criterion in a spec whose status claims the work is done."),
    c("criteria/open", Hint, "An open criterion in a draft spec."),
    c("criteria/failed", Warning, "A criterion is marked failed `[!]`."),
    c("criteria/duplicate-id", Error, "A criterion ID is defined more than once in the workspace."),
    c("criteria/id-mismatch", Warning, "A criterion ID does not start with its spec's ID."),
    c("criteria/missing-section", Warning, "The spec has no `## Acceptance Criteria` section."),
    c("ref/broken-target", Error, "A reference link points at a file that does not exist."),
    c("ref/label-mismatch", Error, "A reference link's label is not the target spec's ID."),
    c("ref/unknown-id", Warning, "An ID is defined by no spec or criterion."),
    c("spec/duplicate-id", Error, "Two spec files share one ID."),
    c(
        "ref/forbidden-direction",
        Error,
        "A reference points downstream, out of Business, or sideways outside Foundation Reference.",
    ),
    c("ref/deprecated-target", Warning, "An active spec references a deprecated spec."),
    c("lifecycle/ahead-of-upstream", Warning, "A spec claims more progress than an upstream spec it builds on."),
    c("ref/missing-references", Warning, "A non-Business spec has no `## References` section."),
    c(
        "ref/orphan-foundation",
        Warning,
        "A non-Business spec's `## References` names no upstream spec and gives no justification.",
    ),
    c("coverage/gap", Warning, "A testable Functional criterion is mapped by no Coverage spec."),
    c("coverage/gap-summary", Info, "The unmapped criteria of the Functional specs a Coverage spec references."),
    c("coverage/unknown-id", Warning, "A Coverage Map row names an ID that does not exist."),
    c("coverage/summary-mismatch", Warning, "A Coverage Summary row disagrees with the map."),
    c("boundary/business-technology", Hint, "A Business spec names a technology."),
    c("boundary/stack-hosting", Hint, "A Stack spec names hosting or a cloud provider."),
    c("drift/version", Error, "An IaC file uses a runtime or service version that contradicts the Stack's pin."),
    c("deploy/environments", Error, "`.smaqit/environments.toml` is malformed."),
    c("workspace/file-too-large", Warning, "A file was skipped because it is larger than the size limit."),
    c("workspace/unreadable", Warning, "A file could not be read (permissions or invalid UTF-8)."),
];

pub fn lookup(code: &str) -> Option<&'static CodeInfo> {
    CATALOGUE.iter().find(|c| c.code == code)
}

/// Anchor of a code in `docs/diagnostics.md`, for `codeDescription` links.
pub fn anchor(code: &str) -> String {
    // All `secret/<detector>` codes share one section.
    if code.starts_with("secret/") {
        return "secretdetector".into();
    }
    code.replace('/', "").to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_documented_once() {
        let docs = include_str!("../../../../docs/diagnostics.md");
        for c in CATALOGUE {
            let heading = format!("### {}\n", c.code);
            assert_eq!(docs.matches(&heading).count(), 1, "docs/diagnostics.md needs exactly one `{}`", heading.trim());
        }
        let mut codes: Vec<_> = CATALOGUE.iter().map(|c| c.code).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), CATALOGUE.len(), "duplicate code in the catalogue");
    }
}
