//! Tidy: the rules of the code's shape that Cargo cannot see, checked on
//! every `cargo test` (rust-analyzer's `xtask/src/tidy.rs` is the model).
//!
//! - The engine crates know nothing of LSP or async runtimes, by their
//!   dependency trees and by their sources.
//! - Inside `smaqit-core`, a module uses only the modules of lower layers.
//! - No two sibling modules use each other (no module cycle).
//! - No source file grows past 600 lines unless it says it is a table.
//! - A check names its code by the catalogue's constant, never a string,
//!   and never spells a severity.
//! - The editor contract: every server command is documented in
//!   `docs/protocol.md`, and the TypeScript and Lua mirrors are generated
//!   from the Rust definitions (a stale mirror is rewritten and the test fails),
//!   and each argument and result interface has the Rust struct's fields.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;

mod support;

static SUPER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"super::([a-z_][a-z0-9_]*)").unwrap());
static SUPER_SUPER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"super::super::([a-z_][a-z0-9_]*)").unwrap());
static SUPER_GROUP: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"use super::\{([^}]*)\}").unwrap());

fn repo() -> PathBuf {
    support::repo_root()
}

/// Every `.rs` file below `dir`, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else { continue };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                if !matches!(p.file_name().and_then(|n| n.to_str()), Some("target" | "corpus")) {
                    stack.push(p);
                }
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn rel(p: &Path) -> String {
    p.strip_prefix(repo()).unwrap_or(p).to_string_lossy().into_owned()
}

/// The text before the file's first `#[cfg(test)]`: the code that ships.
fn shipped(text: &str) -> &str {
    text.find("#[cfg(test)]").map_or(text, |i| &text[..i])
}

#[test]
fn engine_crates_know_nothing_of_lsp_or_async() {
    let forbidden: &[(&str, &[&str])] = &[
        ("smaqit-secrets", &["smaqit-core", "smaqit-deploy", "smaqit-ls", "tokio", "tower-lsp-server"]),
        ("smaqit-core", &["smaqit-deploy", "smaqit-ls", "tokio", "tower-lsp-server", "ls-types"]),
        ("smaqit-deploy", &["smaqit-ls", "tokio", "tower-lsp-server", "ls-types"]),
    ];
    for (krate, banned) in forbidden {
        let out = std::process::Command::new(env!("CARGO"))
            .args(["tree", "--offline", "-e", "normal", "--prefix", "none", "-p", krate])
            .current_dir(repo())
            .output()
            .expect("cargo tree runs");
        assert!(out.status.success(), "cargo tree -p {krate}: {}", String::from_utf8_lossy(&out.stderr));
        let tree = String::from_utf8_lossy(&out.stdout);
        for dep in tree.lines().filter_map(|l| l.split_whitespace().next()) {
            assert!(!banned.contains(&dep), "{krate} depends on {dep} (directly or through a dependency)");
        }
    }
    let words = ["tokio", "tower_lsp_server", "ls_types", "smaqit_ls"];
    for krate in ["core", "deploy", "secrets"] {
        for f in rust_files(&repo().join("crates").join(krate)) {
            let text = read(&f);
            for w in words {
                assert!(!text.contains(&format!("{w}::")), "{} names `{w}`", rel(&f));
            }
            if krate != "deploy" {
                assert!(!text.contains("smaqit_deploy::"), "{} names `smaqit_deploy`", rel(&f));
            }
        }
    }
}

/// The layers of `smaqit-core`, bottom first (its `lib.rs` says the same).
const LAYERS: &[&[&str]] = &[
    &["text", "paths"],
    &["ids"],
    &["parse"],
    &["model"],
    &["project"],
    &["workspace"],
    &["checks"],
    &["actions"],
    &["navigation"],
];

fn layer_of(module: &str) -> usize {
    LAYERS.iter().position(|l| l.contains(&module)).unwrap_or_else(|| panic!("module `{module}` has no layer"))
}

