//! Deploy end to end from the command line: the real executor deploys a
//! real local service (fixtures/clean, environment `local`) and checks its
//! health over loopback; statuses, criteria and the report are written
//! back. Canary secrets are planted and searched for everywhere.

mod support;

use std::path::PathBuf;

use support::deploy::*;
use support::*;

#[test]
fn cli_deploys_with_the_env_provider_and_writes_back() {
    let dir = temp_copy("clean");
    let _svc = Service(dir.clone());
    let (code, out, stderr) =
        deploy(&dir, &[("SMAQIT_SECRET_DB_PASSWORD", PW), ("SMAQIT_SECRET_SESSION_SECRET", SESSION)]);
    assert_eq!(code, 0, "{out}\n{stderr}");
    assert_eq!(out["status"], "success");
    let endpoint = out["endpoint"].as_str().unwrap();
    assert!(endpoint.starts_with("http://127.0.0.1:"));
    assert!(stderr.contains("health: GET"), "progress on stderr: {stderr}");
    // The service really runs and is healthy over loopback.
    let port = endpoint.trim_start_matches("http://127.0.0.1:").trim_end_matches('/');
    let mut conn = std::net::TcpStream::connect(format!("127.0.0.1:{port}")).unwrap();
    use std::io::{Read, Write};
    write!(conn, "GET /health HTTP/1.0\r\nHost: x\r\n\r\n").unwrap();
    let mut body = String::new();
    conn.read_to_string(&mut body).unwrap();
    assert!(body.starts_with("HTTP/1.0 200") && body.contains("\"deployedAt\""), "{body}");
    // Statuses, timestamps, ticks; untouched bytes elsewhere.
    assert_eq!(status_of(&dir, INFRA), "deployed");
    assert_eq!(status_of(&dir, UPSTREAM), "deployed");
    assert_eq!(status_of(&dir, "specs/business/uc1-save-links.md"), "deployed");
    let infra = std::fs::read_to_string(dir.join(INFRA)).unwrap();
    assert!(infra.contains("\ndeployed: 20"));
    let original = std::fs::read_to_string(fixture("clean").join(INFRA)).unwrap();
    let stamp = infra.lines().find(|l| l.starts_with("deployed: ")).unwrap();
    assert_eq!(
        infra,
        original
            .replace("status: draft\n", &format!("status: deployed\n{stamp}\n"))
            .replace("- [ ] INF-LOCAL-SERVICE-001", "- [x] INF-LOCAL-SERVICE-001"),
        "only the status, its timestamp and the criterion the health check verified change"
    );
    // The report.
    let report = PathBuf::from(out["report"].as_str().unwrap());
    let text = std::fs::read_to_string(&report).unwrap();
    for section in [
        "# Deployment Phase Report",
        "### Summary",
        "specs/infrastructure/local-service.md\n```",
        "### Infrastructure Specifications Processed",
        "#### INF-LOCAL-SERVICE",
        "- **Not verified by the deploy:** INF-LOCAL-SERVICE-002",
        "(reachable: a health check reached it)",
        "### Health Checks",
        "### Acceptance Criteria Status",
        "/smaqit.coverage",
        "```mermaid",
        "INF_LOCAL_SERVICE[\"INF-LOCAL-SERVICE\"] --> FUN_LISTS[\"FUN-LISTS\"]",
    ] {
        assert!(text.contains(section), "report lacks {section:?}:\n{text}");
    }
    // A second deploy the same day appends a section.
    let (code, _, _) = deploy(&dir, &[("SMAQIT_SECRET_DB_PASSWORD", PW), ("SMAQIT_SECRET_SESSION_SECRET", SESSION)]);
    assert_eq!(code, 0);
    let text = std::fs::read_to_string(&report).unwrap();
    assert_eq!(text.matches("## Deployment at ").count(), 2);
    assert_tree_clean(&dir);
}

