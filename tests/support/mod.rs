//! A small LSP client for end-to-end tests: spawns the real server binary
//! and speaks JSON-RPC over its stdin/stdout.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

pub const TIMEOUT: Duration = Duration::from_secs(30);

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_smaqit-ls")
}

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("repository root")
}

pub fn fixture(name: &str) -> PathBuf {
    repo_root().join("fixtures").join(name)
}

/// Copies a fixture project into a fresh temporary folder.
pub fn temp_copy(name: &str) -> PathBuf {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dest = std::env::temp_dir().join(format!("smaqit-e2e-{}-{n}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dest);
    copy_dir(&fixture(name), &dest);
    dest
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// A copy of fixtures/clean for a probe spec `specs/business/probe.md`
/// (BUS-PROBE), whose criteria its Coverage spec maps: tests of positions
/// and edits see only the findings they are about.
pub fn probe_project() -> PathBuf {
    let dir = temp_copy("clean");
    let cov = dir.join("specs/coverage/links-coverage.md");
    let mut text = std::fs::read_to_string(&cov).unwrap();
    text.push_str("\nThe probe's criteria BUS-PROBE-001 through 009 are covered by the smoke suite.\n");
    std::fs::write(&cov, text).unwrap();
    dir
}

pub fn uri(path: &Path) -> String {
    let mut s = String::from("file://");
    for b in path.to_string_lossy().bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => s.push(b as char),
            _ => s.push_str(&format!("%{b:02X}")),
        }
    }
    s
}

pub struct Lsp {
    child: Child,
    stdin: ChildStdin,
    /// Message bodies, parsed by the receiving side (see `count`).
    rx: Receiver<Vec<u8>>,
    next_id: i64,
    /// Every message received from the server, in order.
    pub received: Vec<Value>,
    /// Notifications not yet consumed by a wait.
    pending: Vec<Value>,
    /// Answers to give to server → client requests, by method.
    pub config: Value,
    /// Whether to copy every message into `received` (off while counting).
    record: bool,
}

impl Lsp {
    pub fn spawn() -> Lsp {
        Lsp::spawn_with_env(&[])
    }

    pub fn spawn_with_env(env: &[(&str, &str)]) -> Lsp {
        let mut cmd = Command::new(bin());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(if std::env::var_os("SMAQIT_TEST_STDERR").is_some() { Stdio::inherit() } else { Stdio::null() })
            .spawn()
            .expect("spawn smaqit-ls");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                let mut len = None;
                loop {
                    let mut line = String::new();
                    if r.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(v) = line.strip_prefix("Content-Length: ") {
                        len = v.parse::<usize>().ok();
                    }
                }
                let Some(len) = len else { return };
                let mut buf = vec![0; len];
                if r.read_exact(&mut buf).is_err() {
                    return;
                }
                if tx.send(buf).is_err() {
                    return;
                }
            }
        });
        Lsp { child, stdin, rx, next_id: 1, received: Vec::new(), pending: Vec::new(), config: json!({}), record: true }
    }

    /// Spawns and initializes with `root` as the workspace folder.
    pub fn start(root: &Path, capabilities: Value, init_options: Value) -> (Lsp, Value) {
        Lsp::start_with_env(root, capabilities, init_options, &[])
    }

    pub fn start_with_env(root: &Path, capabilities: Value, init_options: Value, env: &[(&str, &str)]) -> (Lsp, Value) {
        let mut lsp = Lsp::spawn_with_env(env);
        let result = lsp.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": uri(root),
                "workspaceFolders": [{ "uri": uri(root), "name": "ws" }],
                "capabilities": capabilities,
                "initializationOptions": init_options,
            }),
        );
        lsp.notify("initialized", json!({}));
        (lsp, result)
    }

    pub fn send(&mut self, msg: &Value) {
        let body = serde_json::to_string(msg).unwrap();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{}", body.len(), body).unwrap();
        self.stdin.flush().unwrap();
    }

    /// Writes raw bytes to the server's stdin (hostile framing).
    pub fn send_bytes(&mut self, raw: &[u8]) {
        self.stdin.write_all(raw).unwrap();
        self.stdin.flush().unwrap();
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request and waits for its response (the whole message).
    pub fn request_raw(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let msg = self.recv_until(deadline).unwrap_or_else(|| panic!("no response to {method}"));
            if msg.get("id") == Some(&json!(id)) && msg.get("method").is_none() {
                return msg;
            }
            self.pending.push(msg);
        }
    }

    /// Sends a request and waits for its response; `hook` sees every other
    /// message on the way and returns messages to send in reply.
    pub fn request_with(&mut self, method: &str, params: Value, hook: &mut dyn FnMut(&Value) -> Vec<Value>) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let msg = self.recv_until(deadline).unwrap_or_else(|| panic!("no response to {method}"));
            if msg.get("id") == Some(&json!(id)) && msg.get("method").is_none() {
                return msg;
            }
            for reply in hook(&msg) {
                self.send(&reply);
            }
            self.pending.push(msg);
        }
    }

    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let msg = self.request_raw(method, params);
        assert!(msg.get("error").is_none(), "{method} failed: {msg}");
        msg["result"].clone()
    }

    /// Next message, answering server → client requests on the way.
    fn recv_until(&mut self, deadline: Instant) -> Option<Value> {
        let body = self.recv_body(deadline)?;
        Some(self.take(serde_json::from_slice(&body).expect("the server writes JSON")))
    }

    fn recv_body(&mut self, deadline: Instant) -> Option<Vec<u8>> {
        let left = deadline.saturating_duration_since(Instant::now());
        self.rx.recv_timeout(left).ok()
    }

    /// Records a message and answers it if it is a request.
    fn take(&mut self, msg: Value) -> Value {
        if self.record {
            self.received.push(msg.clone());
        }
        if let (Some(id), Some(method)) = (msg.get("id"), msg.get("method").and_then(|m| m.as_str())) {
            let result = match method {
                "workspace/configuration" => json!([self.config.clone()]),
                "workspace/applyEdit" => json!({ "applied": true }),
                _ => Value::Null,
            };
            let id = id.clone();
            self.send(&json!({ "jsonrpc": "2.0", "id": id, "result": result }));
        }
        msg
    }

    /// Waits for a notification `method` whose params satisfy `pred`.
    pub fn wait_for(&mut self, method: &str, pred: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.pending.iter().position(|m| m["method"] == method && pred(&m["params"])) {
            return self.pending.remove(i)["params"].clone();
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let msg = self.recv_until(deadline).unwrap_or_else(|| panic!("timed out waiting for {method}"));
            if msg["method"] == method && pred(&msg["params"]) {
                return msg["params"].clone();
            }
            self.pending.push(msg);
        }
    }

    /// Reads messages until `n` notifications `method` whose `params.uri`
    /// satisfies `pred` have arrived, forgetting them. For measurements: of
    /// a notification only the method and URI are read, not the whole built
    /// into a `Value` (that cost the client as much CPU as the server spent).
    pub fn count(&mut self, method: &str, n: usize, pred: impl Fn(&str) -> bool) {
        #[derive(serde::Deserialize)]
        struct Params<'a> {
            #[serde(borrow)]
            uri: Option<std::borrow::Cow<'a, str>>,
        }
        #[derive(serde::Deserialize)]
        struct Head<'a> {
            #[serde(borrow)]
            method: Option<std::borrow::Cow<'a, str>>,
            id: Option<serde::de::IgnoredAny>,
            #[serde(borrow)]
            params: Option<Params<'a>>,
        }
        let deadline = Instant::now() + TIMEOUT;
        let of = |m: &Value| m["method"] == method && m["params"]["uri"].as_str().is_some_and(&pred);
        let mut seen = self.pending.iter().filter(|m| of(m)).count();
        self.pending.retain(|m| !of(m));
        while seen < n {
            let body = self.recv_body(deadline).unwrap_or_else(|| panic!("timed out counting {method}"));
            let head: Head = serde_json::from_slice(&body).expect("the server writes JSON");
            if head.id.is_some() && head.method.is_some() {
                // A request from the server: answered as usual.
                self.record = false;
                self.take(serde_json::from_slice(&body).expect("JSON"));
                self.record = true;
            } else if head.method.as_deref() == Some(method)
                && head.params.and_then(|p| p.uri).is_some_and(|u| pred(&u))
            {
                seen += 1;
            }
        }
        self.received.clear();
    }

    /// Reads (and keeps) messages for `d`, answering the server's requests.
    pub fn pump(&mut self, d: Duration) {
        let until = Instant::now() + d;
        while let Some(m) = self.recv_until(until) {
            self.pending.push(m);
        }
    }

    /// Reads and forgets everything until the server is quiet for `quiet`.
    pub fn drain(&mut self, quiet: Duration) {
        self.pending.clear();
        while let Some(m) = self.recv_until(Instant::now() + quiet) {
            let _ = m;
        }
        self.received.clear();
    }

    /// Waits for diagnostics of `uri` that satisfy `pred`.
    pub fn diagnostics(&mut self, uri: &str, pred: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        let p = self.wait_for("textDocument/publishDiagnostics", |p| {
            p["uri"] == uri && pred(p["diagnostics"].as_array().map(|a| a.as_slice()).unwrap_or(&[]))
        });
        p["diagnostics"].as_array().cloned().unwrap_or_default()
    }

    /// Opens `path` with its text on disk, as a [`Doc`] to edit.
    pub fn open_doc(&mut self, path: &Path, version: i32) -> Doc {
        let (uri, text) = self.open(path, version);
        Doc { uri, text, version }
    }

    /// Opens `path` with `text` (in `language`), as a [`Doc`] to edit.
    pub fn open_text(&mut self, path: &Path, text: &str, version: i32, language: &str) -> Doc {
        let u = uri(path);
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": u, "languageId": language, "version": version, "text": text } }),
        );
        Doc { uri: u, text: text.to_owned(), version }
    }

    /// `textDocument/codeAction` on `range` (UTF-16 positions), sending back
    /// `diagnostics`, optionally limited to the kinds in `only`.
    pub fn code_actions(&mut self, uri: &str, range: Value, diagnostics: &[Value], only: &[&str]) -> Vec<Value> {
        let mut context = json!({ "diagnostics": diagnostics });
        if !only.is_empty() {
            context["only"] = json!(only);
        }
        let r = self.request(
            "textDocument/codeAction",
            json!({ "textDocument": { "uri": uri }, "range": range, "context": context }),
        );
        r.as_array().cloned().unwrap_or_default()
    }

    pub fn open(&mut self, path: &Path, version: i32) -> (String, String) {
        let text = std::fs::read_to_string(path).unwrap();
        let u = uri(path);
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": u, "languageId": "markdown", "version": version, "text": text } }),
        );
        (u, text)
    }

    /// shutdown + exit; returns the exit status code.
    pub fn shutdown(mut self) -> Option<i32> {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + TIMEOUT;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        None
    }

    /// The server's peak resident memory so far, in MB (Linux `VmHWM`).
    pub fn peak_rss_mb(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .map_or(0, |kb| kb / 1024)
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Kills the server outright (SIGKILL), as a crash or an OOM kill would.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    pub fn is_alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Drop for Lsp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Byte offset of a UTF-16 LSP position (independent of the server's code).
pub fn offset_utf16(text: &str, line: u64, character: u64) -> usize {
    let mut start = 0;
    for _ in 0..line {
        start = text[start..].find('\n').map(|i| start + i + 1).unwrap_or(text.len());
    }
    let line_text = &text[start..text[start..].find('\n').map(|i| start + i).unwrap_or(text.len())];
    let mut units = 0u64;
    for (i, c) in line_text.char_indices() {
        if units >= character {
            return start + i;
        }
        units += c.len_utf16() as u64;
    }
    start + line_text.len()
}

/// Applies LSP TextEdits (UTF-16 positions) to `text`.
pub fn apply_edits(text: &str, edits: &[Value]) -> String {
    let mut spans: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            let r = &e["range"];
            let s = offset_utf16(text, r["start"]["line"].as_u64().unwrap(), r["start"]["character"].as_u64().unwrap());
            let en = offset_utf16(text, r["end"]["line"].as_u64().unwrap(), r["end"]["character"].as_u64().unwrap());
            (s, en, e["newText"].as_str().unwrap().to_owned())
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_owned();
    for (s, e, t) in spans {
        out.replace_range(s..e, &t);
    }
    out
}

/// UTF-16 position of a byte offset.
pub fn position_utf16(text: &str, offset: usize) -> Value {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let character: usize = text[line_start..offset].encode_utf16().count();
    json!({ "line": line, "character": character })
}

pub fn codes(diags: &[Value]) -> Vec<String> {
    diags.iter().filter_map(|d| d["code"].as_str().map(str::to_owned)).collect()
}

/// The client's copy of an open document: each edit updates the text,
/// bumps the version and sends the `didChange` with UTF-16 positions.
pub struct Doc {
    pub uri: String,
    pub text: String,
    pub version: i32,
}

impl Doc {
    /// Replaces the bytes `range` with `new`.
    pub fn edit(&mut self, lsp: &mut Lsp, range: std::ops::Range<usize>, new: &str) {
        let (start, end) = (position_utf16(&self.text, range.start), position_utf16(&self.text, range.end));
        self.version += 1;
        lsp.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": self.uri, "version": self.version },
                "contentChanges": [{ "range": { "start": start, "end": end }, "text": new }]
            }),
        );
        self.text.replace_range(range, new);
    }

    pub fn insert(&mut self, lsp: &mut Lsp, at: usize, new: &str) {
        self.edit(lsp, at..at, new);
    }

    pub fn append(&mut self, lsp: &mut Lsp, new: &str) {
        let end = self.text.len();
        self.edit(lsp, end..end, new);
    }

    /// Replaces the first `needle` with `new`.
    pub fn replace(&mut self, lsp: &mut Lsp, needle: &str, new: &str) {
        let at = self.text.find(needle).unwrap_or_else(|| panic!("{needle:?} not in the document"));
        self.edit(lsp, at..at + needle.len(), new);
    }

    /// Sends the whole text (full sync).
    pub fn set(&mut self, lsp: &mut Lsp, text: &str) {
        self.version += 1;
        lsp.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": self.uri, "version": self.version }, "contentChanges": [{ "text": text }] }),
        );
        self.text = text.to_owned();
    }

    /// The UTF-16 position of byte `offset`.
    pub fn pos(&self, offset: usize) -> Value {
        position_utf16(&self.text, offset)
    }

    /// The UTF-16 position just inside the `nth` occurrence of `needle`.
    pub fn pos_of(&self, needle: &str, nth: usize) -> Value {
        let at = self.text.match_indices(needle).nth(nth).unwrap_or_else(|| panic!("{needle} #{nth}")).0;
        position_utf16(&self.text, at + 1)
    }

    /// An empty range at the `nth` occurrence of `needle`.
    pub fn at(&self, needle: &str, nth: usize) -> Value {
        let p = self.pos_of(needle, nth);
        json!({ "start": p, "end": p })
    }
}
pub mod deploy;
