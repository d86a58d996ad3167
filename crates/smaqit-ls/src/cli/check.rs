use std::io::Write;
use std::path::{Path, PathBuf};

use super::output::{self, Located, abs, display_path};
use super::{CheckArgs, Format};
use smaqit_core::checks::{self, Finding, Severity};
use smaqit_core::project::find_root;
use smaqit_core::text::{LineIndex, SourceText};
use smaqit_core::workspace::{DEFAULT_MAX_FILE_SIZE, Workspace, read_limited};

pub fn run(args: &CheckArgs) -> i32 {
    let paths = if args.paths.is_empty() { vec![PathBuf::from(".")] } else { args.paths.clone() };
    for p in &paths {
        if !p.exists() {
            eprintln!("error: {}: no such file or folder", p.display());
            return 2;
        }
    }
    let filter = match smaqit_core::workspace::FileFilter::new(&args.include, &args.exclude) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let results = if args.staged {
        match check_staged(&filter) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("error: --staged: {e}");
                return 2;
            }
        }
    } else {
        check_paths(&paths, &filter)
    };
    let results: Vec<Located> = results
        .into_iter()
        .filter(|r| args.only.as_deref().is_none_or(|only| in_family(r.finding.code, only)))
        .collect();
    let has_error = results.iter().any(|r| r.finding.severity == Severity::Error);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let written = match args.format {
        Format::Text => output::text(&mut out, &results),
        Format::Json => output::json(&mut out, &results),
        Format::Sarif => output::sarif(&mut out, &results),
    };
    if let Err(e) = written.and_then(|_| out.flush())
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        eprintln!("error: writing output: {e}");
        return 2;
    }
    i32::from(has_error)
}

/// Findings in the staged content of the files staged for commit. The rest
/// of the project is read from the working tree so cross-file checks see it.
fn check_staged(filter: &smaqit_core::workspace::FileFilter) -> Result<Vec<Located>, String> {
    let git = |args: &[&str]| -> Result<Vec<u8>, String> {
        let out = std::process::Command::new("git").args(args).output().map_err(|e| format!("cannot run git: {e}"))?;
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).trim().to_owned());
        }
        Ok(out.stdout)
    };
    let top = PathBuf::from(String::from_utf8_lossy(&git(&["rev-parse", "--show-toplevel"])?).trim().to_owned());
    let names = git(&["diff", "--cached", "--name-only", "--diff-filter=ACMR", "-z"])?;
    let staged: Vec<String> =
        names.split(|&b| b == 0).filter(|n| !n.is_empty()).map(|n| String::from_utf8_lossy(n).into_owned()).collect();
    let ws = Workspace::new();
    ws.set_filter(filter.clone());
    ws.index_folders(std::slice::from_ref(&top), DEFAULT_MAX_FILE_SIZE, &|_, _| {});
    let mut files = Vec::new();
    for name in &staged {
        let path = top.join(name);
        if !filter.selects(&top, &path) {
            continue;
        }
        let blob = git(&["show", &format!(":{name}")])?;
        if smaqit_secrets::looks_binary(&blob) {
            continue;
        }
        let Ok(text) = String::from_utf8(blob) else { continue };
        ws.remove(&path);
        ws.upsert_file(path.clone(), text);
        files.push((name.clone(), path));
    }
    let mut out = Vec::new();
    for (name, path) in files {
        let (findings, text) = match (ws.get(&path), ws.get_iac(&path)) {
            (Some(e), _) => (checks::check_entry(&e, &ws), e.text.as_str().into_owned()),
            (None, Some(e)) => (checks::check_iac(&e, &ws), e.text.as_str().into_owned()),
            _ => continue,
        };
        let index = LineIndex::new(&text);
        for f in findings {
            out.push(Located::new(
                std::sync::Arc::from(name.as_str()),
                &text,
                &index,
                f,
                &ws,
                std::slice::from_ref(&top),
            ));
        }
    }
    Ok(out)
}

/// Whether `code` belongs to the family named on the command line
/// (`secrets` is accepted for `secret/…`).
fn in_family(code: &str, only: &str) -> bool {
    let only = if only == "secrets" { "secret" } else { only };
    code == only || code.strip_prefix(only).is_some_and(|rest| rest.starts_with('/'))
}

/// Indexes every project touched by `paths` and returns the findings of the
/// files under `paths`, sorted by display path and position.
pub fn check_paths(paths: &[PathBuf], filter: &smaqit_core::workspace::FileFilter) -> Vec<Located> {
    let ws = Workspace::new();
    ws.set_filter(filter.clone());
    // Index whole folders given; for a single file, its whole project so
    // that cross-file checks see its neighbours.
    let mut roots: Vec<PathBuf> = Vec::new();
    for p in paths {
        let r = if p.is_dir() { abs(p) } else { find_root(&abs(p)).unwrap_or_else(|| abs(p)) };
        if !roots.contains(&r) {
            roots.push(r);
        }
    }
    let folders: Vec<PathBuf> = roots.iter().filter(|r| r.is_dir()).cloned().collect();
    ws.index_folders(&folders, DEFAULT_MAX_FILE_SIZE, &|_, _| {});
    // A file named on the command line is checked even when the walk would
    // not pick it (no project root, or a name the index does not know).
    for p in paths.iter().filter(|p| p.is_file()) {
        let a = abs(p);
        if ws.get(&a).is_none()
            && ws.get_iac(&a).is_none()
            && let Ok(text) = read_limited(p, DEFAULT_MAX_FILE_SIZE)
        {
            ws.upsert_file(a, text);
        }
    }
    let mut out = Vec::new();
    // Files outside the paths asked about are indexed (for cross-file
    // checks) but not checked.
    let mut locate = |path: &Path, text: &SourceText, findings: &dyn Fn() -> Vec<Finding>| {
        let Some(display) = display_path(paths, path).map(std::sync::Arc::<str>::from) else { return };
        let findings = findings();
        if findings.is_empty() {
            return;
        }
        let text = text.as_str();
        let index = LineIndex::new(&text);
        for finding in findings {
            out.push(Located::new(display.clone(), &text, &index, finding, &ws, paths));
        }
    };
    for entry in ws.specs() {
        locate(&entry.spec.path, &entry.text, &|| checks::check_entry(&entry, &ws));
    }
    for entry in ws.iac_files() {
        locate(&entry.path, &entry.text, &|| checks::check_iac(&entry, &ws));
    }
    for (path, why) in ws.skipped() {
        let Some(display) = display_path(paths, &path).map(std::sync::Arc::<str>::from) else { continue };
        let Some(finding) = checks::skipped(&why) else { continue };
        out.push(Located::new(display, "", &LineIndex::new(""), finding, &ws, paths));
    }
    out.sort_by(|a, b| {
        a.path
            .cmp(&b.path)
            .then(a.line.cmp(&b.line))
            .then(a.column.cmp(&b.column))
            .then(a.finding.code.cmp(b.finding.code))
    });
    out
}
