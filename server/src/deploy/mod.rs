//! Deploy: environments, the executor protocol, the flow around the
//! executor (consolidation, spawning, status write-back, the report).

pub mod config;
pub mod flow;
pub mod protocol;
pub mod report;
