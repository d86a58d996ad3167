use serde::Deserialize;

/// Server options, from `initializationOptions` or the `smaqit` section of
/// `workspace/configuration` (both shapes are accepted: `{smaqit: {…}}` or
/// the inner object).
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct Settings {
    /// Quiet time after the last keystroke before diagnostics are computed.
    pub debounce_ms: u64,
    /// Files larger than this are not indexed.
    pub max_file_size: u64,
    /// Base URL of the diagnostic catalogue, for `codeDescription` links.
    pub docs_url: String,
    /// Extra files to index and scan for secrets (globs).
    pub include: Vec<String>,
    /// Files never to index (globs), on top of `.gitignore`.
    pub exclude: Vec<String>,
    /// Code or family → `off`, `hint`, `info`, `warning` or `error`, over
    /// the project's `.smaqit/smaqit-ls.toml` (a personal choice).
    pub severity: std::collections::BTreeMap<String, smaqit_core::project::config::Level>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            debounce_ms: 120,
            max_file_size: smaqit_core::workspace::DEFAULT_MAX_FILE_SIZE,
            docs_url: "https://github.com/smaqit/smaqit-ls/blob/main/docs/diagnostics.md".into(),
            include: Vec::new(),
            exclude: Vec::new(),
            severity: Default::default(),
        }
    }
}

impl Settings {
    pub fn from_json(value: &serde_json::Value) -> Option<Settings> {
        let inner = value.get("smaqit").unwrap_or(value);
        if !inner.is_object() {
            return None;
        }
        serde_json::from_value(inner.clone()).ok()
    }
}
