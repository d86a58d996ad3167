//! `deploy/environments`: a malformed `.smaqit/environments.toml`, at the
//! byte range the parser blames.

use super::{Finding, code};
use crate::project::environments::{ENVIRONMENTS_FILE, parse};
use crate::workspace::IacEntry;

pub(super) fn check(entry: &IacEntry, out: &mut Vec<Finding>) {
    if !entry.path.ends_with(ENVIRONMENTS_FILE) {
        return;
    }
    if let Err(e) = parse(&entry.text.as_str()) {
        out.push(Finding::new(code::DEPLOY_ENVIRONMENTS, e.range, format!("environments file: {}", e.message)));
    }
}
