//! End-to-end: `smaqit-ls check` and `plan` as a user runs them.

mod support;

use std::process::Command;

use serde_json::Value;
use support::*;

fn run(args: &[&str], cwd: &std::path::Path) -> (i32, String, String) {
    let out = Command::new(bin()).args(args).current_dir(cwd).output().expect("run smaqit-ls");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).expect("utf-8 stdout"),
        String::from_utf8(out.stderr).expect("utf-8 stderr"),
    )
}

/// (file, line, code) rows of the expected-findings table in fixtures/README.md.
fn expected_rows() -> Vec<(String, usize, String)> {
    let readme = std::fs::read_to_string(repo_root().join("fixtures/README.md")).unwrap();
    readme
        .lines()
        .filter_map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            if cells.len() < 6 || cells[1].parse::<usize>().is_err() {
                return None;
            }
            let file = cells[2].trim_matches('`').to_owned();
            let line = cells[3].parse().ok()?;
            Some((file, line, cells[4].trim_matches('`').to_owned()))
        })
        .collect()
}

/// Families whose checks have landed; rows of other families wait for theirs.
const FAMILIES: &[&str] =
    &["frontmatter", "criteria", "ref", "spec", "lifecycle", "coverage", "boundary", "secret", "drift"];

#[test]
fn check_example_reports_every_planted_problem_and_nothing_else() {
    let (code, out, _) = run(&["check", "fixtures/example", "--format", "json"], &repo_root());
    assert_eq!(code, 1, "errors were found");
    let findings: Vec<Value> = serde_json::from_str(&out).unwrap();
    let got: Vec<(String, usize, String)> = findings
        .iter()
        .map(|f| {
            let path = f["path"].as_str().unwrap().strip_prefix("fixtures/example/").unwrap().to_owned();
            (path, f["line"].as_u64().unwrap() as usize, f["code"].as_str().unwrap().to_owned())
        })
        .filter(|(_, _, c)| FAMILIES.iter().any(|fam| c.starts_with(&format!("{fam}/"))))
        .collect();
    let mut expected: Vec<_> = expected_rows()
        .into_iter()
        .filter(|(_, _, c)| FAMILIES.iter().any(|fam| c.starts_with(&format!("{fam}/"))))
        .collect();
    assert!(expected.len() >= 42, "README table parsed: {}", expected.len());
    let mut got_sorted = got.clone();
    got_sorted.sort();
    expected.sort();
    assert_eq!(got_sorted, expected);
}

#[test]
fn check_clean_is_clean() {
    let (code, out, err) = run(&["check", "fixtures/clean"], &repo_root());
    // The one draft (INF-LOCAL-SERVICE, awaiting its deploy) has open
    // criteria: hints, as every draft does. Nothing else.
    assert!(out.ends_with("0 errors, 0 warnings, 2 hints and infos\n"), "{out}{err}");
    assert_eq!(out.lines().filter(|l| l.contains("hint[criteria/open]")).count(), 2, "{out}");
    assert_eq!(code, 0);
}

#[test]
fn json_columns_count_characters_and_related_locations_resolve() {
    let (_, out, _) = run(&["check", "fixtures/example/specs", "--format=json"], &repo_root());
    let findings: Vec<Value> = serde_json::from_str(&out).unwrap();
    let f = findings
        .iter()
        .find(|f| f["code"] == "criteria/open-in-done-spec" && f["path"].as_str().unwrap().ends_with("note-editing.md"))
        .unwrap();
    assert_eq!(f["path"], "fixtures/example/specs/functional/note-editing.md");
    assert_eq!((f["line"].as_u64(), f["column"].as_u64()), (Some(46), Some(7)));
    assert_eq!(f["end_column"].as_u64(), Some(7 + "FUN-NOTES-EDIT-002".len() as u64));
    let dup = findings.iter().find(|f| f["code"] == "criteria/duplicate-id").unwrap();
    let rel = &dup["related"][0];
    assert!(rel["path"].as_str().unwrap().starts_with("fixtures/example/specs/infrastructure/"));
    assert!(rel["line"].as_u64().unwrap() > 1);
    for key in ["path", "line", "column", "end_line", "end_column", "severity", "code", "message", "related"] {
        assert!(f.get(key).is_some(), "missing {key}");
    }
}