#[test]
fn core_modules_use_only_lower_layers() {
    let src = repo().join("crates/core/src");
    let uses = regex::Regex::new(r"crate::([a-z_]+)").unwrap();
    let mut seen = BTreeSet::new();
    for f in rust_files(&src) {
        let relp = f.strip_prefix(&src).unwrap();
        let top = relp.components().next().unwrap().as_os_str().to_string_lossy();
        let top = top.trim_end_matches(".rs").to_owned();
        if top == "lib" {
            continue;
        }
        seen.insert(top.clone());
        let me = layer_of(&top);
        for c in uses.captures_iter(&read(&f)) {
            let used = &c[1];
            if used == top {
                continue;
            }
            assert!(
                layer_of(used) < me,
                "{} (layer {me}, `{top}`) uses `crate::{used}` (layer {}): a module may use only lower layers",
                rel(&f),
                layer_of(used)
            );
        }
    }
    let listed: BTreeSet<String> = LAYERS.iter().flat_map(|l| l.iter().map(|s| s.to_string())).collect();
    assert_eq!(seen, listed, "the layer list and the modules of smaqit-core differ");
}

/// The sibling modules a file names (`super::x`, `use super::{x, …}`, or
/// `crate::path::x` for its own folder).
fn sibling_refs(text: &str, siblings: &BTreeSet<String>, folder_path: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for c in SUPER.captures_iter(text) {
        out.insert(c[1].to_owned());
    }
    for c in SUPER_GROUP.captures_iter(text) {
        for part in c[1].split(',') {
            let name = part.trim().split("::").next().unwrap_or("").trim();
            out.insert(name.to_owned());
        }
    }
    if !folder_path.is_empty() {
        let own = regex::Regex::new(&format!(r"crate::{}::([a-z_][a-z0-9_]*)", regex::escape(folder_path))).unwrap();
        for c in own.captures_iter(text) {
            out.insert(c[1].to_owned());
        }
    }
    out.retain(|n| siblings.contains(n));
    out
}

#[test]
fn no_module_cycles() {
    for krate in ["core", "deploy", "secrets", "smaqit-ls"] {
        let src = repo().join("crates").join(krate).join("src");
        let mut folders: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
        for f in rust_files(&src) {
            folders.entry(f.parent().unwrap().to_path_buf()).or_default().push(f);
        }
        for (dir, files) in folders {
            // Sibling modules: files other than mod.rs/lib.rs/main.rs, and sub-folders.
            let module_of = |f: &Path| f.file_stem().unwrap().to_string_lossy().into_owned();
            let mut names: BTreeSet<String> =
                files.iter().map(|f| module_of(f)).filter(|n| !matches!(n.as_str(), "mod" | "lib" | "main")).collect();
            if let Ok(rd) = std::fs::read_dir(&dir) {
                names.extend(
                    rd.flatten().filter(|e| e.path().is_dir()).map(|e| e.file_name().to_string_lossy().into_owned()),
                );
            }
            let folder_path = dir.strip_prefix(&src).unwrap().to_string_lossy().replace('/', "::");
            let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
            for f in &files {
                let me = module_of(f);
                if matches!(me.as_str(), "mod" | "lib" | "main") {
                    continue;
                }
                let text = read(f);
                let mut refs = sibling_refs(shipped(&text), &names, &folder_path);
                refs.remove(&me);
                edges.insert(me, refs);
            }
            // A sub-folder's modules name their siblings through super::super;
            // its mod.rs speaks for it here.
            for name in &names {
                let m = dir.join(name).join("mod.rs");
                if m.is_file() {
                    let mut refs = BTreeSet::new();
                    for f in rust_files(&dir.join(name)) {
                        let t = read(&f);
                        refs.extend(
                            SUPER_SUPER
                                .captures_iter(shipped(&t))
                                .map(|c| c[1].to_owned())
                                .filter(|n| names.contains(n)),
                        );
                    }
                    refs.remove(name);
                    edges.entry(name.clone()).or_default().extend(refs);
                }
            }
            if let Some(cycle) = find_cycle(&edges) {
                panic!("module cycle in {}: {}", rel(&dir), cycle.join(" -> "));
            }
        }
    }
}

fn find_cycle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        n: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = stack.iter().position(|s| s == n) {
            let mut c = stack[i..].to_vec();
            c.push(n.to_owned());
            return Some(c);
        }
        if done.contains(n) {
            return None;
        }
        stack.push(n.to_owned());
        for m in edges.get(n).into_iter().flatten() {
            if let Some(c) = visit(m, edges, stack, done) {
                return Some(c);
            }
        }
        stack.pop();
        done.insert(n.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    edges.keys().find_map(|n| visit(n, edges, &mut Vec::new(), &mut done))
}

