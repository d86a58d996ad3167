//! Line-level precision and recall on the labelled secrets corpus, plus leak
//! and incremental-scan checks over the same files.
//!
//! The corpus is the repository's own, `secrets/tests/corpus` (see its
//! README for the labelling conventions and the matching rule). Set
//! `SMAQIT_SECRETS_CORPUS` to a folder of the same layout (`labels.json` at
//! its root) to score another corpus, e.g. a development set kept outside the
//! repository.

use smaqit_secrets::{Scanner, SecretFinding, is_scannable_path, looks_binary};
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

const MIN_PRECISION: f64 = 0.95;
const MIN_RECALL: f64 = 0.95;

/// Files at the corpus root that describe the corpus and are not part of it.
const METADATA: &[&str] = &["README.md", "labels.json", "negatives.json", "verify_labels.py", "make_values.py"];

/// Environment variable naming another corpus folder to score instead.
const CORPUS_ENV: &str = "SMAQIT_SECRETS_CORPUS";

/// `<crate>/tests/corpus`, or the folder named by `SMAQIT_SECRETS_CORPUS`.
fn corpus_dir() -> PathBuf {
    let (dir, origin) = match std::env::var_os(CORPUS_ENV).filter(|v| !v.is_empty()) {
        Some(v) => (PathBuf::from(v), CORPUS_ENV),
        None => (Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus"), "the default"),
    };
    assert!(
        dir.join("labels.json").is_file(),
        "secrets corpus not found at {} ({origin}): no labels.json there",
        dir.display()
    );
    dir
}

/// Every file below `dir`, hidden ones included, as paths relative to `root`.
fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
    let mut entries: Vec<_> =
        fs::read_dir(dir).expect("read corpus dir").map(|e| e.expect("dir entry").path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(root, &p, out);
        } else {
            let rel = p.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
            if !METADATA.contains(&rel.as_str()) {
                out.push(rel);
            }
        }
    }
}

struct Scanned {
    rel: String,
    text: String,
    findings: Vec<SecretFinding>,
}

fn line_of(text: &str, pos: usize) -> usize {
    text.as_bytes()[..pos].iter().filter(|&&c| c == b'\n').count() + 1
}

fn scan_corpus(scanner: &Scanner, root: &Path) -> Vec<Scanned> {
    let mut files = Vec::new();
    walk(root, root, &mut files);
    assert!(files.len() > 50, "corpus looks incomplete: {} files", files.len());
    let mut out = Vec::new();
    for rel in files {
        let path = root.join(&rel);
        if !is_scannable_path(&path) {
            continue;
        }
        let bytes = fs::read(&path).expect("read corpus file");
        if looks_binary(&bytes) {
            continue;
        }
        let text = String::from_utf8(bytes).expect("corpus files are UTF-8");
        let findings = scanner.scan(&path, &text);
        out.push(Scanned { rel, text, findings });
    }
    out
}

fn labels(root: &Path) -> BTreeMap<(String, usize), String> {
    let raw = fs::read_to_string(root.join("labels.json")).expect("read labels.json");
    let v: serde_json::Value = serde_json::from_str(&raw).expect("labels.json is JSON");
    v.as_array()
        .expect("labels.json is a list")
        .iter()
        .map(|e| {
            let file = e["file"].as_str().expect("label file").to_string();
            let line = e["line"].as_u64().expect("label line") as usize;
            let kind = e["kind"].as_str().unwrap_or("").to_string();
            ((file, line), kind)
        })
        .collect()
}

#[test]
fn corpus_precision_and_recall() {
    let root = corpus_dir();
    let scanner = Scanner::new();
    let scanned = scan_corpus(&scanner, &root);
    let labels = labels(&root);

    let mut predicted: BTreeMap<(String, usize), Vec<&SecretFinding>> = BTreeMap::new();
    for s in &scanned {
        for f in &s.findings {
            predicted.entry((s.rel.clone(), line_of(&s.text, f.range.start))).or_default().push(f);
        }
    }
    let label_set: BTreeSet<_> = labels.keys().cloned().collect();
    let pred_set: BTreeSet<_> = predicted.keys().cloned().collect();
    let tp = pred_set.intersection(&label_set).count();
    let fps: Vec<_> = pred_set.difference(&label_set).collect();
    let fns: Vec<_> = label_set.difference(&pred_set).collect();
    let precision = tp as f64 / (tp + fps.len()).max(1) as f64;
    let recall = tp as f64 / (tp + fns.len()).max(1) as f64;

    let texts: BTreeMap<&str, &str> = scanned.iter().map(|s| (s.rel.as_str(), s.text.as_str())).collect();
    let excerpt = |file: &str, line: usize| -> String {
        let l = texts.get(file).and_then(|t| t.split('\n').nth(line - 1)).unwrap_or("");
        l.trim().chars().take(110).collect()
    };
    println!("secrets corpus {}: {} files scanned, {} labels", root.display(), scanned.len(), labels.len());
    println!("TP {tp}  FP {}  FN {}", fps.len(), fns.len());
    let f1 = 2.0 * precision * recall / (precision + recall).max(f64::MIN_POSITIVE);
    println!("precision {precision:.4}  recall {recall:.4}  F1 {f1:.4}");
    println!("false positives:");
    for k in &fps {
        let dets: Vec<_> = predicted[*k].iter().map(|f| f.detector).collect();
        println!("  {}:{} {:?}  | {}", k.0, k.1, dets, excerpt(&k.0, k.1));
    }
    println!("false negatives:");
    for k in &fns {
        println!("  {}:{} [{}]  | {}", k.0, k.1, labels[*k], excerpt(&k.0, k.1));
    }
    assert!(
        precision >= MIN_PRECISION && recall >= MIN_RECALL,
        "precision {precision:.4} / recall {recall:.4} below {MIN_PRECISION} / {MIN_RECALL}"
    );
}

