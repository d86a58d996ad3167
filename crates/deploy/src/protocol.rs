//! The executor protocol: JSON lines. The server (or `smaqit-ls deploy`)
//! writes one [`Request`] line to the executor's stdin, and later possibly a
//! `{"type":"cancel"}` line; the executor writes [`Event`] lines to stdout,
//! ending with exactly one `result`. No line ever holds a secret value: the
//! executor scrubs everything it forwards.

use serde::{Deserialize, Serialize};

use smaqit_core::project::environments::Environment;

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Request {
    Deploy {
        /// Project root (absolute).
        root: String,
        environment_name: String,
        environment: Box<Environment>,
        /// Names of the `${secrets.NAME}` references the files use.
        secrets: Vec<String>,
    },
    Cancel,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Event {
    Progress {
        percent: u32,
        message: String,
    },
    Log {
        line: String,
    },
    /// A step started in its own process group: the caller kills the group
    /// if the executor dies before the step ends.
    Process {
        pgid: i32,
    },
    Attempt(Attempt),
    Health(HealthResult),
    Result(Outcome),
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Attempt {
    pub number: u32,
    pub ok: bool,
    /// Which step failed and how, when it did.
    pub failure: Option<String>,
    /// Scrubbed output of the attempt's steps and health checks.
    pub log: Vec<String>,
    /// The failure cannot change by running the same steps again (a
    /// command that cannot start, or the same failure as the attempt before).
    #[serde(default)]
    pub permanent: bool,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct HealthResult {
    pub check: String,
    pub ok: bool,
    pub detail: String,
    /// The check reached its target (an answer, a connection), healthy or not.
    #[serde(default)]
    pub reached: bool,
    /// The criteria this check verifies (from the environment).
    #[serde(default)]
    pub verifies: Vec<String>,
}

#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Success,
    #[default]
    Failed,
    Cancelled,
    Refused,
    /// Nothing was pending: nothing ran.
    Skipped,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Success => "success",
            Status::Failed => "failed",
            Status::Cancelled => "cancelled",
            Status::Refused => "refused",
            Status::Skipped => "skipped",
        }
    }
}

/// What a deploy came to; the only thing the trusted side hands back.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Outcome {
    pub status: Status,
    pub endpoint: Option<String>,
    pub message: String,
    pub attempts: Vec<Attempt>,
    pub health: Vec<HealthResult>,
    /// A step ran (false: refused or failed before anything ran, so nothing
    /// was rendered and no spec changes).
    #[serde(default)]
    pub started: bool,
    /// The retries were used up (or the failure could not change): the
    /// failure goes to a person.
    #[serde(default)]
    pub escalated: bool,
    /// What the caller should know besides the message (a service that may
    /// still run after a failed health check, a rollback that failed).
    #[serde(default)]
    pub notes: Vec<String>,
}