#[test]
fn files_stay_small() {
    const LIMIT: usize = 600;
    let mut roots: Vec<PathBuf> = ["crates", "tests", "fuzz/fuzz_targets"].iter().map(|d| repo().join(d)).collect();
    roots.retain(|r| r.is_dir());
    for f in roots.iter().flat_map(|r| rust_files(r)) {
        let text = read(&f);
        let lines = text.lines().count();
        let table = text.lines().take(12).any(|l| l.contains("tidy: table"));
        assert!(
            lines <= LIMIT || table,
            "{} has {lines} lines (limit {LIMIT}): split it by concern, or mark a file that repeats one pattern \
             with `tidy: table` in its first lines",
            rel(&f)
        );
    }
}

#[test]
fn findings_name_catalogue_codes() {
    let dir = repo().join("crates/core/src/checks");
    for f in rust_files(&dir) {
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        if matches!(name.as_str(), "catalogue.rs" | "finding.rs" | "fixture.rs") {
            continue;
        }
        let text = read(&f);
        let code = shipped(&text);
        assert!(!code.contains("Finding::new(\""), "{}: a code is written as a string", rel(&f));
        assert!(!code.contains("Severity::"), "{}: a severity is written at a call site", rel(&f));
    }
}

// ---------------------------------------------------------------- editors

/// The TypeScript mirror of the command names and progress tokens.
fn typescript_mirror() -> String {
    use smaqit_ls::lsp::commands as c;
    let mut s = String::from("export const Commands = {\n");
    for name in c::COMMANDS {
        let key = name.trim_start_matches("smaqit.");
        s.push_str(&format!("  {key}: '{name}',\n"));
    }
    s.push_str("} as const;\n\n");
    s.push_str(&format!(
        "export const Progress = {{\n  /** A deploy's token when the client gives none. */\n  deployPrefix: '{}',\n  index: '{}',\n}} as const;\n",
        c::DEPLOY_PROGRESS_PREFIX,
        c::INDEX_PROGRESS_TOKEN
    ));
    s
}

/// The Lua mirror: `editors/nvim/lua/smaqit/protocol.lua`, all generated.
fn lua_mirror() -> String {
    use smaqit_ls::lsp::commands as c;
    let mut s = String::from(
        "-- Generated by tests/tidy.rs from crates/smaqit-ls/src/lsp/commands.rs: do not edit.\n\
         -- The smaqit-ls editor contract (docs/protocol.md).\nlocal M = {}\n\nM.commands = {\n",
    );
    for name in c::COMMANDS {
        let key = snake(name.trim_start_matches("smaqit."));
        s.push_str(&format!("  {key} = '{name}',\n"));
    }
    s.push_str("}\n\nM.progress = {\n");
    s.push_str(&format!(
        "  deploy_prefix = '{}',\n  index = '{}',\n",
        c::DEPLOY_PROGRESS_PREFIX,
        c::INDEX_PROGRESS_TOKEN
    ));
    s.push_str("}\n\nreturn M\n");
    s
}

fn snake(camel: &str) -> String {
    let mut out = String::new();
    for ch in camel.chars() {
        if ch.is_ascii_uppercase() {
            out.push('_');
            out.push(ch.to_ascii_lowercase());
        } else {
            out.push(ch);
        }
    }
    out
}

const BEGIN: &str = "// BEGIN GENERATED by tests/tidy.rs from crates/smaqit-ls/src/lsp/commands.rs: do not edit.\n";
const END: &str = "// END GENERATED\n";

/// Makes `path` hold `want` (or its generated block), failing the test if it
/// did not: the new file is written, ready to commit.
fn ensure(path: &Path, current: &str, want: &str) {
    if current != want {
        std::fs::write(path, want).expect("write the mirror");
        panic!("{} was out of date with the server's commands; it was regenerated: commit it", rel(path));
    }
}

