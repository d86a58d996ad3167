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

#[cfg(test)]
mod tests {
    use crate::checks::fixture;

    #[test]
    fn a_wrong_type_points_at_the_value() {
        fixture::check_families(
            &["deploy"],
            r#"
//- .smaqit/environments.toml
[environments.local]
description = "loopback"
steps = "make deploy"
        ^^^^^^^^^^^^^ error deploy/environments: environments file: invalid type: string "make deploy", expected a sequence
"#,
        );
    }

    #[test]
    fn an_environment_without_steps() {
        fixture::check_families(
            &["deploy"],
            r#"
//- .smaqit/environments.toml
[environments.local]
 ^^^^^^^^^^^^^^^^^^ error deploy/environments: environments file: environment `local` has no steps
steps = []
"#,
        );
    }
}