#[test]
fn text_output_is_compiler_style() {
    let (code, out, _) = run(&["check", "specs/stack/web-client.md"], &fixture("example"));
    assert_eq!(code, 1);
    let first = out.lines().next().unwrap();
    assert!(first.starts_with("specs/stack/web-client.md:2:5: error[frontmatter/id-layer-mismatch]: "), "{out}");
    assert!(
        out.contains("specs/stack/web-client.md:3:9: error[frontmatter/unknown-status]: unknown status `implmented`")
    );
}

#[test]
fn sarif_is_2_1_0_with_rules_for_every_result() {
    let (_, out, _) = run(&["check", "fixtures/example", "--format", "sarif"], &repo_root());
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["version"], "2.1.0");
    assert!(v["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let run0 = &v["runs"][0];
    assert_eq!(run0["tool"]["driver"]["name"], "smaqit-ls");
    let rules: Vec<&str> =
        run0["tool"]["driver"]["rules"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    let results = run0["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        let idx = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx], r["ruleId"].as_str().unwrap());
        assert!(["error", "warning", "note"].contains(&r["level"].as_str().unwrap()));
        let region = &r["locations"][0]["physicalLocation"]["region"];
        assert!(region["startLine"].as_u64().unwrap() >= 1 && region["startColumn"].as_u64().unwrap() >= 1);
    }
}

#[test]
fn usage_and_io_errors_exit_2() {
    let (code, _, err) = run(&["check", "does/not/exist"], &repo_root());
    assert_eq!(code, 2);
    assert!(err.contains("does/not/exist"));
    let (code, _, _) = run(&["check", "--format", "yaml"], &repo_root());
    assert_eq!(code, 2);
    let (code, out, _) = run(&["check", "--help"], &repo_root());
    assert_eq!(code, 0);
    assert!(out.contains("sarif") && out.contains("--format"));
}

#[test]
fn plan_matches_the_smaqit_cli() {
    let root = temp_copy("example");
    let (code, out, err) = run(&["plan", "--phase=deploy"], &root);
    assert_eq!(code, 0);
    assert_eq!(out, "specs/infrastructure/backups.md\nspecs/infrastructure/release-pipeline.md\n");
    // The CLI warns about broken specs of every layer, in its own words.
    assert!(
        err.contains("⚠ Warning: specs/infrastructure/backups.md: parsing YAML: yaml: line 2: did not find expected ',' or ']' (treating as draft)\n"),
        "{err}"
    );
    assert!(
        err.contains("⚠ Warning: specs/business/uc4-offline-drafts.md: no frontmatter (expected '---' on first line)"),
        "{err}"
    );

    let (code, out, _) = run(&["plan", "--phase=deploy", "--verbose", "--unknown-flag"], &root);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "Phase: Deploy\n\nTo Process (2):\n  [draft] specs/infrastructure/backups.md (UNKNOWN)\n  [draft] specs/infrastructure/release-pipeline.md (UNKNOWN)\n\nCompleted (2):\n  [deployed] specs/infrastructure/ci-pipeline.md (INF-CI)\n  [deployed] specs/infrastructure/local-environment.md (INF-LOCAL)\n\nNext: Run the smaqit.deployment agent to process 2 spec(s)\n"
    );

    let (code, out, _) = run(&["plan", "--regen", "--format=json"], &root);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "smaqit Work Plan\n================\n\nPhase 1 (Develop): 4 pending, 7 completed\nPhase 2 (Deploy): 2 pending, 2 completed\nPhase 3 (Validate): 1 pending, 1 completed\n\nRun `smaqit plan --phase=<phase>` for details\n",
        "the summary ignores --regen and, as the CLI does, --format"
    );

    // web-client.md's unknown status `implmented` is kept, as completed.
    let (_, out, _) = run(&["plan-json", "--phase=develop"], &root);
    let v: Value = serde_json::from_str(&out).unwrap();
    let completed: Vec<(&str, &str)> = v["completed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["path"].as_str().unwrap(), e["status"].as_str().unwrap()))
        .collect();
    assert!(completed.contains(&("specs/stack/web-client.md", "implmented")), "{completed:?}");
    assert!(
        v["pending"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["path"] == "specs/business/uc4-offline-drafts.md" && e["id"] == "UNKNOWN")
    );

    let (code, out, err) = run(&["plan", "--phase=ship"], &root);
    assert_eq!((code, out.as_str()), (1, ""));
    // The warnings come first: the CLI reads every spec before it looks at the phase.
    assert!(err.starts_with("⚠ Warning: specs/business/uc4-offline-drafts.md"), "{err}");
    assert!(err.ends_with("\nError: invalid phase 'ship' (must be: develop, deploy, or validate)\n"), "{err}");

    let (code, out, _) = run(&["plan", "--phase=deploy"], &std::env::temp_dir());
    assert_eq!(code, 1);
    assert!(out.starts_with("Error: .smaqit/ directory not found\n"));

    // Nothing pending: nothing printed; verbose says so.
    let clean = temp_copy("clean");
    let (_, out, _) = run(&["plan", "--phase=validate"], &clean);
    assert_eq!(out, "");
    let (_, out, _) = run(&["plan", "--phase=validate", "--verbose"], &clean);
    assert!(
        out.ends_with("All specs already processed.\nUse `smaqit plan --phase=validate --regen` to regenerate.\n"),
        "{out}"
    );
    let (_, out, _) = run(&["plan", "--phase=validate", "--verbose", "--regen"], &clean);
    assert!(out.starts_with("REGENERATION MODE: All specs marked for reprocessing\n"));
    assert!(out.contains("→regen]"));
}

/// A planted credential must never leave the process in any output format.
#[test]
fn secret_values_never_reach_any_output() {
    let dir = temp_copy("clean");
    // Built at run time so the source holds no credential-shaped literal.
    let canary = format!("ghp_{}", "Zq8rT2wX9mK4vB7nL1pQ5sD3fG6hJ0aYcE2u");
    let password = format!("Canary{}Deploy!", 7311);
    std::fs::write(
        dir.join("deploy.env"),
        format!("GITHUB_TOKEN={canary}\nDB_PASSWORD={password}\nAPI_URL=postgres://app:{password}@db:5432/app\n"),
    )
    .unwrap();
    for format in ["text", "json", "sarif"] {
        let (code, out, err) = run(&["check", ".", "--format", format], &dir);
        assert_eq!(code, 1, "{format}: the planted secrets are errors");
        assert!(out.contains("secret/github-token"), "{format}: {out}");
        for leak in [&canary, &password, &canary[4..20].to_owned()] {
            assert!(!out.contains(leak.as_str()) && !err.contains(leak.as_str()), "{format} output leaks a secret");
        }
    }
    let (_, out, _) = run(&["check", ".", "--only", "secrets"], &dir);
    assert!(out.lines().filter(|l| l.contains("error[secret/")).count() >= 3, "{out}");
    assert!(!out.contains("[criteria/"));
}

#[test]
fn allowlist_and_inline_marker_silence_a_value_and_staged_reads_the_index() {
    let dir = temp_copy("clean");
    let password = format!("Harbor{}Lights!", 2031);
    let token = format!("ghp_{}", "Zq8rT2wX9mK4vB7nL1pQ5sD3fG6hJ0aYcE2u");
    std::fs::write(
        dir.join("app.env"),
        format!("DB_PASSWORD={password}\n# smaqit-ignore-secret\nGITHUB_TOKEN={token}\n"),
    )
    .unwrap();
    let (_, out, _) = run(&["check", ".", "--only", "secrets"], &dir);
    assert!(out.contains("secret/generic-password") && !out.contains("github-token"), "{out}");
    std::fs::write(
        dir.join(".smaqit/secrets-allowlist"),
        format!("{}  # test\n", smaqit_secrets::fingerprint(&password)),
    )
    .unwrap();
    let (code, out, _) = run(&["check", ".", "--only", "secrets"], &dir);
    assert_eq!((code, out.as_str()), (0, "0 errors, 0 warnings, 0 hints and infos\n"));

    // --staged checks what is in the index, not the working tree.
    let git = |args: &[&str]| {
        let s = Command::new("git").args(args).current_dir(&dir).output().unwrap();
        assert!(s.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&s.stderr));
    };
    git(&["init", "-q"]);
    std::fs::write(dir.join("staged.env"), format!("API_TOKEN={token}\n")).unwrap();
    git(&["add", "staged.env"]);
    std::fs::write(dir.join("staged.env"), "API_TOKEN=${secrets.API_TOKEN}\n").unwrap();
    let (code, out, _) = run(&["check", "--staged"], &dir);
    assert_eq!(code, 1, "{out}");
    assert!(out.starts_with("staged.env:1:"), "{out}");
    git(&["add", "staged.env"]);
    let (code, _, _) = run(&["check", "--staged"], &dir);
    assert_eq!(code, 0);
}