#[test]
fn editor_contract_matches_the_server() {
    use smaqit_ls::lsp::commands as c;
    let doc = read(&repo().join("docs/protocol.md"));
    for name in c::COMMANDS {
        assert!(doc.contains(&format!("### `{name}`")), "docs/protocol.md has no section `### `{name}``");
    }
    for token in [c::DEPLOY_PROGRESS_PREFIX, c::INDEX_PROGRESS_TOKEN] {
        assert!(doc.contains(token), "docs/protocol.md does not name the progress token `{token}`");
    }
    // The Rust definitions and the document move together: a change to
    // commands.rs fails here until protocol.md's hash line is updated.
    let source = read(&repo().join("crates/smaqit-ls/src/lsp/commands.rs"));
    let hash = fnv(&source);
    let line = format!("<!-- commands.rs hash: {hash:016x} -->");
    assert!(
        doc.contains(&line),
        "crates/smaqit-ls/src/lsp/commands.rs changed: review docs/protocol.md against it, then set its hash line to {line}"
    );

    let ts_path = repo().join("editors/vscode/src/protocol.ts");
    let ts = read(&ts_path);
    let (Some(b), Some(e)) = (ts.find(BEGIN), ts.find(END)) else {
        panic!("{} has no generated block ({}…{})", rel(&ts_path), BEGIN.trim(), END.trim())
    };
    let want = format!("{}{BEGIN}{}{}", &ts[..b], typescript_mirror(), &ts[e..]);
    ensure(&ts_path, &ts, &want);

    let lua_path = repo().join("editors/nvim/lua/smaqit/protocol.lua");
    let lua = std::fs::read_to_string(&lua_path).unwrap_or_default();
    ensure(&lua_path, &lua, &lua_mirror());

    // Each argument and result type has a TypeScript interface (its doc
    // comment names the Rust struct) with exactly the same fields.
    for (name, fields) in rust_structs(&source) {
        let Some(ts_fields) = ts_interface(&ts, &name) else {
            panic!("editors/vscode/src/protocol.ts has no interface documented as `{name}` (commands.rs)")
        };
        assert_eq!(ts_fields, fields, "protocol.ts's interface for `{name}` differs from commands.rs");
    }

    // No editor source spells a command name outside its mirror.
    let names: Vec<&str> = c::COMMANDS.to_vec();
    let mut sources: Vec<PathBuf> = Vec::new();
    for (dir, ext) in [("editors/vscode/src", "ts"), ("editors/nvim/lua", "lua"), ("editors/nvim/plugin", "lua")] {
        let mut stack = vec![repo().join(dir)];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == ext) && p != ts_path && p != lua_path {
                    sources.push(p);
                }
            }
        }
    }
    for p in sources {
        let text = read(&p);
        for n in &names {
            for quote in ['\'', '"', '`'] {
                assert!(
                    !text.contains(&format!("{quote}{n}{quote}")),
                    "{} spells the command {n}: use the protocol mirror",
                    rel(&p)
                );
            }
        }
    }
}

/// FNV-1a: a stable hash (std's is not stable across releases).
fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// The serialised field names of each `pub struct` in commands.rs.
fn rust_structs(source: &str) -> Vec<(String, BTreeSet<String>)> {
    static STRUCT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?s)pub struct (\w+) \{(.*?)\n\}").unwrap());
    static FIELD: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?m)^\s+pub (\w+):").unwrap());
    STRUCT
        .captures_iter(source)
        .map(|c| {
            let camel =
                source[..c.get(0).unwrap().start()].rsplit("pub struct").next().unwrap_or("").contains("camelCase");
            let fields = FIELD.captures_iter(&c[2]).map(|f| if camel { camel_case(&f[1]) } else { f[1].to_owned() });
            (c[1].to_owned(), fields.collect())
        })
        .collect()
}

fn camel_case(snake: &str) -> String {
    let mut out = String::new();
    let mut up = false;
    for ch in snake.chars() {
        match ch {
            '_' => up = true,
            c if up => {
                out.extend(c.to_uppercase());
                up = false
            }
            c => out.push(c),
        }
    }
    out
}

/// The fields of the interface whose doc comment names `rust` (`` `Rust` ``).
fn ts_interface(ts: &str, rust: &str) -> Option<BTreeSet<String>> {
    static IFACE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?s)/\*\*\s*`(\w+)`(?:[^*]|\*[^/])*\*/\s*export interface \w+ \{(.*?)\n\}").unwrap()
    });
    static FIELD: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?m)^  (\w+)\??:").unwrap());
    IFACE
        .captures_iter(ts)
        .find(|c| &c[1] == rust)
        .map(|c| FIELD.captures_iter(&c[2]).map(|f| f[1].to_owned()).collect())
}
