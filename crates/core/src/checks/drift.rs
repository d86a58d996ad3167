//! Drift (spec-format §2: Infrastructure MUST NOT override Stack's
//! technology choices): the runtime and service versions a project's IaC
//! files (and the fenced IaC blocks of its Infrastructure specs) use, against
//! the versions its Stack specs pin in `## Technology Stack`. The Stack is
//! the choice, so the error is on the side that overrides it; the Stack
//! spec gets a hint pointing there. The facts are extracted once per file
//! change by [`crate::workspace::facts`].

use std::path::{Path, PathBuf};

use super::{Finding, Related, code};
use crate::model::{Layer, Spec, Status};
use crate::text::SourceText;
use crate::workspace::facts::{self, Pin, StackPin, versions_agree};
use crate::workspace::{IacEntry, Workspace};

/// Related locations listed per finding, at most.
const MAX_RELATED: usize = 5;

/// A version a Stack spec pins, and where.
struct Choice {
    path: PathBuf,
    /// The spec's ID (its path when it has none).
    id: String,
    pin: StackPin,
}

/// A version an IaC file or Infrastructure spec uses, and where.
struct Use {
    path: PathBuf,
    pin: Pin,
}

fn active(spec: &Spec) -> bool {
    spec.effective_status() != Some(Status::Deprecated)
}

fn name_of(spec: &Spec, root: &Path) -> String {
    spec.id().map_or_else(|| rel(root, &spec.path), str::to_owned)
}

/// `path` relative to the project root, with forward slashes.
fn rel(root: &Path, path: &Path) -> String {
    crate::paths::relative_to_root(root, path)
}

/// The Stack pins of the project at `root`, from the index (`skip`: a spec
/// whose current pins the caller supplies itself).
fn choices(root: &Path, ws: &Workspace, skip: Option<&Path>) -> Vec<Choice> {
    let mut out = Vec::new();
    for e in ws.pinned_specs() {
        if e.stack_pins.is_empty()
            || e.spec.layer != Some(Layer::Stack)
            || e.spec.root.as_deref() != Some(root)
            || skip == Some(e.spec.path.as_path())
            || !active(&e.spec)
        {
            continue;
        }
        let id = name_of(&e.spec, root);
        out.extend(e.stack_pins.iter().map(|p| Choice { path: e.spec.path.clone(), id: id.clone(), pin: p.clone() }));
    }
    out
}

/// The IaC pins of the project at `root`: IaC files, then Infrastructure specs.
fn uses(root: &Path, ws: &Workspace) -> Vec<Use> {
    let mut out = Vec::new();
    for e in ws.pinned_iac() {
        if e.root.as_deref() == Some(root) {
            out.extend(e.pins.iter().map(|p| Use { path: e.path.clone(), pin: p.clone() }));
        }
    }
    for e in ws.pinned_specs() {
        if !e.pins.is_empty()
            && e.spec.layer == Some(Layer::Infrastructure)
            && e.spec.root.as_deref() == Some(root)
            && active(&e.spec)
        {
            out.extend(e.pins.iter().map(|p| Use { path: e.spec.path.clone(), pin: p.clone() }));
        }
    }
    out
}

/// The Stack pins `pin` contradicts, when it contradicts every Stack pin of
/// its technology (a project whose Stack specs pin two versions, for two
/// services, may use either); empty when it agrees with one, or none exists.
fn contradicted<'a>(pin: &Pin, choices: &'a [Choice]) -> Vec<&'a Choice> {
    let of_tech: Vec<&Choice> = choices.iter().filter(|c| c.pin.technology == pin.technology).collect();
    if of_tech.iter().any(|c| versions_agree(&c.pin.version, &pin.version)) {
        return Vec::new();
    }
    of_tech
}

fn message(root: &Path, c: &Choice, u_path: &Path, u: &Pin, others: usize) -> String {
    let mut m = format!("{} pins {} {}; {} uses {}", c.id, c.pin.name, c.pin.written, rel(root, u_path), u.written);
    if others > 0 {
        m.push_str(&format!(" (and {others} more)"));
    }
    m
}

