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
    Progress { percent: u32, message: String },
    Log { line: String },
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
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct HealthResult {
    pub check: String,
    pub ok: bool,
    pub detail: String,
}

#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Success,
    #[default]
    Failed,
    Cancelled,
    Refused,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Success => "success",
            Status::Failed => "failed",
            Status::Cancelled => "cancelled",
            Status::Refused => "refused",
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
}
