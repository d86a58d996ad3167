//! `check` output: compiler-style text, JSON and SARIF 2.1.0. Lines and
//! columns are 1-based; columns count characters (Unicode scalar values).

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use smaqit_core::checks::{Finding, Severity, catalogue};
use smaqit_core::text::LineIndex;
use smaqit_core::workspace::Workspace;

/// A finding with its display path and 1-based positions resolved.
pub struct Located {
    /// Shared by every finding of a file.
    pub path: std::sync::Arc<str>,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub finding: Finding,
    pub related: Vec<RelatedLocated>,
}

pub struct RelatedLocated {
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// 1-based (line, column in characters) of a byte offset.
fn line_col(text: &str, index: &LineIndex, offset: usize) -> (usize, usize) {
    let offset = smaqit_core::text::floor_char_boundary(text, offset);
    let (line, byte_col) = index.line_col(offset);
    let start = index.line_start(line).unwrap_or(0);
    (line + 1, text[start..start + byte_col].chars().count() + 1)
}

impl Located {
    pub fn new(
        path: std::sync::Arc<str>,
        text: &str,
        index: &LineIndex,
        finding: Finding,
        ws: &Workspace,
        paths: &[PathBuf],
    ) -> Located {
        let (line, column) = line_col(text, index, finding.range.start);
        let (end_line, end_column) = line_col(text, index, finding.range.end);
        let related = finding
            .related
            .iter()
            .map(|r| {
                let text =
                    ws.get(&r.path).map(|e| e.text.clone()).or_else(|| ws.get_iac(&r.path).map(|e| e.text.clone()));
                let (line, column) = text.map_or((1, 1), |t| {
                    let t = t.as_str();
                    line_col(&t, &LineIndex::new(&t), r.range.start)
                });
                let path = display_path(paths, &r.path).unwrap_or_else(|| r.path.to_string_lossy().into_owned());
                RelatedLocated { path, line, column, message: r.message.clone() }
            })
            .collect();
        Located { path, line, column, end_line, end_column, finding, related }
    }
}

pub fn text(out: &mut dyn Write, results: &[Located]) -> io::Result<()> {
    for r in results {
        let f = &r.finding;
        writeln!(out, "{}:{}:{}: {}[{}]: {}", r.path, r.line, r.column, f.severity.as_str(), f.code, f.message)?;
        for rel in &r.related {
            writeln!(out, "  {}:{}:{}: note: {}", rel.path, rel.line, rel.column, rel.message)?;
        }
    }
    let count = |s: Severity| results.iter().filter(|r| r.finding.severity == s).count();
    writeln!(
        out,
        "{} errors, {} warnings, {} hints and infos",
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Hint) + count(Severity::Info)
    )
}

#[derive(serde::Serialize)]
struct JsonFinding<'a> {
    path: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    severity: &'a str,
    code: &'a str,
    message: &'a str,
    related: Vec<JsonRelated<'a>>,
}

#[derive(serde::Serialize)]
struct JsonRelated<'a> {
    path: &'a str,
    line: usize,
    column: usize,
    message: &'a str,
}

/// Streams the array item by item: a large workspace's findings are never
/// all held as JSON values at once.
pub fn json(out: &mut dyn Write, results: &[Located]) -> io::Result<()> {
    out.write_all(b"[")?;
    for (i, r) in results.iter().enumerate() {
        out.write_all(if i == 0 { b"\n  " } else { b",\n  " })?;
        let item = JsonFinding {
            path: &r.path,
            line: r.line,
            column: r.column,
            end_line: r.end_line,
            end_column: r.end_column,
            severity: r.finding.severity.as_str(),
            code: r.finding.code,
            message: &r.finding.message,
            related: r
                .related
                .iter()
                .map(|rel| JsonRelated { path: &rel.path, line: rel.line, column: rel.column, message: &rel.message })
                .collect(),
        };
        serde_json::to_writer(&mut *out, &item)?;
    }
    out.write_all(if results.is_empty() { b"]\n" } else { b"\n]\n" })
}

pub fn sarif(out: &mut dyn Write, results: &[Located]) -> io::Result<()> {
    // Every code of the catalogue, the secret detectors' included.
    let rule_ids: Vec<(String, String, Severity)> =
        catalogue::all().map(|c| (c.id.to_owned(), c.summary.to_owned(), c.severity)).collect();
    let rules: Vec<Value> = rule_ids
        .iter()
        .map(|(id, summary, severity)| {
            json!({
                "id": id,
                "shortDescription": { "text": summary },
                "helpUri": format!("https://github.com/smaqit/smaqit-ls/blob/main/docs/diagnostics.md#{}", catalogue::anchor(id)),
                "defaultConfiguration": { "level": level(*severity) },
            })
        })
        .collect();
    let sarif_results: Vec<Value> = results
        .iter()
        .map(|r| {
            let mut v = json!({
                "ruleId": r.finding.code,
                "level": level(r.finding.severity),
                "message": { "text": r.finding.message },
                "locations": [location(&r.path, r.line, r.column, Some((r.end_line, r.end_column)))],
            });
            if let Some(i) = rule_ids.iter().position(|(id, _, _)| *id == r.finding.code) {
                v["ruleIndex"] = json!(i);
            }
            if !r.related.is_empty() {
                v["relatedLocations"] = r
                    .related
                    .iter()
                    .enumerate()
                    .map(|(i, rel)| {
                        let mut l = location(&rel.path, rel.line, rel.column, None);
                        l["id"] = json!(i);
                        l["message"] = json!({ "text": rel.message });
                        l
                    })
                    .collect();
            }
            v
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "smaqit-ls",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/smaqit/smaqit-ls",
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": sarif_results,
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

fn location(path: &str, line: usize, column: usize, end: Option<(usize, usize)>) -> Value {
    let mut region = json!({ "startLine": line, "startColumn": column });
    if let Some((el, ec)) = end {
        region["endLine"] = json!(el);
        region["endColumn"] = json!(ec);
    }
    json!({ "physicalLocation": { "artifactLocation": { "uri": path }, "region": region } })
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Hint => "note",
    }
}

/// `p` made absolute, without `.` or `..`: however a folder is named on
/// the command line (`.`, `../x`, `x/`), its files get one path each, so
/// links between them resolve the same way.
pub fn abs(p: &Path) -> PathBuf {
    smaqit_core::paths::normalize(&std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()))
}

/// The path to show for `file`: the command-line path it was found under,
/// joined with its path inside it. None when it is under none of them.
pub fn display_path(paths: &[PathBuf], file: &Path) -> Option<String> {
    let file_abs = abs(file);
    for p in paths {
        let p_abs = abs(p);
        if p_abs == file_abs {
            return Some(slash(p));
        }
        if let Ok(rest) = file_abs.strip_prefix(&p_abs) {
            let joined = if p == Path::new(".") { rest.to_path_buf() } else { p.join(rest) };
            return Some(slash(&joined));
        }
    }
    None
}

fn slash(p: &Path) -> String {
    smaqit_core::paths::slash(p)
}
