//! Every diagnostic code smaqit-ls emits, with its default severity and a
//! one-line summary: the one place a code and its severity are written.
//! Checks name a code by its constant (`code::REF_UNKNOWN_ID`), never by a
//! string; the hardcoded-secret codes come from the scanner's detector list.
//! `docs/diagnostics.md` documents each one; a test keeps the two in step.

use super::Severity;

/// A diagnostic code and its default severity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Code {
    pub id: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
}

impl Code {
    /// The family: the part before the slash (`ref`, `secret`, …).
    pub fn family(&self) -> &'static str {
        family(self.id)
    }

    /// The code of the scanner's detector.
    pub fn secret(detector: &smaqit_secrets::Detector) -> Code {
        Code { id: detector.code, severity: Severity::Error, summary: detector.description }
    }

    /// The code of a hardcoded-secret finding.
    pub fn secret_of(f: &smaqit_secrets::SecretFinding) -> Code {
        Code { id: f.code, severity: Severity::Error, summary: f.description }
    }
}

/// The family of a code id: the part before the slash.
pub fn family(id: &str) -> &str {
    id.split_once('/').map_or(id, |(f, _)| f)
}

macro_rules! catalogue {
    ($($name:ident = $id:literal, $severity:ident, $summary:literal;)*) => {
        $(pub const $name: Code = Code { id: $id, severity: Severity::$severity, summary: $summary };)*
        /// Every code but the per-detector `secret/…` ones (see [`all`]).
        pub const CATALOGUE: &[Code] = &[$($name),*];
    };
}

