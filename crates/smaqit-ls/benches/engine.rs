//! Engine benchmarks (issue #2). Run with `cargo bench -p smaqit-ls --bench engine`;
//! each prints its figures. BENCHMARKS.md records them.
//!
//! 1. Keystroke → published diagnostics on a 1 MB spec, through the real
//!    server over stdio (debounce 0), single-character edits in the middle.
//! 2. Incremental vs full re-parse per edit on 10 KB / 100 KB / 1 MB specs.
//! 3. Cold `check` of a generated workspace of 10,000 specs: wall time and
//!    peak RSS of the process.

#[path = "../../../tests/support/mod.rs"]
mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::json;
use smaqit_core::parse::{parse, reparse};
use smaqit_core::text::Document;

/// A realistic Functional spec of about `target` bytes, all criteria ticked,
/// with one template leftover (`[TIMESTAMP]`) on a line in the middle.
fn big_spec(target: usize) -> String {
    let mut s = String::from(
        "---\nid: FUN-BIG\nstatus: implemented\ncreated: 2025-01-01T00:00:00Z\nimplemented: 2025-02-01T00:00:00Z\n---\n# Big spec\n\n## References\n\n### Implements\n- [BUS-A](../business/a.md) — why\n\n",
    );
    let mut n = 0;
    while s.len() < target / 2 {
        n += 1;
        s.push_str(&format!(
            "## Section {n}\n\nThe editor keeps notes for FUN-BIG-{:03} and maps FUN-BIG through tables.\n\n| Requirement ID | Source Spec |\n|---|---|\n| FUN-BIG-{:03} | functional/big.md |\n\n```yaml\nkey: value {n}\n```\n\n",
            n % 50 + 1,
            n % 50 + 1
        ));
    }
    s.push_str("## Notes\n\nprobe line [TIMESTAMP]\n\n");
    while s.len() < target {
        n += 1;
        s.push_str(&format!(
            "## Section {n}\n\nMore prose about 😀 notes and 保存 in section {n}, see FUN-BIG-001.\n\n"
        ));
    }
    s.push_str("## Acceptance Criteria\n");
    for i in 1..=50 {
        s.push_str(&format!("- [x] FUN-BIG-{i:03}: criterion {i}\n"));
    }
    s
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1e3)
}

fn keystroke_latency() {
    let dir = std::env::temp_dir().join(format!("smaqit-bench-ks-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join(".smaqit")).unwrap();
    std::fs::create_dir_all(dir.join("specs/functional")).unwrap();
    let path = dir.join("specs/functional/big.md");
    let mut text = big_spec(1 << 20);
    std::fs::write(&path, &text).unwrap();
    let caps = json!({ "general": { "positionEncodings": ["utf-16"] } });
    let (mut lsp, _) = support::Lsp::start(&dir, caps, json!({ "debounceMs": 0 }));
    let u = support::uri(&path);
    lsp.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": u, "languageId": "markdown", "version": 1, "text": text } }),
    );
    lsp.wait_for("textDocument/publishDiagnostics", |p| p["uri"] == u.as_str() && p["version"] == 1);
    let probe = text.find("probe line").unwrap();
    let mut samples = Vec::new();
    for v in 2..=401 {
        // Alternately type and delete a character before the finding, so
        // every edit changes what must be published.
        let pos = support::position_utf16(&text, probe);
        let (range, insert) = if v % 2 == 0 {
            (json!({ "start": pos, "end": pos }), "x")
        } else {
            let end = support::position_utf16(&text, probe + 1);
            (json!({ "start": pos, "end": end }), "")
        };
        let t0 = Instant::now();
        lsp.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": u, "version": v }, "contentChanges": [{ "range": range, "text": insert }] }),
        );
        lsp.wait_for("textDocument/publishDiagnostics", |p| p["uri"] == u.as_str() && p["version"] == v);
        samples.push(t0.elapsed());

        if insert.is_empty() {
            text.remove(probe);
        } else {
            text.insert(probe, 'x');
        }
    }
    lsp.shutdown();
    let _ = std::fs::remove_dir_all(&dir);
    samples.sort();
    println!(
        "keystroke→diagnostics, 1 MB spec, {} edits over stdio: p50 {}  p95 {}  max {}",
        samples.len(),
        ms(percentile(&samples, 0.5)),
        ms(percentile(&samples, 0.95)),
        ms(*samples.last().unwrap())
    );
}

