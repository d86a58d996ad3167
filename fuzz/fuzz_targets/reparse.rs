//! Random edit sequences applied incrementally must parse exactly as the
//! full parse of the resulting text. The input is the initial text; its last
//! bytes (after the final 0xFF) script the edits, drawing inserted text from
//! fragments that move section boundaries, so that seeds taken from real
//! specs stay meaningful.
#![no_main]

use libfuzzer_sys::fuzz_target;
use smaqit_core::parse::{parse, reparse};
use smaqit_core::text::{Document, floor_char_boundary};

const FRAGMENTS: [&str; 16] = [
    "",
    "\n",
    "\r\n",
    "---\n",
    "```\n",
    "# T\n",
    "## References\n",
    "### Implements\n",
    "- [x] FUN-A-001: done\n",
    "- [ ] ",
    "[FUN-B](../functional/b.md)",
    "| a | b |\n|---|---|\n",
    "status: draft\n",
    "é",
    "🙂",
    "~~~",
];

fuzz_target!(|data: &[u8]| {
    let (text, script) = match data.iter().rposition(|b| *b == 0xFF) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let text = String::from_utf8_lossy(text);
    let mut doc = Document::new(&text, 0);
    let mut parsed = parse(&doc.rope);
    for step in script.chunks(3).take(64) {
        let [at, del, what] = [step[0], *step.get(1).unwrap_or(&0), *step.get(2).unwrap_or(&0)];
        let s = doc.text();
        let start = floor_char_boundary(&s, s.len() * at as usize / 255);
        let end = floor_char_boundary(&s, start + del as usize % 24);
        let edit = doc.apply(start..end, FRAGMENTS[what as usize % FRAGMENTS.len()]);
        parsed = reparse(parsed, &doc.rope, &edit);
        assert_eq!(parsed, parse(doc.text().as_str()), "after editing {start}..{end}");
    }
});
