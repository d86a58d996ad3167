use std::fmt;

use super::Layer;

/// A spec's lifecycle status (spec-format §5). Values are case-sensitive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Status {
    Draft,
    Implemented,
    Deployed,
    Validated,
    Failed,
    Deprecated,
}

impl Status {
    pub const ALL: [Status; 6] =
        [Status::Draft, Status::Implemented, Status::Deployed, Status::Validated, Status::Failed, Status::Deprecated];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Implemented => "implemented",
            Status::Deployed => "deployed",
            Status::Validated => "validated",
            Status::Failed => "failed",
            Status::Deprecated => "deprecated",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// "How far along" (§5): None for deprecated, which is out of the ranking.
    pub fn rank(self) -> Option<u8> {
        match self {
            Status::Draft | Status::Failed => Some(0),
            Status::Implemented => Some(1),
            Status::Deployed => Some(2),
            Status::Validated => Some(3),
            Status::Deprecated => None,
        }
    }

    /// Whether the status claims the spec's work is done.
    pub fn claims_done(self) -> bool {
        matches!(self, Status::Implemented | Status::Deployed | Status::Validated)
    }

    /// Frontmatter key of the timestamp this status requires, if any.
    pub fn timestamp_key(self) -> Option<&'static str> {
        match self {
            Status::Implemented => Some("implemented"),
            Status::Deployed => Some("deployed"),
            Status::Validated => Some("validated"),
            _ => None,
        }
    }

    /// Transitions the lifecycle allows from `self` for a spec of `layer`.
    pub fn transitions(self, layer: Option<Layer>) -> Vec<Status> {
        let mut out = Vec::new();
        let infra = layer == Some(Layer::Infrastructure);
        let coverage = layer == Some(Layer::Coverage);
        match self {
            Status::Draft => {
                if infra {
                    out.push(Status::Deployed);
                } else if coverage {
                    out.push(Status::Validated);
                } else {
                    out.push(Status::Implemented);
                }
            }
            Status::Implemented => out.push(Status::Deployed),
            Status::Deployed => out.push(Status::Validated),
            Status::Validated | Status::Failed | Status::Deprecated => {}
        }
        if matches!(self, Status::Draft | Status::Implemented | Status::Deployed) {
            out.push(Status::Failed);
        }
        if self != Status::Deprecated {
            out.push(Status::Deprecated);
        }
        if self != Status::Draft {
            out.push(Status::Draft);
        }
        out
    }

    /// The closest status name to a misspelling, for a did-you-mean fix.
    pub fn suggest(input: &str) -> Option<Status> {
        let lower = input.trim().to_ascii_lowercase();
        if let Some(s) = Status::parse(&lower) {
            return Some(s);
        }
        Status::ALL
            .into_iter()
            .map(|s| (crate::ids::edit_distance(&lower, s.as_str()), s))
            .filter(|(d, s)| *d <= (s.as_str().len() / 3).max(2))
            .min_by_key(|(d, _)| *d)
            .map(|(_, s)| s)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggest_misspellings() {
        assert_eq!(Status::suggest("implmented"), Some(Status::Implemented));
        assert_eq!(Status::suggest("Deployed"), Some(Status::Deployed));
        assert_eq!(Status::suggest("done"), None);
    }

    #[test]
    fn lifecycle() {
        assert_eq!(Status::Draft.transitions(Some(Layer::Infrastructure))[0], Status::Deployed);
        assert_eq!(Status::Draft.transitions(Some(Layer::Stack))[0], Status::Implemented);
        assert!(!Status::Validated.transitions(None).contains(&Status::Failed));
        assert!(Status::Failed.transitions(None).contains(&Status::Draft));
    }
}
