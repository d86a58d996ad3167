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
