//! Publishing bookkeeping: a file's diagnostics are sent only when they
//! change; an open document's once per version; never an older decision
//! after a newer one. `if_changed` hashes what would be sent (the version
//! included) and records it; `deliver` queues a publish only while its hash
//! is still the recorded one, asked under the outbox's lock.

use std::hash::{Hash, Hasher};
use std::sync::atomic::Ordering;

use tower_lsp_server::ls_types::{self as lsp, PublishDiagnosticsParams, Uri};

use super::convert;
use super::outbox::Outbox;
use super::state::State;

/// Where refreshes hand what changed, from any thread.
pub type Sink<'a> = &'a (dyn Fn(Publish) + Sync);

/// Diagnostics ready to publish for one document.
pub struct Publish {
    pub uri: Uri,
    pub diagnostics: Vec<lsp::Diagnostic>,
    pub version: Option<i32>,
    /// What `if_changed` recorded for it: sent only while still the latest.
    pub hash: u64,
}

impl State {
    /// The publish for `uri`, unless it repeats the last one.
    pub fn if_changed(&self, uri: Uri, diagnostics: Vec<lsp::Diagnostic>, version: Option<i32>) -> Option<Publish> {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        diagnostics.iter().for_each(|d| convert::hash_diagnostic(d, &mut h));
        // An open document's diagnostics are tied to its version: each
        // version is published once, even when nothing else changed (also
        // after a concurrent refresh tagged the same findings with an older
        // version).
        version.hash(&mut h);
        let hash = h.finish();
        if self.published.insert(uri.clone(), hash) == Some(hash) {
            return None;
        }
        Some(Publish { uri, diagnostics, version, hash })
    }

    /// Whether `p` is still what was last decided for its file. Refreshes
    /// run concurrently (an edit's, a file event's, the initial one): one
    /// computed earlier may reach the client after one computed later, and
    /// must then not be sent.
    pub fn is_latest(&self, uri: &Uri, hash: u64) -> bool {
        self.published.get(uri).is_some_and(|h| *h == hash)
    }

    /// The publish that clears a file's diagnostics (it was deleted).
    pub fn cleared(&self, uri: &Uri) -> Option<Publish> {
        self.if_changed(uri.clone(), Vec::new(), None)
    }
}

/// Sends one file's diagnostics, unless the client pulls them or a later
/// refresh already decided newer ones (checked as the frame is queued, so
/// a file's last publish is always the last decided). Blocking: a send
/// waits while the client is far behind.
pub fn deliver(outbox: &Outbox, state: &State, p: Publish) {
    if state.pull.load(Ordering::Relaxed) {
        return;
    }
    let params = PublishDiagnosticsParams { uri: p.uri, diagnostics: p.diagnostics, version: p.version };
    outbox.notify_if("textDocument/publishDiagnostics", &params, || state.is_latest(&params.uri, p.hash));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_publish_decided_before_a_later_one_is_stale() {
        let s = State::new();
        let uri: Uri = "file:///tmp/x/specs/business/a.md".parse().unwrap();
        let d = |m: &str| lsp::Diagnostic { message: m.into(), ..Default::default() };
        let older = s.if_changed(uri.clone(), vec![d("old")], None).unwrap();
        let newer = s.if_changed(uri.clone(), vec![d("new")], None).unwrap();
        assert!(s.is_latest(&uri, newer.hash));
        assert!(!s.is_latest(&uri, older.hash), "computed earlier, must not be sent after the newer one");
        // The same findings for a newer version of an open document are new.
        let v2 = s.if_changed(uri.clone(), vec![d("new")], Some(2)).unwrap();
        assert!(s.if_changed(uri.clone(), vec![d("new")], Some(2)).is_none());
        // A deleted file's clear supersedes everything before it, once.
        let clear = s.cleared(&uri).unwrap();
        assert!(!s.is_latest(&uri, v2.hash) && s.is_latest(&uri, clear.hash));
        assert!(s.cleared(&uri).is_none());
    }
}
