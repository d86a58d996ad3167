//! Arbitrary bytes as a spec: parsing, the model and every check must not
//! panic, and every finding must point inside the text, on char boundaries.
#![no_main]

use std::path::PathBuf;
use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use smaqit_core::checks;
use smaqit_core::workspace::Workspace;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let ws = Workspace::new();
    // A Stack spec runs the most checks (boundary words, version pins).
    for layer in ["stack", "coverage"] {
        let path = PathBuf::from(format!("/fuzz/specs/{layer}/f.md"));
        let entry = ws.upsert_text(path, Arc::from(text.as_ref()));
        for f in checks::check_entry(&entry, &ws) {
            assert!(f.range.start <= f.range.end && f.range.end <= text.len(), "{f:?}");
            assert!(text.is_char_boundary(f.range.start) && text.is_char_boundary(f.range.end), "{f:?}");
        }
    }
});