fn reparse_vs_full() {
    for (label, size) in [("10 KB", 10 << 10), ("100 KB", 100 << 10), ("1 MB", 1 << 20)] {
        let text = big_spec(size);
        let mut doc = Document::new(&text, 0);
        let mut parsed = parse(&doc.rope);
        let mid = text.len() / 2;
        let mid = (0..).map(|d| mid - d).find(|&o| text.is_char_boundary(o)).unwrap();
        let rounds = if size >= 1 << 20 { 200 } else { 1000 };
        let t0 = Instant::now();
        for i in 0..rounds {
            let edit = if i % 2 == 0 { doc.apply(mid..mid, "x") } else { doc.apply(mid..mid + 1, "") };
            parsed = reparse(parsed, &doc.rope, &edit);
        }
        let incremental = t0.elapsed() / rounds;
        let s = doc.text();
        let full_rounds = if size >= 1 << 20 { 20 } else { 200 };
        let t0 = Instant::now();
        for _ in 0..full_rounds {
            std::hint::black_box(parse(s.as_str()));
        }
        let full = t0.elapsed() / full_rounds;
        assert_eq!(parsed, parse(s.as_str()));
        println!(
            "re-parse per edit, {label} spec ({} sections): incremental {}  full {}  ({:.0}× faster)",
            parsed.sections.len(),
            ms(incremental),
            ms(full),
            full.as_secs_f64() / incremental.as_secs_f64()
        );
    }
}

fn generate_workspace(root: &Path, specs: usize) {
    let layers = ["business", "functional", "stack", "infrastructure", "coverage"];
    let prefixes = ["BUS", "FUN", "STK", "INF", "COV"];
    std::fs::create_dir_all(root.join(".smaqit")).unwrap();
    for l in layers {
        std::fs::create_dir_all(root.join("specs").join(l)).unwrap();
    }
    for i in 0..specs {
        let li = i % 5;
        let id = format!("{}-GEN{i}", prefixes[li]);
        let mut s = format!(
            "---\nid: {id}\nstatus: draft\ncreated: 2025-01-01T00:00:00Z\n---\n# {id}: generated spec {i}\n\n## References\n\n### Implements\n- [BUS-GEN{}](../business/s{}.md) — upstream\n\n## Scope\n\n### Included\n- Things that {id} covers, written as prose with FUN-GEN{} mentioned.\n\n",
            (i / 5) * 5,
            (i / 5) * 5,
            (i / 5) * 5 + 1
        );
        s.push_str("## Details\n\n| Name | Value |\n|---|---|\n| a | 1 |\n| b | 2 |\n\n## Acceptance Criteria\n");
        for c in 1..=6 {
            s.push_str(&format!("- [{}] {id}-{c:03}: criterion {c} of spec {i}\n", if c % 2 == 0 { 'x' } else { ' ' }));
        }
        s.push_str("\n*Generated with smaqit 1.11.0*\n");
        std::fs::write(root.join("specs").join(layers[li]).join(format!("s{i}.md")), s).unwrap();
    }
}

