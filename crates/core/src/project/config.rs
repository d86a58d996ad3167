//! `.smaqit/smaqit-ls.toml`: what a team decides about its findings and
//! tools, read by the editors and `check` alike (so CI and the editor
//! agree). Every section is optional:
//!
//! ```toml
//! [severity]              # per code or per family: off, hint, info, warning, error
//! "coverage/gap" = "info"
//! secret = "error"
//!
//! [files]
//! exclude = ["legacy/**", "specs/archive/*.md"]   # gitignore-style globs
//!
//! [plan]
//! cli = "auto"            # the `plan` a deploy report quotes: auto, builtin, or a path
//! ```

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;

pub const CONFIG_FILE: &str = ".smaqit/smaqit-ls.toml";

/// A severity a team can choose for a code or a family.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Off,
    Hint,
    Info,
    Warning,
    Error,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Files {
    /// Globs (gitignore syntax, from the project root) never indexed.
    #[serde(default)]
    pub exclude: Vec<String>,
}

/// Which `plan --phase=deploy` a deployment report quotes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum PlanCli {
    /// The `smaqit` on PATH when there is one, else the built-in plan.
    #[default]
    Auto,
    /// Always smaqit-ls's own (byte-compatible) plan.
    Builtin,
    /// This `smaqit` executable.
    Path(PathBuf),
}

impl<'de> Deserialize<'de> for PlanCli {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(match s.as_str() {
            "auto" => PlanCli::Auto,
            "builtin" => PlanCli::Builtin,
            "" => {
                return Err(serde::de::Error::custom("`cli` is `auto`, `builtin` or the path of a smaqit executable"));
            }
            path => PlanCli::Path(PathBuf::from(path)),
        })
    }
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanConfig {
    #[serde(default)]
    pub cli: PlanCli,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Code (`coverage/gap`) or family (`coverage`) → level; a code wins
    /// over its family.
    #[serde(default)]
    pub severity: BTreeMap<String, Level>,
    #[serde(default)]
    pub files: Files,
    #[serde(default)]
    pub plan: PlanConfig,
}

/// A configuration file that does not parse, with the byte range at fault.
#[derive(Clone, Debug, PartialEq)]
pub struct ConfigError {
    pub message: String,
    pub range: Range<usize>,
}

pub fn path(root: &Path) -> PathBuf {
    root.join(CONFIG_FILE)
}

pub fn parse(text: &str) -> Result<Config, ConfigError> {
    toml::from_str(text).map_err(|e| ConfigError { message: e.message().to_owned(), range: e.span().unwrap_or(0..0) })
}

/// The project's configuration: the defaults when there is no file, the
/// error when there is one that does not parse (the caller reports it and
/// goes on with the defaults).
pub fn load(root: &Path) -> Result<Config, ConfigError> {
    match std::fs::read_to_string(path(root)) {
        Ok(text) => parse(&text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
        Err(e) => Err(ConfigError { message: format!("cannot read {CONFIG_FILE}: {e}"), range: 0..0 }),
    }
}

impl Config {
    /// The level chosen for `code` (`family/name`): its own, else its
    /// family's.
    pub fn level(&self, code: &str) -> Option<Level> {
        self.severity
            .get(code)
            .or_else(|| code.split_once('/').and_then(|(family, _)| self.severity.get(family)))
            .copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_levels_excludes_and_the_plan_cli() {
        let c = parse(
            "[severity]\n\"coverage/gap\" = \"info\"\nsecret = \"error\"\n[files]\nexclude = [\"legacy/**\"]\n[plan]\ncli = \"builtin\"\n",
        )
        .unwrap();
        assert_eq!(c.level("coverage/gap"), Some(Level::Info));
        assert_eq!(c.level("secret/aws-access-key"), Some(Level::Error));
        assert_eq!(c.level("ref/broken-link"), None);
        assert_eq!(c.files.exclude, ["legacy/**"]);
        assert_eq!(c.plan.cli, PlanCli::Builtin);
        assert_eq!(parse("[plan]\ncli = \"/opt/smaqit\"\n").unwrap().plan.cli, PlanCli::Path("/opt/smaqit".into()));
        let e = parse("[severity]\nx = \"loud\"\n").unwrap_err();
        assert!(e.message.contains("loud") && e.range.start > 0, "{e:?}");
        assert!(parse("[bogus]\n").unwrap_err().message.contains("bogus"));
        assert_eq!(parse("").unwrap(), Config::default());
    }
}
