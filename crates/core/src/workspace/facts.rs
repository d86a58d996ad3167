//! Facts read from a file once per change, for `drift/version`: the runtime
//! and service versions an IaC file pins (Dockerfile `FROM`, compose /
//! Kubernetes / Helm `image:`, GitHub Actions `setup-*` versions, Terraform
//! runtimes and engine versions), and the versions a Stack spec's
//! `## Technology Stack` tables choose. Technologies are matched through a
//! small curated table; anything it does not know (the project's own
//! images, libraries) is ignored.

use std::ops::Range;
use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;

use crate::model::Spec;

/// A technology the drift check can compare, with the names it goes by.
pub struct Tech {
    /// Stable key, e.g. `node`.
    pub key: &'static str,
    /// Names in a Stack table's first column, lower case, parenthesised
    /// notes removed (`Java (OpenJDK)` → `java`).
    pub names: &'static [&'static str],
    /// Container image paths (`docker.io/` and `library/` dropped).
    pub images: &'static [&'static str],
    /// GitHub Actions: the setup action and the `with:` key of its version.
    pub setup: Option<(&'static str, &'static str)>,
    /// Terraform function runtimes (`nodejs20.x`, `python3.12`, `java21`),
    /// longest prefix first.
    pub runtimes: &'static [&'static str],
    /// Terraform `<x>_version` keys of app platforms (Azure app stacks).
    pub tf_keys: &'static [&'static str],
    /// Terraform `engine = "…"` values of managed databases and caches.
    pub engines: &'static [&'static str],
}

const fn tech(key: &'static str, names: &'static [&'static str], images: &'static [&'static str]) -> Tech {
    Tech { key, names, images, setup: None, runtimes: &[], tf_keys: &[], engines: &[] }
}

pub static TECHS: &[Tech] = &[
    Tech {
        setup: Some(("setup-node", "node-version")),
        runtimes: &["nodejs"],
        tf_keys: &["node_version"],
        ..tech("node", &["node.js", "nodejs", "node", "node js"], &["node"])
    },
    Tech {
        setup: Some(("setup-python", "python-version")),
        runtimes: &["python"],
        tf_keys: &["python_version"],
        ..tech("python", &["python", "python3", "python 3", "cpython"], &["python"])
    },
    Tech {
        engines: &["postgres", "aurora-postgresql"],
        ..tech("postgres", &["postgresql", "postgres"], &["postgres", "bitnami/postgresql", "postgis/postgis"])
    },
    Tech {
        setup: Some(("setup-go", "go-version")),
        runtimes: &["go"],
        tf_keys: &["go_version"],
        ..tech("go", &["go", "golang"], &["golang"])
    },
    Tech {
        setup: Some(("setup-java", "java-version")),
        runtimes: &["java"],
        tf_keys: &["java_version"],
        ..tech(
            "java",
            &["java", "openjdk", "jdk", "eclipse temurin", "temurin", "amazon corretto", "corretto"],
            &["openjdk", "eclipse-temurin", "amazoncorretto", "java"],
        )
    },
    Tech { engines: &["redis"], ..tech("redis", &["redis"], &["redis", "bitnami/redis"]) },
    Tech { engines: &["mysql"], ..tech("mysql", &["mysql"], &["mysql", "bitnami/mysql"]) },
    Tech { engines: &["mariadb"], ..tech("mariadb", &["mariadb"], &["mariadb", "bitnami/mariadb"]) },
    tech("mongodb", &["mongodb", "mongo"], &["mongo", "bitnami/mongodb"]),
    Tech {
        setup: Some(("setup-ruby", "ruby-version")),
        runtimes: &["ruby"],
        tf_keys: &["ruby_version"],
        ..tech("ruby", &["ruby"], &["ruby"])
    },
    Tech {
        setup: Some(("setup-dotnet", "dotnet-version")),
        runtimes: &["dotnetcore", "dotnet"],
        tf_keys: &["dotnet_version"],
        ..tech(
            "dotnet",
            &[".net", "dotnet", ".net core", "asp.net core"],
            &[
                "mcr.microsoft.com/dotnet/sdk",
                "mcr.microsoft.com/dotnet/aspnet",
                "mcr.microsoft.com/dotnet/runtime",
                "mcr.microsoft.com/dotnet/runtime-deps",
            ],
        )
    },
    Tech {
        setup: Some(("setup-php", "php-version")),
        runtimes: &["php"],
        tf_keys: &["php_version"],
        ..tech("php", &["php"], &["php"])
    },
    tech("nginx", &["nginx"], &["nginx"]),
    tech("rabbitmq", &["rabbitmq"], &["rabbitmq"]),
    tech("elasticsearch", &["elasticsearch"], &["elasticsearch", "docker.elastic.co/elasticsearch/elasticsearch"]),
    tech("rust", &["rust"], &["rust"]),
    tech("deno", &["deno"], &["denoland/deno"]),
    tech("bun", &["bun"], &["oven/bun"]),
];

/// A version an IaC file (or a code block in an Infrastructure spec) uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pin {
    /// [`Tech::key`].
    pub technology: &'static str,
    /// The numeric version, e.g. `20` for `node:20-alpine`.
    pub version: String,
    /// What the file says, for messages: `node:20-alpine`, `node-version: 22`,
    /// `nodejs20.x`.
    pub written: String,
    /// The image reference or the version value, absolute bytes.
    pub range: Range<usize>,
}

/// A version a Stack spec's Technology Stack table chooses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StackPin {
    pub technology: &'static str,
    /// The first cell as written, e.g. `Node.js`.
    pub name: String,
    /// The numeric version, e.g. `22` for `22.x`.
    pub version: String,
    /// The version cell as written.
    pub written: String,
    /// The version cell's text, absolute bytes.
    pub range: Range<usize>,
}

