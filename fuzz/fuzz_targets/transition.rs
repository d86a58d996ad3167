//! Status transitions rewrite the frontmatter: the result must parse, carry
//! the new status (and its timestamp), and differ from the input in nothing
//! but the status and timestamp entries.
#![no_main]

use std::path::PathBuf;

use libfuzzer_sys::fuzz_target;
use smaqit_core::actions::transition;
use smaqit_core::model::{Spec, Status};
use smaqit_core::parse::parse;

const NOW: &str = "2026-11-26T12:00:00Z";

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let spec = Spec::new(PathBuf::from("/fuzz/specs/stack/s.md"), None, parse(text.as_ref()));
    for to in Status::ALL {
        let Some(mut edits) = transition(&spec, to, NOW) else { continue };
        edits.sort_by_key(|e| std::cmp::Reverse(e.range.start));
        let mut out = text.to_string();
        for e in &edits {
            out.replace_range(e.range.clone(), &e.new_text);
        }
        let after = Spec::new(spec.path.clone(), None, parse(out.as_str()));
        let fm = after.doc.frontmatter.as_ref().expect("frontmatter kept");
        assert!(fm.terminated && fm.error.is_none(), "{to:?} broke the frontmatter: {out:?}");
        assert_eq!(after.status(), Some(to), "{out:?}");
        let changed = ["status", to.timestamp_key().unwrap_or("status")];
        if let Some(key) = to.timestamp_key() {
            assert_eq!(fm.get(key).map(|e| e.raw.trim_matches(['"', '\''])), Some(NOW), "{out:?}");
        }
        let before = spec.doc.frontmatter.as_ref().expect("usable frontmatter");
        let keep = |f: &smaqit_core::parse::Frontmatter| -> Vec<(String, String)> {
            f.entries
                .iter()
                .filter(|e| !changed.contains(&e.key.as_str()))
                .map(|e| (e.key.clone(), e.raw.clone()))
                .collect()
        };
        assert_eq!(keep(before), keep(fm), "other entries changed: {out:?}");
        // The body is untouched.
        assert_eq!(&text[before.range.end..], &out[fm.range.end..]);
    }
});
