//! `smaqit-ls plan` against the smaqit CLI's own behaviour, byte for byte:
//! each case of `tests/plan/golden.json` (the CLI's rules, from reading
//! its source, with the output a build of that logic printed) is built in
//! a fresh folder and `plan` run in it.

mod support;

use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine;
use serde_json::Value;
use support::bin;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

fn bytes(v: &Value) -> Vec<u8> {
    if let Some(t) = v.get("text") {
        return t.as_str().unwrap().as_bytes().to_vec();
    }
    B64.decode(v["base64"].as_str().unwrap()).unwrap()
}

fn content(segments: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    for s in segments.as_array().unwrap() {
        match s.get("times") {
            Some(n) => out.extend(std::iter::repeat_n(s["byte"].as_u64().unwrap() as u8, n.as_u64().unwrap() as usize)),
            None => out.extend(bytes(s)),
        }
    }
    out
}

fn build(case: &Value, root: &Path) {
    std::fs::create_dir_all(root).unwrap();
    let smaqit = root.join(".smaqit");
    match case["smaqit"].as_str().unwrap() {
        "dir" => std::fs::create_dir(&smaqit).unwrap(),
        "file" => std::fs::write(&smaqit, "x").unwrap(),
        "dangling" => std::os::unix::fs::symlink("nowhere", &smaqit).unwrap(),
        "none" => {}
        other => panic!("unknown .smaqit kind {other}"),
    }
    if case["layer_dirs"].as_bool().unwrap() && case["smaqit"] != "none" {
        for l in ["business", "functional", "stack", "infrastructure", "coverage"] {
            std::fs::create_dir_all(root.join("specs").join(l)).unwrap();
        }
    }
    for f in case["files"].as_array().unwrap() {
        let rel: PathBuf = match f.get("path") {
            Some(p) => p.as_str().unwrap().into(),
            None => std::ffi::OsStr::from_bytes(&B64.decode(f["path_base64"].as_str().unwrap()).unwrap()).into(),
        };
        let full = root.join(rel);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        if f.get("dir").is_some() {
            std::fs::create_dir_all(&full).unwrap();
        } else if let Some(t) = f.get("symlink") {
            std::os::unix::fs::symlink(t.as_str().unwrap(), &full).unwrap();
        } else {
            if full.is_dir() {
                std::fs::remove_dir_all(&full).unwrap();
            }
            std::fs::write(&full, content(&f["content"])).unwrap();
        }
    }
}

#[test]
fn plan_prints_what_the_smaqit_cli_prints_in_every_golden_case() {
    let golden: Value =
        serde_json::from_str(&std::fs::read_to_string(support::repo_root().join("tests/plan/golden.json")).unwrap())
            .unwrap();
    let cases = golden["cases"].as_array().unwrap();
    assert!(cases.len() >= 90, "the golden set is whole");
    let base = std::env::temp_dir().join(format!("smaqit-plan-golden-{}", std::process::id()));
    let mut failed = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let root = base.join(i.to_string());
        build(case, &root);
        let args: Vec<&str> = case["args"].as_array().unwrap().iter().map(|a| a.as_str().unwrap()).collect();
        let out = Command::new(bin()).arg("plan").args(&args).current_dir(&root).output().unwrap();
        let want = (bytes(&case["stdout"]), bytes(&case["stderr"]), case["exit"].as_i64().unwrap() as i32);
        let got = (out.stdout, out.stderr, out.status.code().unwrap_or(-1));
        if got != want {
            failed.push(format!(
                "{} ({}):\n  want stdout {:?}\n  got  stdout {:?}\n  want stderr {:?}\n  got  stderr {:?}\n  want exit {}, got {}",
                case["name"].as_str().unwrap(),
                case["rule"].as_str().unwrap(),
                String::from_utf8_lossy(&want.0),
                String::from_utf8_lossy(&got.0),
                String::from_utf8_lossy(&want.1),
                String::from_utf8_lossy(&got.1),
                want.2,
                got.2
            ));
        }
    }
    let _ = std::fs::remove_dir_all(&base);
    assert!(failed.is_empty(), "{} of {} cases differ:\n{}", failed.len(), cases.len(), failed.join("\n"));
}