/// The technology a Stack table's first cell names, if it is a curated one.
pub fn technology_of_name(name: &str) -> Option<&'static Tech> {
    static PAREN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\([^)]*\)").unwrap());
    let lower = PAREN.replace_all(&name.to_lowercase(), " ").into_owned();
    let mut words: Vec<&str> = lower.split_whitespace().collect();
    if words.len() > 1 && matches!(words.last(), Some(&("lts" | "runtime"))) {
        words.pop();
    }
    let name = words.join(" ");
    TECHS.iter().find(|t| t.names.contains(&name.as_str()))
}

/// The technology of a container image path, if it is a curated one.
pub fn technology_of_image(path: &str) -> Option<&'static Tech> {
    let p = path.to_ascii_lowercase();
    let p = p.strip_prefix("docker.io/").or_else(|| p.strip_prefix("index.docker.io/")).unwrap_or(&p);
    let p = p.strip_prefix("library/").unwrap_or(p);
    TECHS.iter().find(|t| t.images.contains(&p))
}

/// `major[.minor[.patch…]]` at the start of `s` (after an optional `v`), as
/// long as the next character is not a digit: `20-alpine` → `20`,
/// `3.12-slim` → `3.12`, `22.x` → `22`, `8u342` → `8`.
fn leading_version(s: &str) -> Option<(String, &str)> {
    static V: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[vV]?(\d+(?:\.\d+)*)").unwrap());
    let c = V.captures(s)?;
    let m = c.get(1)?;
    Some((m.as_str().to_owned(), &s[c.get(0)?.end()..]))
}