/// Secret-looking tokens of a labelled line: at least 12 characters and
/// three character classes, so key names are not taken for values.
fn secretish_tokens(line: &str) -> Vec<&str> {
    line.split(|c: char| {
        c.is_whitespace() || matches!(c, '"' | '\'' | '`' | ',' | '|' | '(' | ')' | '{' | '}' | '[' | ']' | '<' | '>')
    })
    .flat_map(|t| t.split(['=', ':', '@']))
    .filter(|t| {
        let classes = [
            t.bytes().any(|c| c.is_ascii_lowercase()),
            t.bytes().any(|c| c.is_ascii_uppercase()),
            t.bytes().any(|c| c.is_ascii_digit()),
        ];
        t.len() >= 12 && classes.iter().filter(|&&x| x).count() >= 3
    })
    .collect()
}

#[test]
fn debug_output_never_contains_a_secret() {
    let root = corpus_dir();
    let scanner = Scanner::new();
    let scanned = scan_corpus(&scanner, &root);
    let labels = labels(&root);
    let mut labelled_values: Vec<String> = Vec::new();
    for s in &scanned {
        let lines: Vec<&str> = s.text.split('\n').collect();
        for (file, line) in labels.keys() {
            if *file == s.rel {
                labelled_values.extend(secretish_tokens(lines[line - 1]).into_iter().map(str::to_string));
            }
        }
    }
    assert!(labelled_values.len() > 100, "too few labelled values extracted: {}", labelled_values.len());
    let mut checked = 0;
    for s in &scanned {
        for f in &s.findings {
            // The detector's id, code and description are public names (a
            // Discord webhook URL holds "/discord", as its code does).
            let dbg = format!("{f:?}").replace(f.code, "").replace(f.detector, "").replace(f.description, "");
            let value = &s.text[f.range.clone()];
            assert!(!dbg.contains(value), "{}: Debug shows the value", s.rel);
            let chars: Vec<char> = value.chars().collect();
            if chars.len() >= 8 {
                for w in chars.windows(8) {
                    let w: String = w.iter().collect();
                    assert!(!dbg.contains(&w), "{}: Debug shows part of the value", s.rel);
                }
            }
            for lv in &labelled_values {
                assert!(!dbg.contains(lv.as_str()), "{}: Debug shows a labelled value", s.rel);
            }
            assert!(f.masked.trim_end_matches('\u{2026}').chars().count() <= 4);
            checked += 1;
        }
    }
    assert!(checked > 100);
}

/// `scan_region` around any line reports exactly what a full scan reports
/// in the region it returns.
#[test]
fn scan_region_matches_full_scan_on_corpus() {
    let root = corpus_dir();
    let scanner = Scanner::new();
    let scanned = scan_corpus(&scanner, &root);
    for s in &scanned {
        let path = root.join(&s.rel);
        let len = s.text.len();
        let step = (len / 9).max(1);
        let mut pos = 0;
        while pos <= len {
            let p = (0..=pos).rev().find(|&i| s.text.is_char_boundary(i)).unwrap_or(0);
            let (region, found) = scanner.scan_region(&path, &s.text, p..p);
            assert!(region.start <= p && p <= region.end, "{}: region {region:?} misses {p}", s.rel);
            let expected: Vec<_> = s.findings.iter().filter(|f| region.contains(&f.range.start)).cloned().collect();
            assert_eq!(found, expected, "{} at {p}", s.rel);
            pos += step;
        }
        // Every finding's own line as the changed range.
        for f in &s.findings {
            let (region, found) = scanner.scan_region(&path, &s.text, f.range.clone());
            assert!(found.contains(f), "{}: region {region:?} lost {:?}", s.rel, f.detector);
        }
    }
}
