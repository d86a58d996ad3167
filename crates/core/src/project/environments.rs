//! `.smaqit/environments.toml`: the environments a project deploys to.
//!
//! ```toml
//! [environments.local]
//! description = "The API on loopback"
//! files = ["deploy/app.env"]          # rendered with ${secrets.X} resolved
//! steps = [["python3", "deploy/service.py", "--port", "{port}"]]
//! endpoint = "http://127.0.0.1:{port}/"
//! timeout_secs = 60                   # per step
//! retries = 2                         # after the first attempt
//! secrets = { provider = "env" }      # env | file | command
//! specs = ["INF-LOCAL"]              # the Infrastructure specs it realises
//! rollback = [["sh", "-c", "kill \"$(cat .smaqit/run/service.pid)\""]]
//! [[environments.local.health]]
//! url = "http://127.0.0.1:{port}/health"
//! expect_status = 200
//! json = { sha = "*" }                # fields that must be present ("*") or equal
//! within_secs = 20
//! verifies = ["INF-LOCAL-001"]        # criteria this check verifies
//! ```
//!
//! Placeholders in steps, endpoint and health checks: `{port}` (a free
//! loopback port chosen per deploy), `{root}` (the project root) and
//! `{rendered}` (the private folder the files are rendered into).

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub const ENVIRONMENTS_FILE: &str = ".smaqit/environments.toml";

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct EnvironmentsFile {
    #[serde(default)]
    pub environments: BTreeMap<String, Environment>,
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Environment {
    #[serde(default)]
    pub description: String,
    /// IaC/manifest files (relative to the root) rendered with secrets.
    #[serde(default)]
    pub files: Vec<String>,
    /// Ordered argv arrays; a shell only when the user writes `sh -c`.
    pub steps: Vec<Vec<String>>,
    /// Working folder of the steps, relative to the root.
    #[serde(default = "dot")]
    pub workdir: String,
    #[serde(default = "default_timeout")]
    pub timeout_secs: u64,
    #[serde(default = "default_retries")]
    pub retries: u32,
    #[serde(default)]
    pub endpoint: Option<String>,
    #[serde(default)]
    pub health: Vec<HealthCheck>,
    #[serde(default)]
    pub secrets: SecretsProvider,
    /// Another executor speaking the same protocol (argv); default: this
    /// binary in `exec` mode.
    #[serde(default)]
    pub executor: Option<Vec<String>>,
    /// The IDs of the Infrastructure specs this environment realises. Left
    /// out: the pending Infrastructure specs whose `## Constraints` name it
    /// as their Target Environment, or all pending ones when the project has
    /// a single environment (see `plan`'s deploy selection).
    #[serde(default)]
    pub specs: Option<Vec<String>>,
    /// Steps run after a failed attempt (a step failed or a health check
    /// did), with the same secrets: to stop or roll back what was started.
    #[serde(default)]
    pub rollback: Vec<Vec<String>>,
    /// A PEM file of CA certificates trusted for `https://` health checks,
    /// besides the system's (relative to the root).
    #[serde(default)]
    pub ca_file: Option<String>,
}

fn dot() -> String {
    ".".into()
}
fn default_timeout() -> u64 {
    120
}
fn default_retries() -> u32 {
    2
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct HealthCheck {
    /// HTTP GET this URL…
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default = "ok_status")]
    pub expect_status: u16,
    /// JSON fields the body must hold: "*" for any value, else equal.
    #[serde(default)]
    pub json: BTreeMap<String, String>,
    /// …or connect to this `host:port`.
    #[serde(default)]
    pub tcp: Option<String>,
    /// Retry until this deadline.
    #[serde(default = "default_within")]
    pub within_secs: u64,
    /// Acceptance criteria this check verifies: ticked `[x]` when it
    /// passes, `[!]` when it fails.
    #[serde(default)]
    pub verifies: Vec<String>,
}

fn ok_status() -> u16 {
    200
}
fn default_within() -> u64 {
    30
}