/// The version a Stack cell pins, when it is a plain version: `22`,
/// `22.3.0`, `v22`, `22.x`, `22 (LTS)`, `22 LTS`. Ranges and floating
/// values (`^20`, `>=20`, `20+`, `18 or later`, `LTS`, `latest`) are not
/// comparable and give `None`.
pub fn stack_version(cell: &str) -> Option<String> {
    let (v, rest) = leading_version(cell.trim())?;
    let mut rest = rest;
    while let Some(r) = rest.strip_prefix(".x").or_else(|| rest.strip_prefix(".X")).or_else(|| rest.strip_prefix(".*"))
    {
        rest = r;
    }
    let t = rest.trim_start();
    let ok =
        t.is_empty() || (t.len() < rest.len() && (t.starts_with('(') || t.to_ascii_lowercase().starts_with("lts")));
    ok.then_some(v)
}

/// The version an image tag or a CI/runtime version value names: `20-alpine`
/// → `20`, `16.4-bookworm` → `16.4`, `22.x` → `22`; `latest`, `lts/*`,
/// `${VAR}` and ranges give `None`.
pub fn iac_version(tag: &str) -> Option<String> {
    leading_version(tag.trim()).map(|(v, _)| v)
}

/// Whether an IaC version agrees with a Stack pin: it starts with the Stack's
/// version at the Stack's precision (Stack `22` accepts `22`, `22.3.0`;
/// Stack `22.3` rejects `22` and `22.4`).
pub fn versions_agree(stack: &str, iac: &str) -> bool {
    let parse = |s: &str| s.split('.').map(|p| p.parse::<u64>().ok()).collect::<Option<Vec<_>>>();
    let (Some(a), Some(b)) = (parse(stack), parse(iac)) else { return true };
    b.len() >= a.len() && b[..a.len()] == a[..]
}

/// A container image reference: the path (registry and namespace included)
/// and the tag, with the tag's offset inside the reference.
pub fn split_image(r: &str) -> Option<(&str, &str)> {
    let r = r.split('@').next()?;
    let slash = r.rfind('/').map_or(0, |i| i + 1);
    let colon = slash + r[slash..].find(':')?;
    let (path, tag) = (&r[..colon], &r[colon + 1..]);
    if path.is_empty() || tag.is_empty() || r.contains('$') || r.contains('{') {
        return None;
    }
    Some((path, tag))
}

/// The pin of an image reference written at `range`, if it names a curated
/// technology with a version tag.
fn image_pin(reference: &str, range: Range<usize>) -> Option<Pin> {
    let (path, tag) = split_image(reference)?;
    let t = technology_of_image(path)?;
    let version = iac_version(tag)?;
    Some(Pin { technology: t.key, version, written: reference.to_owned(), range })
}

/// What kind of IaC file a path is, for the extractors below.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IacKind {
    Dockerfile,
    Yaml,
    Hcl,
}

pub fn iac_kind(path: &Path) -> Option<IacKind> {
    let name = path.file_name()?.to_str()?.to_ascii_lowercase();
    if name == "dockerfile"
        || name == "containerfile"
        || name.starts_with("dockerfile.")
        || name.starts_with("containerfile.")
        || name.ends_with(".dockerfile")
    {
        return Some(IacKind::Dockerfile);
    }
    match name.rsplit_once('.')?.1 {
        "yml" | "yaml" => Some(IacKind::Yaml),
        "tf" | "tfvars" | "hcl" | "nomad" => Some(IacKind::Hcl),
        _ => None,
    }
}

/// Every pin an IaC file declares.
pub fn iac_pins(path: &Path, text: &str) -> Vec<Pin> {
    match iac_kind(path) {
        Some(kind) => pins_of(kind, text, 0),
        None => Vec::new(),
    }
}

fn pins_of(kind: IacKind, text: &str, base: usize) -> Vec<Pin> {
    let mut out = match kind {
        IacKind::Dockerfile => dockerfile(text),
        IacKind::Yaml => yaml(text),
        IacKind::Hcl => hcl(text),
    };
    for p in &mut out {
        p.range = p.range.start + base..p.range.end + base;
    }
    out
}

/// Lines with their start offsets, without `\n` / `\r\n`.
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    lines_to(text).map(|(s, l, _)| (s, l))
}

