//! Pin extraction and version comparison.

use super::*;
use std::path::Path;

use crate::model::Spec;

fn pins(path: &str, text: &str) -> Vec<(&'static str, String, String)> {
    iac_pins(Path::new(path), text)
        .into_iter()
        .map(|p| {
            assert!(text[p.range.clone()].len() <= p.written.len() && p.written.contains(&text[p.range.clone()]));
            (p.technology, p.version, text[p.range].to_owned())
        })
        .collect()
}

fn pin(t: &'static str, v: &str, at: &str) -> (&'static str, String, String) {
    (t, v.to_owned(), at.to_owned())
}

#[test]
fn stack_versions() {
    for (cell, want) in [
        ("22", Some("22")),
        (" 22.3.0 ", Some("22.3.0")),
        ("v20", Some("20")),
        ("22.x", Some("22")),
        ("22.X", Some("22")),
        ("22 (LTS)", Some("22")),
        ("22 LTS", Some("22")),
        ("3.12", Some("3.12")),
        ("^20", None),
        (">=20", None),
        ("~20", None),
        ("20+", None),
        ("18 or later", None),
        ("18/20", None),
        ("18-20", None),
        ("LTS", None),
        ("latest", None),
        ("", None),
    ] {
        assert_eq!(stack_version(cell).as_deref(), want, "{cell:?}");
    }
}

#[test]
fn iac_versions() {
    for (tag, want) in [
        ("20-alpine", Some("20")),
        ("16.4-bookworm", Some("16.4")),
        ("22.x", Some("22")),
        ("3.12-slim", Some("3.12")),
        ("8u342-jdk", Some("8")),
        ("latest", None),
        ("alpine", None),
        ("lts/*", None),
        ("lts-alpine", None),
        (">=20", None),
    ] {
        assert_eq!(iac_version(tag).as_deref(), want, "{tag:?}");
    }
}

#[test]
fn agreement_at_the_stack_precision() {
    assert!(versions_agree("22", "22"));
    assert!(versions_agree("22", "22.3.0"));
    assert!(versions_agree("16", "16"));
    assert!(versions_agree("3.12", "3.12.4"));
    assert!(!versions_agree("22", "20"));
    assert!(!versions_agree("22", "2"));
    assert!(!versions_agree("22.3", "22"));
    assert!(!versions_agree("22.3", "22.4.1"));
    assert!(!versions_agree("3.12", "3.1"));
    assert!(!versions_agree("16", "160"));
}

#[test]
fn names_and_images() {
    for (name, key) in [
        ("Node.js", "node"),
        ("node", "node"),
        ("Node.js (LTS)", "node"),
        ("Python", "python"),
        ("PostgreSQL", "postgres"),
        ("Postgres", "postgres"),
        ("Go", "go"),
        ("Golang", "go"),
        ("Java (OpenJDK)", "java"),
        ("Eclipse Temurin", "java"),
        (".NET", "dotnet"),
        ("Redis", "redis"),
    ] {
        assert_eq!(technology_of_name(name).map(|t| t.key), Some(key), "{name}");
    }
    for name in ["TypeScript", "SQL (PostgreSQL dialect)", "Fastify", "pg", "React"] {
        assert!(technology_of_name(name).is_none(), "{name}");
    }
    assert_eq!(technology_of_image("docker.io/library/node").map(|t| t.key), Some("node"));
    assert_eq!(technology_of_image("eclipse-temurin").map(|t| t.key), Some("java"));
    assert_eq!(technology_of_image("mcr.microsoft.com/dotnet/aspnet").map(|t| t.key), Some("dotnet"));
    assert!(technology_of_image("ghcr.io/quarry-notes/api").is_none());
    assert!(technology_of_image("ghcr.io/someone/node").is_none());
    assert_eq!(split_image("localhost:5000/node:20"), Some(("localhost:5000/node", "20")));
    assert_eq!(split_image("node@sha256:abc"), None);
    assert_eq!(split_image("node:20@sha256:abc"), Some(("node", "20")));
    assert_eq!(split_image("node:${NODE_VERSION}"), None);
    assert_eq!(split_image("node"), None);
}

#[test]
fn dockerfile_from_lines() {
    let text = "# base\nFROM node:20-alpine AS build\nRUN npm ci\nfrom --platform=$BUILDPLATFORM python:3.12-slim\nFROM build\nFROM ghcr.io/acme/api:1.4.2\nFROM node:latest\nFROM docker.io/library/postgres:16\n";
    assert_eq!(
        pins("deploy/Dockerfile", text),
        [
            pin("node", "20", "node:20-alpine"),
            pin("python", "3.12", "python:3.12-slim"),
            pin("postgres", "16", "docker.io/library/postgres:16")
        ]
    );
    assert_eq!(pins("api.Dockerfile", "FROM golang:1.22-alpine\n"), [pin("go", "1.22", "golang:1.22-alpine")]);
    assert!(pins("notes.txt", "FROM node:20\n").is_empty());
    // CRLF: the range stops before the `\r`.
    assert_eq!(pins("Dockerfile", "FROM node:20\r\nRUN x\r\n"), [pin("node", "20", "node:20")]);
}

#[test]
fn compose_and_kubernetes_images() {
    let compose = "services:\n  db:\n    image: postgres:16-alpine\n  cache:\n    image: \"redis:7.2\" # pinned\n  api:\n    image: ghcr.io/quarry-notes/api:1.4.2\n  web:\n    image: nginx\n";
    assert_eq!(
        pins("deploy/docker-compose.yml", compose),
        [pin("postgres", "16", "postgres:16-alpine"), pin("redis", "7.2", "redis:7.2")]
    );
    let k8s = "spec:\n  containers:\n    - name: api\n      image: node:22.3.0\n    - image: 'eclipse-temurin:21-jre'\n      name: jvm\n";
    assert_eq!(
        pins("k8s/deployment.yaml", k8s),
        [pin("node", "22.3.0", "node:22.3.0"), pin("java", "21", "eclipse-temurin:21-jre")]
    );
    let templated = "image: \"{{ .Values.image.repository }}:{{ .Values.image.tag }}\"\n";
    assert!(pins("chart/templates/deploy.yaml", templated).is_empty());
}

