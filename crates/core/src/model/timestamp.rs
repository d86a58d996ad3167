//! Frontmatter timestamps: RFC 3339 (what smaqit writes) or a bare date
//! (seen in real specs).

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime, UtcOffset};

/// Whether `s` is a timestamp smaqit accepts.
pub fn is_valid(s: &str) -> bool {
    let s = s.trim();
    OffsetDateTime::parse(s, &Rfc3339).is_ok() || Date::parse(s, format_description!("[year]-[month]-[day]")).is_ok()
}

/// Current time as smaqit writes it: RFC 3339, UTC, whole seconds.
pub fn now() -> String {
    format(OffsetDateTime::now_utc())
}

pub fn format(t: OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC);
    let f = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    t.format(&f).unwrap_or_else(|_| "1970-01-01T00:00:00Z".into())
}

/// Today's date (UTC) as `YYYY-MM-DD`.
pub fn today() -> String {
    let f = format_description!("[year]-[month]-[day]");
    OffsetDateTime::now_utc().format(&f).unwrap_or_else(|_| "1970-01-01".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validity() {
        assert!(is_valid("2025-03-01T10:00:00Z"));
        assert!(is_valid("2025-03-01T10:00:00.5+02:00"));
        assert!(is_valid("2025-03-01"));
        assert!(!is_valid("2025-13-45T99:00"));
        assert!(!is_valid("[TIMESTAMP]"));
        assert_eq!(now().len(), 20);
    }
}