/// Lines with their start offsets and the offset of the next line.
fn lines_to(text: &str) -> impl Iterator<Item = (usize, &str, usize)> {
    let mut at = 0;
    text.split_inclusive('\n').map(move |l| {
        let start = at;
        at += l.len();
        (start, l.trim_end_matches('\n').trim_end_matches('\r'), at)
    })
}

fn dockerfile(text: &str) -> Vec<Pin> {
    let mut out = Vec::new();
    for (start, line) in lines(text) {
        let t = line.trim_start();
        if !t.get(..5).is_some_and(|f| f.eq_ignore_ascii_case("from ")) {
            continue;
        }
        // FROM [--platform=…] image[:tag] [AS name]
        let mut at = start + (line.len() - t.len()) + 4;
        for word in t[4..].split(' ') {
            let here = at;
            at += word.len() + 1;
            if word.is_empty() || word.starts_with("--") {
                continue;
            }
            out.extend(image_pin(word, here..here + word.len()));
            break;
        }
    }
    out
}

/// One `key: value` (YAML) or `key = "value"` (HCL) line.
struct Kv<'a> {
    /// Column of the key; siblings share it.
    col: usize,
    key: &'a str,
    value: &'a str,
    /// Absolute range of the value (quotes excluded).
    range: Range<usize>,
}

fn yaml_kv(start: usize, line: &str) -> Option<Kv<'_>> {
    static KV: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^(\s*)(?:-\s+)?([A-Za-z0-9_.-]+)\s*:(?:\s+(.*))?$").unwrap());
    let c = KV.captures(line)?;
    let key = c.get(2)?;
    let Some(v) = c.get(3) else {
        return Some(Kv { col: key.start(), key: key.as_str(), value: "", range: start..start });
    };
    let mut value = v.as_str();
    if let Some(i) = value.find(" #") {
        value = &value[..i];
    }
    if value.starts_with('#') {
        value = "";
    }
    value = value.trim_end();
    let mut vstart = v.start();
    for q in ['"', '\''] {
        if value.len() >= 2 && value.starts_with(q) && value.ends_with(q) {
            value = &value[1..value.len() - 1];
            vstart += 1;
        }
    }
    let range = start + vstart..start + vstart + value.len();
    Some(Kv { col: key.start(), key: key.as_str(), value, range })
}

fn hcl_kv(start: usize, line: &str) -> Option<Kv<'_>> {
    static KV: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#"^(\s*)([A-Za-z_][A-Za-z0-9_-]*)\s*=\s*"([^"]*)""#).unwrap());
    let c = KV.captures(line)?;
    let (key, v) = (c.get(2)?, c.get(3)?);
    Some(Kv { col: key.start(), key: key.as_str(), value: v.as_str(), range: start + v.start()..start + v.end() })
}

