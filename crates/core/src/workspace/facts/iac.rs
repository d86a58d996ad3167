//! Pins in IaC files and in the fenced IaC blocks of Infrastructure specs.

use std::ops::Range;
use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;

use super::techs::{TECHS, Tech, technology_of_image};
use super::{Pin, iac_version, leading_version};

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

/// Image references written as inline code outside fences (a table's
/// `Base image | \`node:18-bullseye-slim\`` row): `starts` is the line's offset.
fn inline_image_pins(line: &str, start: usize) -> Vec<Pin> {
    static SPAN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"`([a-z0-9][a-z0-9./_-]*:[A-Za-z0-9._-]+)`").unwrap());
    SPAN.captures_iter(line)
        .filter_map(|c| {
            let m = c.get(1)?;
            image_pin(m.as_str(), start + m.start()..start + m.end())
        })
        .collect()
}

/// Pins in the fenced code blocks of a Markdown text (an Infrastructure
/// spec): blocks tagged `dockerfile`, `yaml`/`yml`, or `hcl`/`terraform`/`tf`;
/// and image references in inline code elsewhere.
pub fn code_block_pins(text: &str) -> Vec<Pin> {
    let mut out = Vec::new();
    let mut open: Option<(char, usize, Option<IacKind>, usize)> = None;
    for (start, line, next) in lines_to(text) {
        if open.is_none() {
            out.extend(inline_image_pins(line, start));
        }
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