#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(tag = "provider", rename_all = "lowercase", deny_unknown_fields)]
pub enum SecretsProvider {
    /// `SMAQIT_SECRET_<NAME>` in the executor's environment.
    #[default]
    Env,
    /// `NAME=value` lines in a file outside the workspace, readable by its owner only.
    File { path: String },
    /// A command printing the value; `{name}` is replaced by the secret's name.
    Command { argv: Vec<String> },
}

impl HealthCheck {
    pub fn describe(&self) -> String {
        match (&self.url, &self.tcp) {
            (Some(u), _) => format!("GET {u} → {}", self.expect_status),
            (None, Some(t)) => format!("TCP connect {t}"),
            _ => "(no target)".into(),
        }
    }
}

/// A malformed environments file, with the byte range at fault.
#[derive(Clone, Debug, PartialEq)]
pub struct ConfigError {
    pub message: String,
    pub range: Range<usize>,
}

pub fn path(root: &Path) -> PathBuf {
    root.join(ENVIRONMENTS_FILE)
}

/// Parses and validates an environments file's text.
pub fn parse(text: &str) -> Result<EnvironmentsFile, ConfigError> {
    let file: EnvironmentsFile = toml::from_str(text)
        .map_err(|e| ConfigError { message: e.message().to_owned(), range: e.span().unwrap_or(0..0) })?;
    for (name, env) in &file.environments {
        let at = text.find(&format!("environments.{name}")).map_or(0..0, |i| i..i + 13 + name.len());
        let bad = |message: String| ConfigError { message, range: at.clone() };
        if env.steps.is_empty() {
            return Err(bad(format!("environment `{name}` has no steps")));
        }
        if let Some(i) = env.steps.iter().position(|s| s.is_empty()) {
            return Err(bad(format!("environment `{name}`: step {} is an empty argv", i + 1)));
        }
        if let Some(h) = env.health.iter().find(|h| h.url.is_none() == h.tcp.is_none()) {
            return Err(bad(format!(
                "environment `{name}`: a health check needs exactly one of `url` or `tcp` ({h:?})"
            )));
        }
        if env.timeout_secs == 0 {
            return Err(bad(format!("environment `{name}`: timeout_secs must be at least 1")));
        }
        if let Some(i) = env.rollback.iter().position(|s| s.is_empty()) {
            return Err(bad(format!("environment `{name}`: rollback step {} is an empty argv", i + 1)));
        }
        for id in env.health.iter().flat_map(|h| &h.verifies) {
            if !crate::ids::is_criterion_id(id) {
                return Err(bad(format!("environment `{name}`: `{id}` in `verifies` is not a criterion ID")));
            }
        }
        for id in env.specs.iter().flatten() {
            if !crate::ids::is_spec_id(id)
                || crate::model::Layer::of_id(id) != Some(crate::model::Layer::Infrastructure)
            {
                return Err(bad(format!("environment `{name}`: `{id}` in `specs` is not an Infrastructure spec ID")));
            }
        }
    }
    Ok(file)
}

/// Reads `<root>/.smaqit/environments.toml`.
pub fn load(root: &Path) -> Result<EnvironmentsFile, ConfigError> {
    let text = std::fs::read_to_string(path(root))
        .map_err(|e| ConfigError { message: format!("cannot read {ENVIRONMENTS_FILE}: {e}"), range: 0..0 })?;
    parse(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_rejects() {
        let ok = "[environments.local]\nsteps = [[\"true\"]]\n[[environments.local.health]]\ntcp = \"127.0.0.1:1\"\n";
        let f = parse(ok).unwrap();
        assert_eq!(f.environments["local"].retries, 2);
        assert_eq!(f.environments["local"].secrets, SecretsProvider::Env);
        let e = parse("[environments.local]\nsteps = \"make deploy\"\n").unwrap_err();
        assert!(e.range.start > 0, "{e:?}");
        let e = parse("[environments.local]\nsteps = []\n").unwrap_err();
        assert!(e.message.contains("no steps"));
        let e = parse("[environments.x]\nsteps=[[\"a\"]]\nbogus = 1\n").unwrap_err();
        assert!(e.message.contains("bogus"), "{e:?}");
    }
}
