//! The editor contract: every custom `workspace/executeCommand` the server
//! offers, with typed arguments and results. `docs/protocol.md` documents
//! each one; a test keeps the two, and the TypeScript and Lua mirrors
//! (`editors/vscode/src/protocol.ts`, `editors/nvim/lua/smaqit/protocol.lua`),
//! in step with [`COMMANDS`].

use serde::{Deserialize, Serialize};

/// `smaqit.setStatus [uri, status]`: a versioned status transition of an
/// open spec, applied through `workspace/applyEdit`. Result [`Applied`].
pub const SET_STATUS: &str = "smaqit.setStatus";
/// `smaqit.reindex`: walks the workspace again. Result [`Reindexed`].
pub const REINDEX: &str = "smaqit.reindex";
/// `smaqit.deploy [DeployArgs]`: the Deploy flow. Result [`DeployResult`].
pub const DEPLOY: &str = "smaqit.deploy";
/// `smaqit.listEnvironments [ProjectArgs?]`: the environments file. Result
/// a list of [`EnvironmentInfo`].
pub const LIST_ENVIRONMENTS: &str = "smaqit.listEnvironments";
/// `smaqit.plan [ProjectArgs?]`: `plan --phase=deploy`. Result [`PlanResult`].
pub const PLAN: &str = "smaqit.plan";
/// `smaqit.status [ProjectArgs?]`: spec counts by status. Result [`StatusResult`].
pub const STATUS: &str = "smaqit.status";

/// Every command, as advertised in `executeCommandProvider`.
pub const COMMANDS: [&str; 6] = [SET_STATUS, REINDEX, DEPLOY, LIST_ENVIRONMENTS, PLAN, STATUS];

/// The progress token of a deploy when the client gives none in
/// `workDoneToken`: this prefix and a number.
pub const DEPLOY_PROGRESS_PREFIX: &str = "smaqit/deploy/";
/// The progress token of workspace indexing.
pub const INDEX_PROGRESS_TOKEN: &str = "smaqit/index";

/// Which project a command is about: a folder or file URI (or path) inside
/// it; default the first workspace folder holding `.smaqit/`.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ProjectArgs {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root: Option<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct DeployArgs {
    pub environment: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root: Option<String>,
    /// Deploy every Infrastructure spec of the environment again.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub regen: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Applied {
    pub applied: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Reindexed {
    pub specs: usize,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct DeployResult {
    /// `success`, `failed`, `cancelled`, `refused`, or `skipped` (nothing
    /// was pending, nothing ran).
    pub status: String,
    pub endpoint: Option<String>,
    pub message: String,
    pub attempts: usize,
    /// The report's URI, when one was written.
    pub report: Option<String>,
    /// Why the deploy was refused: `path:line:col: code: message` per finding.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conflicts: Vec<String>,
    /// What could not be written back.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct EnvironmentInfo {
    pub name: String,
    pub description: String,
    pub steps: Vec<Vec<String>>,
    pub health: Vec<String>,
    pub retries: u32,
    /// The Infrastructure specs it realises (what `regen` deploys).
    #[serde(default)]
    pub specs: Vec<String>,
    /// Those of `specs` pending in `plan --phase=deploy` (what a deploy deploys).
    #[serde(default)]
    pub pending: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct PlanEntryInfo {
    pub path: String,
    pub id: String,
    pub status: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct PlanResult {
    pub phase: String,
    /// Verbatim `smaqit plan --phase=deploy` output.
    pub output: String,
    pub pending: Vec<PlanEntryInfo>,
    pub completed: Vec<PlanEntryInfo>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct StatusResult {
    /// Specs per status (all six keys present).
    pub counts: std::collections::BTreeMap<String, usize>,
    pub deploying: bool,
}

/// The first argument of a command, decoded; a missing argument is the
/// default (`{}`) when the type has one.
pub fn first_arg<T: serde::de::DeserializeOwned>(args: &[serde_json::Value]) -> Result<T, String> {
    let v = args.first().cloned().unwrap_or_else(|| serde_json::json!({}));
    serde_json::from_value(v).map_err(|e| format!("invalid arguments: {e}"))
}