/// Findings on the uses in one file (an IaC file or an Infrastructure spec).
fn report_uses(path: &Path, pins: &[Pin], root: &Path, ws: &Workspace, out: &mut Vec<Finding>) {
    if pins.is_empty() {
        return;
    }
    let choices = choices(root, ws, None);
    for u in pins {
        let against = contradicted(u, &choices);
        let Some(first) = against.first() else { continue };
        let mut f =
            Finding::new(code::DRIFT_VERSION, u.range.clone(), message(root, first, path, u, against.len() - 1));
        for c in against.iter().take(MAX_RELATED) {
            f = f.with_related(Related {
                path: c.path.clone(),
                range: c.pin.range.clone(),
                message: format!("{} pins {} {} here", c.id, c.pin.name, c.pin.written),
            });
        }
        out.push(f);
    }
}

/// IaC side: the versions an IaC file uses that no Stack spec pins.
pub fn check_iac(entry: &IacEntry, ws: &Workspace, out: &mut Vec<Finding>) {
    if let Some(root) = &entry.root {
        report_uses(&entry.path, &entry.pins, root, ws, out);
    }
}

/// Spec side: a Stack spec's pins that the project's IaC contradicts, and an
/// Infrastructure spec's fenced IaC blocks that contradict the Stack.
pub fn check(spec: &Spec, text: &SourceText, ws: &Workspace, out: &mut Vec<Finding>) {
    let Some(root) = spec.root.as_deref() else { return };
    if !active(spec) {
        return;
    }
    match spec.layer {
        Some(Layer::Stack) => stack_side(spec, root, &text.as_str(), ws, out),
        Some(Layer::Infrastructure) => report_uses(&spec.path, &facts::code_block_pins(&text.as_str()), root, ws, out),
        _ => {}
    }
}