fn cold_check() {
    let root = std::env::temp_dir().join(format!("smaqit-bench-ws-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    generate_workspace(&root, 10_000);
    let bytes: u64 = walk_size(&root.join("specs"));
    let mut runs = Vec::new();
    let mut findings = 0;
    for _ in 0..3 {
        let t0 = Instant::now();
        let out = std::process::Command::new(support::bin())
            .args(["check", root.to_str().unwrap(), "--format", "json"])
            .output()
            .unwrap();
        runs.push(t0.elapsed());
        findings = serde_json::from_slice::<Vec<serde_json::Value>>(&out.stdout).map(|v| v.len()).unwrap_or(0);
    }
    // Peak RSS of the largest child so far (all three ran the same job).
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    runs.sort();
    println!(
        "cold check, 10,000 specs ({:.1} MB, {findings} findings): wall median {}  best {}  peak RSS {:.1} MB",
        bytes as f64 / 1e6,
        ms(runs[1]),
        ms(runs[0]),
        usage.ru_maxrss as f64 / 1024.0
    );
    let _ = std::fs::remove_dir_all(&root);
}

/// Issue #4's target: in a 10,000-spec workspace, edit a spec referenced by
/// 1,000 others so that all of their diagnostics change, and time until the
/// last one is republished.
fn hub_republish() {
    let root = std::env::temp_dir().join(format!("smaqit-bench-hub-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    generate_workspace(&root, 9_000);
    let hub = root.join("specs/functional/hub.md");
    std::fs::write(&hub, "---\nid: FUN-HUB\nstatus: draft\ncreated: 2025-01-01T00:00:00Z\n---\n# FUN-HUB: the hub\n\n## References\n\n### Implements\n- [BUS-GEN0](../business/s0.md) — why\n\n## Acceptance Criteria\n- [x] FUN-HUB-001: one\n").unwrap();
    for i in 0..1_000 {
        let s = format!(
            "---\nid: STK-DEP{i}\nstatus: implemented\ncreated: 2025-01-01T00:00:00Z\nimplemented: 2025-01-02T00:00:00Z\n---\n# STK-DEP{i}: depends on the hub\n\n## References\n\n### Implements\n- [FUN-HUB](../functional/hub.md) — the hub\n\n## Acceptance Criteria\n- [x] STK-DEP{i}-001: done\n"
        );
        std::fs::write(root.join(format!("specs/stack/dep{i}.md")), s).unwrap();
    }
    let caps = json!({ "window": { "workDoneProgress": true } });
    let (mut lsp, _) = support::Lsp::start(&root, caps, json!({ "debounceMs": 0 }));
    lsp.wait_for("$/progress", |p| p["value"]["kind"] == "end");
    lsp.drain(Duration::from_millis(1500));
    let u = support::uri(&hub);
    let mut text = std::fs::read_to_string(&hub).unwrap();
    lsp.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": u, "languageId": "markdown", "version": 1, "text": text } }),
    );
    lsp.wait_for("textDocument/publishDiagnostics", |p| p["uri"] == u.as_str());
    lsp.drain(Duration::from_millis(300));
    let mut samples = Vec::new();
    for v in 2..=61 {
        let (from, to) =
            if text.contains("status: draft") { ("draft", "implemented") } else { ("implemented", "draft") };
        let at = text.find("status: ").unwrap() + "status: ".len();
        let range = json!({ "start": support::position_utf16(&text, at), "end": support::position_utf16(&text, at + from.len()) });
        let t0 = Instant::now();
        lsp.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": u, "version": v }, "contentChanges": [{ "range": range, "text": to }] }),
        );
        lsp.count("textDocument/publishDiagnostics", 1_000, |uri| uri.contains("/dep"));
        samples.push(t0.elapsed());

        text.replace_range(at..at + from.len(), to);
        lsp.drain(Duration::from_millis(100));
    }
    lsp.shutdown();
    let _ = std::fs::remove_dir_all(&root);
    samples.sort();
    println!(
        "hub edit → 1,000 referrers republished (10,000 specs): p50 {}  p95 {}  max {}",
        ms(percentile(&samples, 0.5)),
        ms(percentile(&samples, 0.95)),
        ms(*samples.last().unwrap())
    );
}

fn walk_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() { walk_size(&e.path()) } else { e.metadata().unwrap().len() }
        })
        .sum()
}

/// The frontmatter parse (saphyr-parser events for spans + serde_norway
/// validation) on a typical frontmatter: it runs whenever the frontmatter
/// is edited.
fn frontmatter() {
    let text = "---\nid: STK-COMPARE-HARNESS\nstatus: implemented\ncreated: 2025-03-01T10:00:00Z\nimplemented: 2025-03-04T16:20:00Z\nprompt_version: 2\nupdated: 2025-03-05\n---\n# T\n";
    let rounds = 20_000;
    let t0 = Instant::now();
    for _ in 0..rounds {
        std::hint::black_box(parse(text));
    }
    println!(
        "frontmatter parse (7 keys, spans + validation): {:.1} µs",
        t0.elapsed().as_secs_f64() * 1e6 / rounds as f64
    );
}

fn main() {
    let only = std::env::args().nth(1).filter(|a| !a.starts_with('-'));
    let run = |name: &str| only.as_deref().is_none_or(|o| name.contains(o));
    if run("reparse") {
        reparse_vs_full();
    }
    if run("frontmatter") {
        frontmatter();
    }
    // `check` first: its peak RSS is read from the children run so far.
    if run("check") {
        cold_check();
    }
    if run("keystroke") {
        keystroke_latency();
    }
    if run("hub") {
        hub_republish();
    }
}
