//! `config/*`: the project's `.smaqit/smaqit-ls.toml` itself — a file
//! that does not parse (its defaults apply meanwhile), and levels set for
//! codes smaqit-ls does not have.

use super::{Finding, catalogue, code};
use crate::project::config::{CONFIG_FILE, parse};
use crate::workspace::IacEntry;

pub(super) fn check(entry: &IacEntry, out: &mut Vec<Finding>) {
    if !entry.path.ends_with(CONFIG_FILE) {
        return;
    }
    let text = entry.text.as_str();
    let config = match parse(&text) {
        Ok(c) => c,
        Err(e) => {
            out.push(Finding::new(
                code::CONFIG_INVALID,
                e.range,
                format!("{CONFIG_FILE}: {} (its defaults apply until it is fixed)", e.message),
            ));
            return;
        }
    };
    for name in config.severity.keys() {
        if name == "secrets" || catalogue::all().any(|c| c.id == name || c.family() == name) {
            continue;
        }
        let at = text.find(&format!("\"{name}\"")).or_else(|| text.find(name.as_str())).unwrap_or(0);
        let mut f = Finding::new(
            code::CONFIG_UNKNOWN_CODE,
            at..at + name.len() + 2 * usize::from(text[at..].starts_with('"')),
            format!("`{name}` is no smaqit-ls code or family"),
        );
        if let Some(c) = catalogue::closest(name) {
            f.message.push_str(&format!("; did you mean `{c}`?"));
            f = f.with_suggestion(c);
        }
        out.push(f);
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::fixture;

    #[test]
    fn a_bad_level_and_an_unknown_code() {
        fixture::check_families(
            &["config"],
            r#"
//- .smaqit/smaqit-ls.toml
[severity]
"coverage/gap" = "loud"
                 ^^^^^^ error config/invalid: .smaqit/smaqit-ls.toml: unknown variant `loud`, expected one of `off`, `hint`, `info`, `warning`, `error` (its defaults apply until it is fixed)
"#,
        );
    }

    #[test]
    fn levels_and_excludes_apply_to_the_project_and_unknown_codes_are_named() {
        fixture::check_families(
            &["config", "criteria", "coverage", "suppress"],
            r#"
//- .smaqit/smaqit-ls.toml
[severity]
"criteria/open" = "warning"
"coverage/gapp" = "info"
^^^^^^^^^^^^^^^ warning config/unknown-code: `coverage/gapp` is no smaqit-ls code or family; did you mean `coverage/gap`?
coverage = "off"

[files]
exclude = ["specs/business/old-*.md"]
//- specs/business/uc1.md
---
id: BUS-ONE
status: draft
created: 2025-01-01
---
# UC1-ONE: One
## Acceptance Criteria
- [ ] BUS-ONE-001: open in a draft, raised to a warning by the project
      ^^^^^^^^^^^ warning criteria/open: criterion BUS-ONE-001 is open
<!-- smaqit-ignore: criteria/open the next one is known -->
- [ ] BUS-ONE-002: silenced
//- specs/business/old-one.md
---
id: BUS-OLD
status: draft
created: 2025-01-01
---
# UC0-OLD: Excluded by the project
## Acceptance Criteria
- [ ] BUS-OLD-001: never reported
"#,
        );
    }
}