catalogue! {
    FRONTMATTER_MISSING = "frontmatter/missing", Error, "The spec has no YAML frontmatter.";
    FRONTMATTER_UNTERMINATED = "frontmatter/unterminated", Error, "The opening `---` fence is never closed.";
    FRONTMATTER_YAML_SYNTAX = "frontmatter/yaml-syntax", Error, "The frontmatter is not valid YAML.";
    FRONTMATTER_MISSING_ID = "frontmatter/missing-id", Error, "The frontmatter has no `id`.";
    FRONTMATTER_MISSING_STATUS = "frontmatter/missing-status", Error, "The frontmatter has no `status`.";
    FRONTMATTER_MISSING_CREATED = "frontmatter/missing-created", Error, "The frontmatter has no `created` timestamp.";
    FRONTMATTER_MALFORMED_ID = "frontmatter/malformed-id", Error, "The `id` is not of the form `<PREFIX>-<CONCEPT>`.";
    FRONTMATTER_UNKNOWN_STATUS = "frontmatter/unknown-status", Error, "The `status` is not one of the six lifecycle values.";
    FRONTMATTER_ID_LAYER_MISMATCH = "frontmatter/id-layer-mismatch", Error, "The ID prefix does not match the layer folder.";
    FRONTMATTER_MISSING_TIMESTAMP = "frontmatter/missing-timestamp", Warning, "The status has no matching timestamp.";
    FRONTMATTER_MALFORMED_TIMESTAMP = "frontmatter/malformed-timestamp", Error, "A timestamp is neither RFC 3339 nor a date.";
    FRONTMATTER_TEMPLATE_LEFTOVER = "frontmatter/template-leftover", Error, "A template placeholder was left in the spec.";
    CRITERIA_OPEN_IN_DONE_SPEC = "criteria/open-in-done-spec", Warning, "An open criterion in a spec whose status claims the work is done.";
    CRITERIA_OPEN = "criteria/open", Hint, "An open criterion in a draft spec.";
    CRITERIA_FAILED = "criteria/failed", Warning, "A criterion is marked failed `[!]` in a spec whose status is not `failed`.";
    CRITERIA_RECORDED_FAILURE = "criteria/recorded-failure", Hint, "A failed criterion of a spec whose status is `failed`: why it failed.";
    CRITERIA_DUPLICATE_ID = "criteria/duplicate-id", Error, "A criterion ID is defined more than once in the workspace.";
    CRITERIA_ID_MISMATCH = "criteria/id-mismatch", Warning, "A criterion ID does not start with its spec's ID.";
    CRITERIA_MISSING_SECTION = "criteria/missing-section", Warning, "The spec has no `## Acceptance Criteria` section.";
    REF_BROKEN_TARGET = "ref/broken-target", Error, "A reference link points at a file that does not exist.";
    REF_LABEL_MISMATCH = "ref/label-mismatch", Error, "A reference link's label is not the target spec's ID.";
    REF_UNKNOWN_ID = "ref/unknown-id", Warning, "An ID is defined by no spec or criterion.";
    SPEC_DUPLICATE_ID = "spec/duplicate-id", Error, "Two spec files share one ID.";
    REF_FORBIDDEN_DIRECTION = "ref/forbidden-direction", Error, "A reference points downstream, out of Business, or sideways outside Foundation Reference.";
    REF_DOWNSTREAM_MENTION = "ref/downstream-mention", Warning, "A link or ID outside `## References` points downstream.";
    REF_DEPRECATED_TARGET = "ref/deprecated-target", Warning, "An active spec references a deprecated spec.";
    LIFECYCLE_AHEAD_OF_UPSTREAM = "lifecycle/ahead-of-upstream", Warning, "A spec claims more progress than an upstream spec it builds on.";
    REF_MISSING_REFERENCES = "ref/missing-references", Warning, "A non-Business spec has no `## References` section.";
    REF_ORPHAN_FOUNDATION = "ref/orphan-foundation", Warning, "A non-Business spec's `## References` names no upstream spec and gives no justification.";
    COVERAGE_GAP = "coverage/gap", Warning, "Once the project has a Coverage spec: a testable upstream criterion of a done spec is mapped by none.";
    COVERAGE_NOT_STARTED = "coverage/not-started", Info, "The project has no Coverage spec yet: its testable criteria await the Validate phase.";
    COVERAGE_GAP_SUMMARY = "coverage/gap-summary", Info, "The unmapped criteria of the upstream specs a Coverage spec references.";
    COVERAGE_UNTRACKED_TEST_CASE = "coverage/untracked-test-case", Warning, "A test case of the Coverage Map or a Gherkin block is none of the spec's acceptance criteria.";
    COVERAGE_UNKNOWN_ID = "coverage/unknown-id", Warning, "A Coverage Map row names an ID that does not exist.";
    COVERAGE_SUMMARY_MISMATCH = "coverage/summary-mismatch", Warning, "A Coverage Summary row disagrees with the map.";
    BOUNDARY_BUSINESS_TECHNOLOGY = "boundary/business-technology", Warning, "A Business spec names a technology.";
    BOUNDARY_STACK_HOSTING = "boundary/stack-hosting", Warning, "A Stack spec names hosting or a cloud provider.";
    DRIFT_VERSION = "drift/version", Error, "An IaC file uses a runtime or service version that contradicts the Stack's pin.";
    DRIFT_CONTRADICTED = "drift/contradicted", Hint, "A Stack pin that IaC contradicts (the error is on the IaC side).";
    DEPLOY_ENVIRONMENTS = "deploy/environments", Error, "`.smaqit/environments.toml` is malformed.";
    SUPPRESS_UNUSED = "suppress/unused", Warning, "A `smaqit-ignore` comment silences nothing.";
    SUPPRESS_UNKNOWN_CODE = "suppress/unknown-code", Warning, "A `smaqit-ignore` comment names no smaqit-ls code or family.";
    CONFIG_INVALID = "config/invalid", Error, "`.smaqit/smaqit-ls.toml` does not parse; its defaults apply meanwhile.";
    CONFIG_UNKNOWN_CODE = "config/unknown-code", Warning, "`.smaqit/smaqit-ls.toml` sets the level of no smaqit-ls code or family.";
    WORKSPACE_FILE_TOO_LARGE = "workspace/file-too-large", Warning, "A file was skipped because it is larger than the size limit.";
    WORKSPACE_UNREADABLE = "workspace/unreadable", Warning, "A file could not be read (permissions or invalid UTF-8).";
}

/// Every code, the secret detectors' included.
pub fn all() -> impl Iterator<Item = Code> {
    CATALOGUE.iter().copied().chain(smaqit_secrets::DETECTORS.iter().map(|d| Code::secret(d)))
}

pub fn lookup(id: &str) -> Option<Code> {
    all().find(|c| c.id == id)
}

/// The closest code or family to a misspelt `name`.
pub fn closest(name: &str) -> Option<String> {
    let mut names: Vec<String> = CATALOGUE.iter().map(|c| c.id.to_owned()).collect();
    names.extend(CATALOGUE.iter().map(|c| c.family().to_owned()));
    names.sort();
    names.dedup();
    let max = (name.len() / 4).clamp(1, 3);
    names.into_iter().map(|n| (crate::ids::edit_distance(name, &n), n)).filter(|(d, _)| *d <= max).min().map(|(_, n)| n)
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
            let heading = format!("### {}\n", c.id);
            assert_eq!(docs.matches(&heading).count(), 1, "docs/diagnostics.md needs exactly one `{}`", heading.trim());
        }
        // The secret detectors share one section; each has a row in its table.
        for d in smaqit_secrets::DETECTORS {
            let row = format!("| `{}` |", d.code);
            assert_eq!(docs.matches(&row).count(), 1, "docs/diagnostics.md needs one table row `{row}`");
        }
        let mut codes: Vec<_> = all().map(|c| c.id).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), all().count(), "duplicate code in the catalogue");
    }
}