/// The value of the sibling `key` of `kvs[i]` (same mapping or block): the
/// nearest line with the same key column, scanning both ways until a line
/// indented less than the key.
fn sibling<'a>(kvs: &'a [(usize, Option<Kv<'a>>)], i: usize, key: &str) -> Option<&'a Kv<'a>> {
    let col = kvs[i].1.as_ref()?.col;
    let found = |j: usize| kvs[j].1.as_ref().filter(|k| k.col == col && k.key == key);
    // A line indented less than the key starts another item or block (going
    // down) or is the first line of this item (going up).
    let leaves = |j: usize| kvs[j].0 < col;
    for j in (i + 1)..kvs.len() {
        if leaves(j) {
            break;
        }
        if let Some(k) = found(j) {
            return Some(k);
        }
    }
    // The first line of a list item has nothing of its item above it.
    if leaves(i) {
        return None;
    }
    for j in (0..i).rev() {
        if let Some(k) = found(j) {
            return Some(k);
        }
        if leaves(j) {
            break;
        }
    }
    None
}

/// Parsed lines, skipping blank and comment lines; `.0` is the line's indent.
fn kv_lines<'a>(
    text: &'a str,
    parse: fn(usize, &'a str) -> Option<Kv<'a>>,
    comment: &[&str],
) -> Vec<(usize, Option<Kv<'a>>)> {
    lines(text)
        .filter(|(_, l)| {
            let t = l.trim_start();
            !t.is_empty() && !comment.iter().any(|c| t.starts_with(c))
        })
        .map(|(s, l)| (l.len() - l.trim_start().len(), parse(s, l)))
        .collect()
}

fn yaml(text: &str) -> Vec<Pin> {
    let kvs = kv_lines(text, yaml_kv, &["#"]);
    let mut out = Vec::new();
    for (i, (_, kv)) in kvs.iter().enumerate() {
        let Some(kv) = kv else { continue };
        match kv.key {
            // compose, Kubernetes, GitHub Actions services and jobs
            "image" | "container" => out.extend(image_pin(kv.value, kv.range.clone())),
            // Helm values: image: { repository: postgres, tag: "16" }
            "repository" => {
                if let Some(tag) = sibling(&kvs, i, "tag")
                    && let Some(t) = technology_of_image(kv.value)
                    && let Some(version) = iac_version(tag.value)
                {
                    let written = format!("{}:{}", kv.value, tag.value);
                    out.push(Pin { technology: t.key, version, written, range: tag.range.clone() });
                }
            }
            // GitHub Actions: uses: actions/setup-node@v4, with: node-version: 22
            key => {
                let Some(t) = TECHS.iter().find(|t| t.setup.is_some_and(|(_, k)| k == key)) else { continue };
                let (action, _) = t.setup.unwrap_or_default();
                if !text.contains(action) || kv.value.contains("${{") {
                    continue;
                }
                if let Some(version) = iac_version(kv.value) {
                    let written = format!("{key}: {}", kv.value);
                    out.push(Pin { technology: t.key, version, written, range: kv.range.clone() });
                }
            }
        }
    }
    out
}

/// `nodejs20.x` → (node, 20); `python3.12` → (python, 3.12); GCP's
/// `python312` → 3.12, `go122` → 1.22; `go1.x` gives nothing.
pub fn runtime_version(runtime: &str) -> Option<(&'static Tech, String)> {
    let r = runtime.to_ascii_lowercase();
    let (t, rest) = TECHS.iter().find_map(|t| {
        t.runtimes
            .iter()
            .find_map(|p| r.strip_prefix(p).filter(|rest| rest.starts_with(|c: char| c.is_ascii_digit())))
            .map(|rest| (t, rest))
    })?;
    let (v, after) = leading_version(rest)?;
    if after.starts_with(".x") && t.key == "go" {
        return None;
    }
    let v = if !v.contains('.') && v.len() >= 2 {
        match t.key {
            "python" | "ruby" | "php" => format!("{}.{}", &v[..1], &v[1..]),
            "go" if v.starts_with('1') => format!("1.{}", &v[1..]),
            _ => v,
        }
    } else {
        v
    };
    Some((t, v))
}

fn hcl(text: &str) -> Vec<Pin> {
    let kvs = kv_lines(text, hcl_kv, &["#", "//"]);
    let mut out = Vec::new();
    for (i, (_, kv)) in kvs.iter().enumerate() {
        let Some(kv) = kv else { continue };
        match kv.key {
            "image" => out.extend(image_pin(kv.value, kv.range.clone())),
            "runtime" => {
                if let Some((t, version)) = runtime_version(kv.value) {
                    out.push(Pin { technology: t.key, version, written: kv.value.to_owned(), range: kv.range.clone() });
                }
            }
            "engine_version" => {
                if let Some(engine) = sibling(&kvs, i, "engine")
                    && let Some(t) = TECHS.iter().find(|t| t.engines.contains(&engine.value))
                    && let Some(version) = iac_version(kv.value)
                {
                    let written = format!("{} {}", engine.value, kv.value);
                    out.push(Pin { technology: t.key, version, written, range: kv.range.clone() });
                }
            }
            key => {
                let Some(t) = TECHS.iter().find(|t| t.tf_keys.contains(&key)) else { continue };
                if let Some(version) = iac_version(kv.value) {
                    let written = format!("{key} = \"{}\"", kv.value);
                    out.push(Pin { technology: t.key, version, written, range: kv.range.clone() });
                }
            }
        }
    }
    out
}

/// Pins in the fenced code blocks of a Markdown text (an Infrastructure
/// spec): blocks tagged `dockerfile`, `yaml`/`yml`, or `hcl`/`terraform`/`tf`.
pub fn code_block_pins(text: &str) -> Vec<Pin> {
    let mut out = Vec::new();
    let mut open: Option<(char, usize, Option<IacKind>, usize)> = None;
    for (start, line, next) in lines_to(text) {
        let t = line.trim_start();
        let indent = line.len() - t.len();
        let fence_char = t.chars().next().filter(|c| *c == '`' || *c == '~');
        let run = fence_char.map_or(0, |c| t.len() - t.trim_start_matches(c).len());
        match &open {
            None if indent <= 3 && run >= 3 => {
                let c = fence_char.unwrap_or('`');
                let info = t[run..].split_whitespace().next().unwrap_or("").to_ascii_lowercase();
                let kind = match info.trim_start_matches('{').trim_start_matches('.') {
                    "dockerfile" | "docker" | "containerfile" => Some(IacKind::Dockerfile),
                    "yaml" | "yml" => Some(IacKind::Yaml),
                    "hcl" | "terraform" | "tf" => Some(IacKind::Hcl),
                    _ => None,
                };
                open = Some((c, run, kind, next));
            }
            Some((c, n, kind, body))
                if indent <= 3 && fence_char == Some(*c) && run >= *n && t[run..].trim().is_empty() =>
            {
                if let Some(kind) = kind {
                    out.extend(pins_of(*kind, &text[*body..start], *body));
                }
                open = None;
            }
            _ => {}
        }
    }
    out
}

/// The pins of a Stack spec: rows of the tables under `## Technology Stack`
/// that have a `Version` column and name a curated technology in their first
/// column. `text` is the spec's text (to trim the cell ranges).
pub fn stack_pins(spec: &Spec, text: &str) -> Vec<StackPin> {
    let mut out = Vec::new();
    for s in &spec.doc.sections {
        let is_stack = s.section.heading().is_some_and(|h| {
            let h = h.text.trim();
            h.eq_ignore_ascii_case("technology stack") || h.eq_ignore_ascii_case("tech stack")
        });
        if !is_stack {
            continue;
        }
        for t in s.section.tables.iter().map(|t| t.absolute(s.start)) {
            let Some(vc) = t.header.iter().position(|c| c.text.trim().to_ascii_lowercase().starts_with("version"))
            else {
                continue;
            };
            if vc == 0 {
                continue;
            }
            for row in &t.rows {
                let (Some(name), Some(cell)) = (row.first(), row.get(vc)) else { continue };
                let Some(tech) = technology_of_name(&name.text) else { continue };
                let Some(version) = stack_version(&cell.text) else { continue };
                out.push(StackPin {
                    technology: tech.key,
                    name: name.text.trim().to_owned(),
                    version,
                    written: cell.text.trim().to_owned(),
                    range: trim_range(text, cell.range.clone()),
                });
            }
        }
    }
    out
}

/// `range` without the spaces (and table pipes) around its text.
fn trim_range(text: &str, range: Range<usize>) -> Range<usize> {
    let Some(s) = text.get(range.clone()) else { return range };
    let is_pad = |c: char| c.is_whitespace() || c == '|';
    let lead = s.len() - s.trim_start_matches(is_pad).len();
    let trail = s.len() - s.trim_end_matches(is_pad).len();
    if lead + trail >= s.len() {
        return range;
    }
    range.start + lead..range.end - trail
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