#[test]
fn helm_repository_and_tag() {
    let values = "postgresql:\n  image:\n    repository: bitnami/postgresql\n    pullPolicy: IfNotPresent\n    tag: \"15.6\"\napi:\n  image:\n    repository: ghcr.io/acme/api\n    tag: 1.0.0\nlist:\n  - repository: redis\n    tag: 7\n  - repository: mysql\n  - tag: 9\n";
    assert_eq!(pins("chart/values.yaml", values), [pin("postgres", "15.6", "15.6"), pin("redis", "7", "7")]);
}

#[test]
fn github_actions_setup_versions() {
    let ci = "jobs:\n  test:\n    container: node:20\n    services:\n      pg:\n        image: postgres:16\n    steps:\n      - uses: actions/setup-node@v4\n        with:\n          node-version: 22\n      - uses: actions/setup-python@v5\n        with:\n          python-version: '3.12'\n      - uses: actions/setup-go@v5\n        with:\n          go-version: ${{ matrix.go }}\n      - uses: actions/setup-java@v4\n        with:\n          java-version: [17, 21]\n";
    assert_eq!(
        pins(".github/workflows/ci.yml", ci),
        [
            pin("node", "20", "node:20"),
            pin("postgres", "16", "postgres:16"),
            pin("node", "22", "22"),
            pin("python", "3.12", "3.12"),
        ]
    );
    // Without the setup action, a `node-version` key is not a pin.
    assert!(pins("config.yml", "node-version: 22\n").is_empty());
    assert!(pins("ci.yml", "- uses: actions/setup-node@v4\n  with:\n    node-version: lts/*\n").is_empty());
}

#[test]
fn terraform_runtimes_engines_and_images() {
    let tf = r#"resource "aws_lambda_function" "api" {
  runtime = "nodejs20.x"
}
resource "aws_lambda_function" "jobs" {
  runtime       = "python3.12"
}
resource "google_cloudfunctions2_function" "f" {
  build_config {
runtime = "python311"
  }
}
resource "aws_lambda_function" "go" {
  runtime = "go1.x"
}
resource "aws_db_instance" "db" {
  engine         = "postgres"
  engine_version = "16.3"
}
resource "aws_rds_cluster" "other" {
  engine_version = "8.0"
}
resource "azurerm_linux_web_app" "app" {
  site_config {
application_stack {
  node_version = "20-lts"
}
  }
}
# runtime = "nodejs18.x"
terraform {
  required_version = ">= 1.6"
}
"#;
    assert_eq!(
        pins("deploy/terraform/main.tf", tf),
        [
            pin("node", "20", "nodejs20.x"),
            pin("python", "3.12", "python3.12"),
            pin("python", "3.11", "python311"),
            pin("postgres", "16.3", "16.3"),
            pin("node", "20", "20-lts"),
        ]
    );
    assert_eq!(runtime_version("java8.al2").map(|(t, v)| (t.key, v)), Some(("java", "8".into())));
    assert_eq!(runtime_version("dotnetcore3.1").map(|(t, v)| (t.key, v)), Some(("dotnet", "3.1".into())));
    assert_eq!(runtime_version("go122").map(|(t, v)| (t.key, v)), Some(("go", "1.22".into())));
    assert!(runtime_version("provided.al2023").is_none());
}

#[test]
fn fenced_blocks_in_markdown() {
    let md = "# Infra\n\n```dockerfile\nFROM node:20\n```\n\n```bash\ndocker run node:18\n```\n\n~~~yaml\nimage: postgres:15\n~~~\n";
    let got: Vec<_> = code_block_pins(md).into_iter().map(|p| (p.technology, md[p.range].to_owned())).collect();
    assert_eq!(got, [("node", "node:20".to_owned()), ("postgres", "postgres:15".to_owned())]);
    let crlf = md.replace('\n', "\r\n");
    let got: Vec<_> = code_block_pins(&crlf).into_iter().map(|p| crlf[p.range].to_owned()).collect();
    assert_eq!(got, ["node:20", "postgres:15"]);
    assert!(code_block_pins("```dockerfile\nFROM node:20\n").is_empty(), "unclosed block");
}

#[test]
fn stack_tables() {
    let text = "---\nid: STK-X\nstatus: draft\ncreated: 2025-01-01\n---\n# X\n\n## Scope\n| Language | Version |\n|---|---|\n| Node.js | 18 |\n\n## Technology Stack\n\n### Languages\n| Language | Version |\n|---|---|\n| TypeScript | 5.6 |\n|   Node.js   |   22.x   |\n| Python | ^3.11 |\n\n### Runtime\n| Runtime | Notes | Version |\n|---|---|---|\n| PostgreSQL | main store | 16 |\n\n### Other\n| Library | Purpose |\n|---|---|\n| Redis | cache |\n";
    let spec = Spec::new("specs/stack/x.md".into(), None, crate::parse::parse(text));
    let got: Vec<_> = stack_pins(&spec, text)
        .into_iter()
        .map(|p| (p.technology, p.name, p.version, text[p.range].to_owned()))
        .collect();
    assert_eq!(
        got,
        [
            ("node", "Node.js".to_owned(), "22".to_owned(), "22.x".to_owned()),
            ("postgres", "PostgreSQL".to_owned(), "16".to_owned(), "16".to_owned()),
        ]
    );
}
