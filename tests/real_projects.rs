//! `smaqit-ls check` on projects written the way smaqit users write them —
//! ranges, Gherkin, addenda, revised criteria, two projects in one
//! workspace, a spec drafted outside any project — by someone who did not
//! write the checks, with the genuine problems labelled in
//! `fixtures/real/LABELS.md` (plus one product rule it explains). Every
//! error and warning must be at a labelled problem, and every labelled
//! problem must be found.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use serde_json::Value;
use support::*;

/// Problem ID → the (path, line) pairs where a finding counts as finding it.
fn labels() -> BTreeMap<String, BTreeSet<(String, usize)>> {
    let text = std::fs::read_to_string(repo_root().join("fixtures/real/LABELS.md")).unwrap();
    let row = regex::Regex::new(r"^\| ([BMLR]\d+) \| (\S+) \| (\d+) \| (.*)\|$").unwrap();
    let also_lines = regex::Regex::new(r"[Aa]lso lines? (\d+)(?:[–-](\d+))?").unwrap();
    let also_at = regex::Regex::new(r"[Aa]lso `([^`:]+):(\d+)`").unwrap();
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let Some(c) = row.captures(line) else { continue };
        let (file, desc) = (c[2].to_owned(), &c[4]);
        let mut at: BTreeSet<(String, usize)> = BTreeSet::from([(file.clone(), c[3].parse().unwrap())]);
        for a in also_lines.captures_iter(desc) {
            let lo: usize = a[1].parse().unwrap();
            let hi: usize = a.get(2).map_or(lo, |m| m.as_str().parse().unwrap());
            at.extend((lo..=hi).map(|n| (file.clone(), n)));
        }
        for a in also_at.captures_iter(desc) {
            at.insert((a[1].to_owned(), a[2].parse().unwrap()));
        }
        out.insert(c[1].to_owned(), at);
    }
    out
}

#[test]
fn every_error_and_warning_on_real_projects_is_a_labelled_problem_and_every_problem_is_found() {
    let labels = labels();
    assert_eq!(labels.len(), 20, "LABELS.md lists 19 problems and one product rule");
    // Copied out of the repository so that no `.smaqit/` sits above `lone/`.
    let base = std::env::temp_dir().join(format!("smaqit-real-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    copy_tree(&repo_root().join("fixtures/real"), &base);
    let mut found = BTreeSet::new();
    let mut unlabelled = Vec::new();
    for target in ["bookshelf", "monorepo", "lone/notes/draft-idea.md"] {
        let out = Command::new(bin()).args(["check", target, "--format", "json"]).current_dir(&base).output().unwrap();
        let findings: Value = serde_json::from_slice(&out.stdout).unwrap();
        for f in findings.as_array().unwrap() {
            let path = f["path"].as_str().unwrap().to_owned();
            let line = f["line"].as_u64().unwrap() as usize;
            let hit = labels.iter().find(|(_, at)| at.contains(&(path.clone(), line))).map(|(id, _)| id.clone());
            match (hit, f["severity"].as_str().unwrap()) {
                (Some(id), _) => {
                    found.insert(id);
                }
                (None, "error" | "warning") => {
                    unlabelled.push(format!("{path}:{line}: {}: {}", f["code"], f["message"]))
                }
                _ => {}
            }
        }
    }
    let _ = std::fs::remove_dir_all(&base);
    assert!(unlabelled.is_empty(), "errors and warnings at no labelled problem:\n{}", unlabelled.join("\n"));
    let missed: Vec<&String> = labels.keys().filter(|id| !found.contains(*id)).collect();
    assert!(missed.is_empty(), "labelled problems not found: {missed:?}");
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}