#[test]
fn cli_deploys_with_the_file_and_command_providers() {
    let dir = temp_copy("clean");
    let _svc = Service(dir.clone());
    let secrets_dir = std::env::temp_dir().join(format!("smaqit-secrets-{}", std::process::id()));
    std::fs::create_dir_all(&secrets_dir).unwrap();
    let file = secrets_dir.join("lantern.env");
    std::fs::write(&file, format!("DB_PASSWORD={PW}\nSESSION_SECRET={SESSION}\n")).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let provider = format!("secrets = {{ provider = \"file\", path = \"{}\" }}", file.display());
    set_env(&dir, |t| t.replace("secrets = { provider = \"env\" }", &provider));
    let (code, out, _) = deploy(&dir, &[]);
    assert_eq!((code, out["status"].as_str()), (1, Some("failed")), "{out}");
    assert!(out["message"].as_str().unwrap().contains("readable by group or others"), "{out}");
    assert!(out["message"].as_str().unwrap().contains("nothing was run"), "{out}");
    assert_eq!(status_of(&dir, INFRA), "draft", "nothing ran: no spec changes");
    let report = std::fs::read_to_string(out["report"].as_str().unwrap()).unwrap();
    assert!(report.contains("- none (the deploy did not start)"), "no file was rendered: {report}");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let (code, out, _) = deploy(&dir, &[]);
    assert_eq!(code, 0, "{out}");

    let dir2 = temp_copy("clean");
    let _svc2 = Service(dir2.clone());
    set_env(&dir2, |t| {
        t.replace(
            "secrets = { provider = \"env\" }",
            "secrets = { provider = \"command\", argv = [\"printenv\", \"VAULT_{name}\"] }",
        )
    });
    let (code, out, _) = deploy(&dir2, &[("VAULT_DB_PASSWORD", PW), ("VAULT_SESSION_SECRET", SESSION)]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(status_of(&dir2, INFRA), "deployed");
    assert_tree_clean(&dir);
    assert_tree_clean(&dir2);
    let _ = std::fs::remove_dir_all(&secrets_dir);
}

#[test]
fn a_failing_step_is_retried_until_it_fails_the_same_way_and_its_output_scrubbed() {
    let dir = temp_copy("clean");
    // The step prints the secret raw, base64, URL-encoded and JSON-escaped.
    let leaky = r#"["sh", "-c", "echo raw=$DB_PASSWORD; printf %s \"$DB_PASSWORD\" | base64; python3 -c 'import os,json,urllib.parse as u; v=os.environ[\"DB_PASSWORD\"]; print(u.quote(v, safe=\"\")); print(json.dumps(v)); print(v[:8]); print(v[8:])'; exit 7"]"#;
    set_env(&dir, |t| {
        let start = t.find("steps = [").unwrap();
        let end = t[start..].find("\n]\n").unwrap() + start + 3;
        format!("{}steps = [{leaky}]\n{}", &t[..start], &t[end..])
    });
    let (code, out, stderr) =
        deploy(&dir, &[("SMAQIT_SECRET_DB_PASSWORD", PW), ("SMAQIT_SECRET_SESSION_SECRET", SESSION)]);
    assert_eq!(code, 1);
    assert_eq!(out["status"], "failed");
    assert_eq!(out["attempts"], 2, "a retry that fails the same way is not retried again");
    assert_eq!(out["escalated"], true, "{out}");
    assert!(out["message"].as_str().unwrap().contains("human review"), "{out}");
    assert!(stderr.contains("raw=***"), "the output is forwarded, scrubbed: {stderr}");
    // Split across two lines, each half alone is masked too.
    assert!(!stderr.contains(&PW[..8]) && !stderr.contains(&PW[8..]), "a value split across lines leaks: {stderr}");
    assert_eq!(status_of(&dir, INFRA), "failed");
    assert_eq!(status_of(&dir, UPSTREAM), "implemented", "upstream specs move only on success");
    let report = std::fs::read_to_string(out["report"].as_str().unwrap()).unwrap();
    assert_eq!(report.matches("#### Attempt ").count(), 2);
    assert!(report.contains("exited with exit status: 7"));
    assert!(!report.contains(&PW[..8]) && !report.contains(&PW[8..]));
    assert_tree_clean(&dir);
}

#[test]
fn deploy_is_refused_while_conflicts_stand() {
    let dir = temp_copy("example");
    for f in [".smaqit/environments.toml", "deploy/app.env", "deploy/service.py"] {
        std::fs::copy(fixture("clean").join(f), dir.join(f)).unwrap();
    }
    // Without a `specs` list, the specs whose Target Environment is `local`.
    set_env(&dir, |t| t.replace("specs = [\"INF-LOCAL-SERVICE\"]\n", ""));
    let (code, out, stderr) = deploy(&dir, &[]);
    assert_eq!((code, out["status"].as_str()), (1, Some("refused")));
    let conflicts: Vec<&str> = out["conflicts"].as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect();
    // `local` deploys the specs whose Target Environment is local; the
    // findings of those (and of what they use) block it, file:line:col first.
    assert!(
        conflicts
            .iter()
            .any(|c| c.starts_with("specs/infrastructure/backups.md:4:") && c.contains("frontmatter/yaml-syntax")),
        "{conflicts:?}"
    );
    assert!(!conflicts.iter().any(|c| c.contains("ci-pipeline.md")), "ci's specs are not local's: {conflicts:?}");
    assert!(stderr.contains("specs/infrastructure/backups.md:4:"), "{stderr}");
}

#[test]
fn the_log_says_what_will_run_and_the_closing_summary_what_happened() {
    let dir = temp_copy("clean");
    let _svc = Service(dir.clone());
    let (code, out, stderr) = deploy(&dir, &secrets_env());
    assert_eq!(code, 0, "{out}\n{stderr}");
    for line in [
        "specs it deploys: specs/infrastructure/local-service.md",
        "upstream specs moved to deployed when it succeeds: ",
        "files rendered with 2 secret(s): deploy/app.env",
        "$ sh -c mkdir -p .smaqit/run; nohup python3 deploy/service.py",
        "health: GET http://127.0.0.1:{port}/health → 200",
        "deploy `local`: success: deployed `local` in 1 attempt(s); healthy",
        "updated: specs/infrastructure/local-service.md",
    ] {
        assert!(stderr.contains(line), "stderr lacks {line:?}:\n{stderr}");
    }
    // Progress names the private folder `{rendered}` and stays one short
    // line, as editors show it in a status bar.
    let step = stderr.lines().find(|l| l.contains("step 2: ")).unwrap();
    assert!(!step.contains("smaqit-deploy-") && step.chars().count() < 130, "{step}");
}

#[test]
fn nothing_pending_runs_nothing_and_regen_deploys_again() {
    let dir = temp_copy("clean");
    let _svc = Service(dir.clone());
    let (code, out, _) = deploy(&dir, &secrets_env());
    assert_eq!(code, 0, "{out}");
    let marker = dir.join("ran");
    set_env(&dir, |t| t.replacen("steps = [\n", &format!("steps = [\n  [\"touch\", \"{}\"],\n", marker.display()), 1));
    let (code, out, stderr) = deploy(&dir, &secrets_env());
    assert_eq!((code, out["status"].as_str()), (0, Some("skipped")), "{out}\n{stderr}");
    assert!(out["message"].as_str().unwrap().contains("--regen"), "{out}");
    assert!(!marker.exists(), "nothing ran");
    let report = std::fs::read_to_string(out["report"].as_str().unwrap()).unwrap();
    assert!(report.contains("Nothing was pending, so nothing ran") && report.contains("--regen"), "{report}");
    let top = |r: &str| r.lines().find(|l| l.starts_with("**Status:** ")).unwrap_or_default().to_owned();
    assert_eq!(top(&report), "**Status:** ⏭ Nothing pending", "latest status on top");
    let (code, out, _) = deploy_with(&dir, &["--regen"], &secrets_env());
    assert_eq!((code, out["status"].as_str()), (0, Some("success")), "{out}");
    assert!(marker.exists(), "--regen ran the steps again");
    let report = std::fs::read_to_string(out["report"].as_str().unwrap()).unwrap();
    assert_eq!(top(&report), "**Status:** ✅ Success", "latest status on top");
}

#[test]
fn an_environment_deploys_only_the_specs_it_realises() {
    let dir = temp_copy("clean");
    let _svc = Service(dir.clone());
    // Another pending Infrastructure spec, for another environment.
    let other = dir.join("specs/infrastructure/staging.md");
    let text = std::fs::read_to_string(dir.join(INFRA))
        .unwrap()
        .replace("INF-LOCAL-SERVICE", "INF-STAGING")
        .replace("| Target Environment | local |", "| Target Environment | staging |");
    std::fs::write(&other, &text).unwrap();
    let (code, out, _) = deploy(&dir, &secrets_env());
    assert_eq!(code, 0, "{out}");
    assert_eq!(status_of(&dir, INFRA), "deployed");
    assert_eq!(std::fs::read_to_string(&other).unwrap(), text, "the other environment's spec is untouched");
    let report = std::fs::read_to_string(out["report"].as_str().unwrap()).unwrap();
    assert!(
        report.contains(
            "Pending Infrastructure specs that `local` does not deploy:\n\n- `specs/infrastructure/staging.md`"
        ),
        "{report}"
    );
    // Without `specs`, the Target Environment decides.
    set_env(&dir, |t| t.replace("specs = [\"INF-LOCAL-SERVICE\"]\n", ""));
    let (code, out, _) = deploy(&dir, &secrets_env());
    assert_eq!((code, out["status"].as_str()), (0, Some("skipped")), "staging's spec is not local's: {out}");
}

#[test]
fn a_failing_health_check_marks_the_criteria_it_verifies_failed() {
    let dir = temp_copy("clean");
    let _svc = Service(dir.clone());
    set_env(&dir, |t| {
        t.replace("expect_status = 200", "expect_status = 204")
            .replace("within_secs = 15", "within_secs = 1")
            .replace("retries = 2", "retries = 0")
    });
    let (code, out, _) = deploy(&dir, &secrets_env());
    assert_eq!((code, out["status"].as_str()), (1, Some("failed")), "{out}");
    let infra = std::fs::read_to_string(dir.join(INFRA)).unwrap();
    assert!(infra.contains("status: failed"));
    let line = infra.lines().find(|l| l.contains("INF-LOCAL-SERVICE-001")).unwrap();
    assert!(
        line.starts_with("- [!] INF-LOCAL-SERVICE-001:") && line.contains(" — FAILED: GET http://127.0.0.1:"),
        "{line}"
    );
    assert!(line.ends_with("/health → 204: not healthy within 1 s: status 200, expected 204"), "{line}");
    assert!(infra.contains("- [ ] INF-LOCAL-SERVICE-002"), "an unverified criterion stays open");
    assert!(out["notes"][0].as_str().unwrap().contains("may still be running"), "{out}");
}

#[test]
fn without_a_health_check_a_deploy_is_not_called_healthy() {
    let dir = temp_copy("clean");
    let _svc = Service(dir.clone());
    set_env(&dir, |t| t[..t.find("[[environments.local.health]]").unwrap()].to_owned());
    let (code, out, _) = deploy(&dir, &secrets_env());
    assert_eq!(code, 0, "{out}");
    let message = out["message"].as_str().unwrap();
    assert!(message.contains("health not verified") && !message.contains("healthy"), "{message}");
    let report = std::fs::read_to_string(out["report"].as_str().unwrap()).unwrap();
    assert!(report.contains("(not verified: no health check reached it)"), "{report}");
    assert!(report.contains("No health check ran (the environment declares none): health not verified."));
    assert!(
        std::fs::read_to_string(dir.join(INFRA)).unwrap().contains("- [ ] INF-LOCAL-SERVICE-001"),
        "nothing verified it"
    );
}

#[test]
fn refusals_name_the_file_line_and_code_of_secrets_in_what_the_deploy_runs() {
    let dir = temp_copy("clean");
    let token = format!("ghp_{}", "R8nB2xQ9vL4mT7kP3wZ6yD1sF5hJ0cA2eG8u");
    std::fs::write(dir.join("deploy/migrate.sh"), format!("#!/bin/sh\nexport API_TOKEN={token}\necho migrated\n"))
        .unwrap();
    set_env(&dir, |t| {
        t.replacen("steps = [\n", "steps = [\n  [\"sh\", \"deploy/migrate.sh\"],\n", 1)
            .replace("description = \"", &format!("description = \"token {token} "))
    });
    let (code, out, stderr) = deploy(&dir, &secrets_env());
    assert_eq!((code, out["status"].as_str()), (1, Some("refused")), "{out}");
    let conflicts: Vec<&str> = out["conflicts"].as_array().unwrap().iter().filter_map(|c| c.as_str()).collect();
    assert!(
        conflicts.iter().any(|c| c.starts_with("deploy/migrate.sh:2:") && c.contains("secret/github-token")),
        "{conflicts:?}"
    );
    assert!(
        conflicts.iter().any(|c| c.starts_with(".smaqit/environments.toml:3:") && c.contains("secret/github-token")),
        "{conflicts:?}"
    );
    assert!(stderr.contains("deploy/migrate.sh:2:"), "{stderr}");
    assert!(!stderr.contains(&token) && !out.to_string().contains(&token), "refusals do not repeat the value");
}

#[test]
fn value_filters_keep_rendered_files_valid() {
    let dir = temp_copy("clean");
    // A value with a quote, a slash, a space and `é` in YAML, a URL and a shell file.
    std::fs::write(
        dir.join("deploy/app.yaml"),
        "db:\n  password: ${secrets.DB_PASSWORD|yaml}\n  url: \"postgres://app:${secrets.DB_PASSWORD|url}@db/app\"\n",
    )
    .unwrap();
    std::fs::write(dir.join("deploy/app.sh"), "PW=${secrets.DB_PASSWORD|shell}\n").unwrap();
    let check = r#"import json, os, subprocess, urllib.parse
r = os.environ["SMAQIT_RENDERED"] + "/deploy/"
try:
    import yaml
    d = yaml.safe_load(open(r + "app.yaml"))
except ImportError:  # the |yaml filter writes JSON string syntax, which YAML accepts
    lines = dict(l.strip().split(": ", 1) for l in open(r + "app.yaml") if ": " in l)
    d = {"db": {"password": json.loads(lines["password"]), "url": json.loads(lines["url"])}}
v = os.environ["DB_PASSWORD"]
assert d["db"]["password"] == v, "yaml"
assert urllib.parse.unquote(d["db"]["url"].split(":")[2].split("@")[0]) == v, "url"
sh = subprocess.run(["sh", "-c", '. "$1"; [ "$PW" = "$DB_PASSWORD" ]', "sh", r + "app.sh"])
assert sh.returncode == 0, "shell"
print("rendered values check out")
"#;
    std::fs::write(dir.join("deploy/check.py"), check).unwrap();
    set_env(&dir, |t| {
        t.replace(
            "files = [\"deploy/app.env\"]",
            "files = [\"deploy/app.env\", \"deploy/app.yaml\", \"deploy/app.sh\"]",
        )
    });
    set_env(&dir, |t| t.replacen("steps = [\n", "steps = [\n  [\"python3\", \"deploy/check.py\"],\n", 1));
    let _svc = Service(dir.clone());
    let (code, out, stderr) = deploy(&dir, &secrets_env());
    assert_eq!(code, 0, "{out}\n{stderr}");
    assert!(stderr.contains("rendered values check out"), "{stderr}");
    std::fs::write(dir.join("deploy/app.yaml"), "x: ${secrets.DB_PASSWORD|toml}\n").unwrap();
    let (code, out, _) = deploy_with(&dir, &["--regen"], &secrets_env());
    assert_eq!((code, out["status"].as_str()), (1, Some("refused")), "{out}");
    assert!(out["message"].as_str().unwrap().contains("deploy/app.yaml:1: unknown filter `|toml`"), "{out}");
}

#[test]
fn the_report_is_plain_markdown() {
    let dir = temp_copy("clean");
    let _svc = Service(dir.clone());
    set_env(&dir, |t| {
        t.replacen(
            "steps = [\n",
            "steps = [\n  [\"sh\", \"-c\", \"printf '\\\\033[0;32mok\\\\033[0m done\\\\000 here\\\\n'\"],\n",
            1,
        )
    });
    let (code, out, stderr) = deploy(&dir, &secrets_env());
    assert_eq!(code, 0, "{out}\n{stderr}");
    let report = std::fs::read(out["report"].as_str().unwrap()).unwrap();
    assert!(!report.contains(&0x1b) && !report.contains(&0), "no escape or NUL byte in the report");
    let text = String::from_utf8(report).unwrap();
    assert!(text.contains("ok done here"), "{text}");
    assert!(stderr.contains("ok done here") && !stderr.contains('\u{1b}'));
}
