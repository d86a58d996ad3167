//! Facts read from a file once per change, for `drift/version`: the runtime
//! and service versions an IaC file pins (`iac`: Dockerfile `FROM`, compose /
//! Kubernetes / Helm `image:`, GitHub Actions `setup-*` versions, Terraform
//! runtimes and engine versions), and the versions a Stack spec's
//! `## Technology Stack` tables choose (`stack`). Technologies are matched
//! through a small curated table (`techs`); anything it does not know (the
//! project's own images, libraries) is ignored.

mod iac;
mod stack;
mod techs;

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

pub use iac::{IacKind, code_block_pins, iac_kind, iac_pins, runtime_version, split_image};
pub use stack::stack_pins;
pub use techs::{TECHS, Tech, technology_of_image, technology_of_name};

/// A version an IaC file (or a code block in an Infrastructure spec) uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pin {
    /// [`Tech::key`].
    pub technology: &'static str,
    /// The numeric version, e.g. `20` for `node:20-alpine`.
    pub version: String,
    /// What the file says, for messages: `node:20-alpine`, `node-version: 22`,
    /// `nodejs20.x`.
    pub written: String,
    /// The image reference or the version value, absolute bytes.
    pub range: Range<usize>,
}

/// A version a Stack spec's Technology Stack table chooses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StackPin {
    pub technology: &'static str,
    /// The first cell as written, e.g. `Node.js`.
    pub name: String,
    /// The numeric version, e.g. `22` for `22.x`.
    pub version: String,
    /// The version cell as written.
    pub written: String,
    /// The version cell's text, absolute bytes.
    pub range: Range<usize>,
}

/// `major[.minor[.patch…]]` at the start of `s` (after an optional `v`), as
/// long as the next character is not a digit: `20-alpine` → `20`,
/// `3.12-slim` → `3.12`, `22.x` → `22`, `8u342` → `8`.
fn leading_version(s: &str) -> Option<(String, &str)> {
    static V: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[vV]?(\d+(?:\.\d+)*)").unwrap());
    let c = V.captures(s)?;
    let m = c.get(1)?;
    Some((m.as_str().to_owned(), &s[c.get(0)?.end()..]))
}

/// The version a Stack cell pins, when it is a plain version: `22`,
/// `22.3.0`, `v22`, `22.x`, `22 (LTS)`, `22 LTS`. Ranges and floating
/// values (`^20`, `>=20`, `20+`, `18 or later`, `LTS`, `latest`) are not
/// comparable and give `None`.
pub fn stack_version(cell: &str) -> Option<String> {
    let (v, rest) = leading_version(cell.trim())?;
    let mut rest = rest;
    while let Some(r) = rest.strip_prefix(".x").or_else(|| rest.strip_prefix(".X")).or_else(|| rest.strip_prefix(".*"))
    {
        rest = r;
    }
    let t = rest.trim_start();
    let ok =
        t.is_empty() || (t.len() < rest.len() && (t.starts_with('(') || t.to_ascii_lowercase().starts_with("lts")));
    ok.then_some(v)
}

/// The version an image tag or a CI/runtime version value names: `20-alpine`
/// → `20`, `16.4-bookworm` → `16.4`, `22.x` → `22`; `latest`, `lts/*`,
/// `${VAR}` and ranges give `None`.
pub fn iac_version(tag: &str) -> Option<String> {
    leading_version(tag.trim()).map(|(v, _)| v)
}

/// Whether an IaC version agrees with a Stack pin: it starts with the Stack's
/// version at the Stack's precision (Stack `22` accepts `22`, `22.3.0`;
/// Stack `22.3` rejects `22` and `22.4`).
pub fn versions_agree(stack: &str, iac: &str) -> bool {
    let parse = |s: &str| s.split('.').map(|p| p.parse::<u64>().ok()).collect::<Option<Vec<_>>>();
    let (Some(a), Some(b)) = (parse(stack), parse(iac)) else { return true };
    b.len() >= a.len() && b[..a.len()] == a[..]
}

#[cfg(test)]
mod tests;