#[test]
fn include_and_exclude_globs_choose_the_scanned_files() {
    let dir = temp_copy("clean");
    let token = format!("ghp_{}", "Zq8rT2wX9mK4vB7nL1pQ5sD3fG6hJ0aYcE2u");
    std::fs::create_dir_all(dir.join("vendor")).unwrap();
    std::fs::write(dir.join("vendor/.env"), format!("GITHUB_TOKEN={token}\n")).unwrap();
    std::fs::write(dir.join("deploy/app.xyz"), format!("token = {token}\n")).unwrap();
    let (_, out, _) = run(&["check", ".", "--only", "secrets"], &dir);
    assert!(out.contains("vendor/.env") && !out.contains("app.xyz"), "{out}");
    let (_, out, _) =
        run(&["check", ".", "--only", "secrets", "--exclude", "vendor/**", "--include", "**/*.xyz"], &dir);
    assert!(!out.contains("vendor/.env") && out.contains("deploy/app.xyz:1:"), "{out}");
    let (code, _, err) = run(&["check", ".", "--exclude", "["], &dir);
    assert_eq!(code, 2);
    assert!(err.contains("glob"), "{err}");
}

/// One project, however its folder is named on the command line: `.`,
/// `..`, a trailing slash, a path through `..` — the same findings at the
/// same places (links between its files resolve the same way).
#[test]
fn a_project_gives_the_same_findings_however_it_is_named() {
    let root = temp_copy("example");
    let findings = |args: &[&str], cwd: &std::path::Path, prefix: &str| -> Vec<(String, u64, String)> {
        let (_, out, _) = run(args, cwd);
        let v: Value = serde_json::from_str(&out).unwrap();
        let mut rows: Vec<(String, u64, String)> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                let path = f["path"].as_str().unwrap();
                (
                    path.strip_prefix(prefix).unwrap_or(path).to_owned(),
                    f["line"].as_u64().unwrap(),
                    f["code"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        rows.sort();
        rows
    };
    let name = root.file_name().unwrap().to_str().unwrap().to_owned();
    let parent = root.parent().unwrap();
    let by_name = findings(&["check", &name, "--format", "json"], parent, &format!("{name}/"));
    assert!(by_name.iter().any(|(_, _, c)| c == "ref/label-mismatch"), "{by_name:?}");
    assert_eq!(findings(&["check", ".", "--format", "json"], &root, ""), by_name, "check .");
    let slash = format!("{name}/");
    assert_eq!(findings(&["check", &slash, "--format", "json"], parent, &slash), by_name, "check DIR/");
    assert_eq!(findings(&["check", "..", "--format", "json"], &root.join("specs"), "../"), by_name, "check ..");
    let via = format!("{name}/specs/../");
    assert_eq!(findings(&["check", &via, "--format", "json"], parent, &via), by_name, "check DIR/specs/../");
}