fn stack_side(spec: &Spec, root: &Path, text: &str, ws: &Workspace, out: &mut Vec<Finding>) {
    let own = facts::stack_pins(spec, text);
    if own.is_empty() {
        return;
    }
    let id = name_of(spec, root);
    let mut all: Vec<Choice> =
        own.into_iter().map(|pin| Choice { path: spec.path.clone(), id: id.clone(), pin }).collect();
    let mine = all.len();
    all.extend(choices(root, ws, Some(&spec.path)));
    let uses = uses(root, ws);
    for c in &all[..mine] {
        let bad: Vec<&Use> = uses
            .iter()
            .filter(|u| u.pin.technology == c.pin.technology && !contradicted(&u.pin, &all).is_empty())
            .collect();
        let Some(first) = bad.first() else { continue };
        let more = if bad.len() > 1 { format!(" (and {} more)", bad.len() - 1) } else { String::new() };
        let mut f = Finding::new(
            code::DRIFT_CONTRADICTED,
            c.pin.range.clone(),
            format!(
                "{} uses {}{more}, against this pin ({} {}): the IaC side must follow the Stack",
                rel(root, &first.path),
                first.pin.written,
                c.pin.name,
                c.pin.written
            ),
        );
        for u in bad.iter().take(MAX_RELATED) {
            f = f.with_related(Related {
                path: u.path.clone(),
                range: u.pin.range.clone(),
                message: format!("{} uses {}", rel(root, &u.path), u.pin.written),
            });
        }
        out.push(f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixture;
    use std::sync::Arc;

    struct Project(PathBuf);

    impl Drop for Project {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn project(name: &str) -> Project {
        let dir = std::env::temp_dir().join(format!("smaqit-drift-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join(".smaqit")).unwrap();
        Project(dir)
    }

    fn stack(id: &str, rows: &str) -> String {
        format!(
            "---\nid: {id}\nstatus: implemented\ncreated: 2025-01-01\n---\n# Stack\n\n## Technology Stack\n\n### Languages\n| Language | Version |\n|---|---|\n{rows}\n"
        )
    }

    fn findings(ws: &Workspace, path: &Path) -> Vec<Finding> {
        match (ws.get(path), ws.get_iac(path)) {
            (Some(e), _) => {
                let mut out = Vec::new();
                check(&e.spec, &e.text, ws, &mut out);
                out
            }
            (None, Some(e)) => {
                let mut out = Vec::new();
                check_iac(&e, ws, &mut out);
                out
            }
            _ => panic!("not indexed: {}", path.display()),
        }
    }

    #[test]
    fn the_iac_side_errs_and_the_stack_side_points_at_it() {
        let p = project("both");
        let ws = Workspace::new();
        let spec = p.0.join("specs/stack/backend.md");
        let text = stack("STK-BACKEND", "| TypeScript | 5.6 |\n| Node.js | 22 |");
        ws.upsert_text(spec.clone(), Arc::from(text.as_str()));
        let docker = p.0.join("deploy/Dockerfile");
        let dtext = "FROM node:20-alpine\n";
        ws.upsert_iac(docker.clone(), SourceText::Str(Arc::from(dtext)), None);
        ws.upsert_iac(p.0.join("ci.yml"), SourceText::Str(Arc::from("image: node:22.1\n")), None);

        let iac = findings(&ws, &docker);
        assert_eq!(iac.len(), 1, "{iac:?}");
        assert_eq!(&dtext[iac[0].range.clone()], "node:20-alpine");
        assert_eq!(iac[0].severity, crate::checks::Severity::Error);
        assert_eq!(iac[0].message, "STK-BACKEND pins Node.js 22; deploy/Dockerfile uses node:20-alpine");
        assert_eq!(iac[0].related[0].path, spec);
        assert_eq!(&text[iac[0].related[0].range.clone()], "22");

        let st = findings(&ws, &spec);
        assert_eq!(st.len(), 1, "{st:?}");
        assert_eq!(&text[st[0].range.clone()], "22");
        assert_eq!((st[0].code, st[0].severity), ("drift/contradicted", crate::checks::Severity::Hint));
        assert_eq!(
            st[0].message,
            "deploy/Dockerfile uses node:20-alpine, against this pin (Node.js 22): the IaC side must follow the Stack"
        );
        assert_eq!(st[0].related.len(), 1, "ci.yml agrees");
        assert_eq!(st[0].related[0].path, docker);

        assert_eq!(ws.pin_counterparts(&spec), [p.0.join("ci.yml"), docker.clone()]);
        assert_eq!(ws.pin_counterparts(&docker), [spec]);
    }

    #[test]
    fn agreement_other_projects_and_unknown_images_are_quiet() {
        let p = project("quiet");
        let other = project("quiet-other");
        let ws = Workspace::new();
        let spec = p.0.join("specs/stack/app.md");
        ws.upsert_text(spec.clone(), Arc::from(stack("STK-APP", "| Node.js | 22 |\n| PostgreSQL | 16 |").as_str()));
        let files = [
            ("deploy/Dockerfile", "FROM node:22-alpine\n"),
            (
                "deploy/docker-compose.yml",
                "services:\n  db:\n    image: postgres:16-alpine\n  x:\n    image: mysql:5.7\n",
            ),
            ("deploy/k8s.yaml", "image: ghcr.io/acme/api:1.4.2\n---\nimage: node:latest\n"),
        ];
        for (f, t) in files {
            ws.upsert_iac(p.0.join(f), SourceText::Str(Arc::from(t)), None);
        }
        // Another project may use another version.
        ws.upsert_iac(other.0.join("Dockerfile"), SourceText::Str(Arc::from("FROM node:18\n")), None);
        for (f, _) in files {
            assert!(findings(&ws, &p.0.join(f)).is_empty(), "{f}");
        }
        assert!(findings(&ws, &other.0.join("Dockerfile")).is_empty());
        assert!(findings(&ws, &spec).is_empty());
    }

    #[test]
    fn two_stack_pins_accept_either_and_deprecated_specs_do_not_count() {
        let p = project("two");
        let ws = Workspace::new();
        ws.upsert_text(p.0.join("specs/stack/api.md"), Arc::from(stack("STK-API", "| Node.js | 22 |").as_str()));
        ws.upsert_text(p.0.join("specs/stack/jobs.md"), Arc::from(stack("STK-JOBS", "| Node.js | 20 |").as_str()));
        let old = stack("STK-OLD", "| Node.js | 16 |").replace("status: implemented", "status: deprecated");
        ws.upsert_text(p.0.join("specs/stack/old.md"), Arc::from(old.as_str()));
        ws.upsert_iac(p.0.join("a/Dockerfile"), SourceText::Str(Arc::from("FROM node:20\n")), None);
        ws.upsert_iac(p.0.join("b/Dockerfile"), SourceText::Str(Arc::from("FROM node:22\n")), None);
        ws.upsert_iac(p.0.join("c/Dockerfile"), SourceText::Str(Arc::from("FROM node:16\n")), None);
        assert!(findings(&ws, &p.0.join("a/Dockerfile")).is_empty());
        assert!(findings(&ws, &p.0.join("b/Dockerfile")).is_empty());
        let c = findings(&ws, &p.0.join("c/Dockerfile"));
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].related.len(), 2, "both active pins; not the deprecated one");
        assert!(c[0].message.ends_with("c/Dockerfile uses node:16 (and 1 more)"), "{}", c[0].message);
        for s in ["api", "jobs"] {
            let f = findings(&ws, &p.0.join(format!("specs/stack/{s}.md")));
            assert_eq!(f.len(), 1, "{s}: {f:?}");
            assert_eq!(f[0].related[0].path, p.0.join("c/Dockerfile"));
        }
        assert!(findings(&ws, &p.0.join("specs/stack/old.md")).is_empty());
    }

    #[test]
    fn infrastructure_code_blocks_count_as_iac() {
        let p = project("infra");
        let ws = Workspace::new();
        let spec = p.0.join("specs/stack/db.md");
        ws.upsert_text(spec.clone(), Arc::from(stack("STK-DB", "| PostgreSQL | 16 |").as_str()));
        let inf = p.0.join("specs/infrastructure/db.md");
        let text = "---\nid: INF-DB\nstatus: draft\ncreated: 2025-01-01\n---\n# DB\n\n## Compute Resources\n\n```yaml\nservices:\n  db:\n    image: postgres:15\n```\n";
        ws.upsert_text(inf.clone(), Arc::from(text));
        let f = findings(&ws, &inf);
        assert_eq!(f.len(), 1);
        assert_eq!(&text[f[0].range.clone()], "postgres:15");
        assert_eq!(f[0].message, "STK-DB pins PostgreSQL 16; specs/infrastructure/db.md uses postgres:15");
        let s = findings(&ws, &spec);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].related[0].path, inf);
    }

    #[test]
    fn drift_errs_where_the_stack_is_overridden() {
        fixture::check_families(
            &["drift"],
            r#"
//- specs/stack/backend.md
---
id: STK-BACKEND
status: implemented
created: 2025-01-01
implemented: 2025-02-01T00:00:00Z
---
# STK-BACKEND: Backend

## Technology Stack

### Languages
| Language | Version |
|---|---|
| Node.js | 22 |
            ^^ hint drift/contradicted: deploy/Dockerfile uses node:20-alpine, against this pin (Node.js 22): the IaC side must follow the Stack
| PostgreSQL | 16 |
//- deploy/Dockerfile
FROM node:20-alpine
     ^^^^^^^^^^^^^^ error drift/version: STK-BACKEND pins Node.js 22; deploy/Dockerfile uses node:20-alpine
RUN npm ci
//- deploy/docker-compose.yml
services:
  db:
    image: postgres:16-alpine
  cache:
    image: redis:7
//- .github/workflows/ci.yml
jobs:
  test:
    steps:
      - uses: actions/setup-node@v4
        with:
          node-version: 22
"#,
        );
    }
}
