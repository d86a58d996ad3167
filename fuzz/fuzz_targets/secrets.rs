//! The secret scanner on arbitrary text, as each kind of file it knows: no
//! panic, every finding inside the text on char boundaries, and the masked
//! form never longer than a vendor prefix.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use smaqit_secrets::Scanner;

static SCANNER: std::sync::LazyLock<Scanner> = std::sync::LazyLock::new(Scanner::new);

const PATHS: [&str; 9] = [
    "specs/stack/a.md",
    "deploy/main.tf",
    ".env",
    "deploy/values.yaml",
    "Dockerfile",
    "config.json",
    "deploy/app.properties",
    "docs/example.env.example",
    "scripts/run.sh",
];

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for p in PATHS {
        for f in SCANNER.scan(Path::new(p), &text) {
            assert!(f.range.start < f.range.end && f.range.end <= text.len(), "{p}: {:?}", f.range);
            assert!(text.is_char_boundary(f.range.start) && text.is_char_boundary(f.range.end));
            assert!(f.masked.chars().count() <= 5, "{p}: masked {:?}", f.masked);
        }
    }
});
