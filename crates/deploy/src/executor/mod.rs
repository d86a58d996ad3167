//! `smaqit-ls exec`: the trusted executor, a process of its own. It reads a
//! deploy request on stdin, resolves `${secrets.X}` through the configured
//! provider, renders the environment's files into a private folder (0700),
//! runs the steps (argv, own process group, timeout, retries), checks health,
//! and writes scrubbed JSON-line events and one result on stdout. Resolved
//! values exist only here and in the steps' environment.

mod health;
mod providers;
pub mod scrub;

use std::io::{BufRead, BufReader, Write};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::protocol::{Attempt, Event, Outcome, Request, Status};
use scrub::Scrubber;
use smaqit_core::project::environments::Environment;

/// Runs the executor on stdin/stdout; returns the process exit code.
pub fn main() -> i32 {
    // A panic message could quote anything it was handed: say only that
    // the executor failed. Unwinding still removes the private folder.
    std::panic::set_hook(Box::new(|_| eprintln!("smaqit-ls exec: internal error; the deploy was abandoned")));
    let stdin = std::io::stdin();
    let mut first = String::new();
    if stdin.lock().read_line(&mut first).is_err() {
        return 2;
    }
    let out = Emitter::stdout();
    let Ok(Request::Deploy { root, environment_name, environment, secrets }) = serde_json::from_str::<Request>(&first)
    else {
        out.emit(&Event::Result(Outcome {
            message: "executor: the first line was not a deploy request".into(),
            ..Default::default()
        }));
        return 2;
    };
    let cancel = Arc::new(AtomicBool::new(false));
    let running = Arc::new(AtomicI32::new(0));
    {
        let (cancel, running) = (cancel.clone(), running.clone());
        std::thread::spawn(move || {
            // A cancel line, or stdin closing (the server went away), stops the deploy.
            for line in std::io::stdin().lock().lines() {
                match line.ok().and_then(|l| serde_json::from_str::<Request>(&l).ok()) {
                    Some(Request::Cancel) => break,
                    _ => continue,
                }
            }
            cancel.store(true, Ordering::SeqCst);
            kill_group(running.load(Ordering::SeqCst));
        });
    }
    let outcome = deploy(Path::new(&root), &environment_name, &environment, &secrets, &cancel, &running, &out);
    let code = i32::from(outcome.status != Status::Success);
    out.emit(&Event::Result(outcome));
    code
}

/// Writes events as JSON lines, one at a time.
#[derive(Clone)]
pub struct Emitter {
    sink: Arc<Mutex<Box<dyn Write + Send>>>,
}

impl Emitter {
    fn stdout() -> Emitter {
        Emitter { sink: Arc::new(Mutex::new(Box::new(std::io::stdout()))) }
    }

    fn emit(&self, e: &Event) {
        let mut sink = self.sink.lock().unwrap_or_else(|p| p.into_inner());
        if let Ok(line) = serde_json::to_string(e) {
            let _ = writeln!(sink, "{line}");
            let _ = sink.flush();
        }
    }

    fn progress(&self, percent: u32, message: impl Into<String>) {
        self.emit(&Event::Progress { percent, message: message.into() });
    }
}

/// Private folders are named `<PRIVATE_PREFIX><executor pid>-…`, so that the
/// caller can remove what a killed executor left behind.
pub const PRIVATE_PREFIX: &str = "smaqit-deploy-";

/// Removes the private folders of the executor with process id `pid`.
pub fn remove_private_dirs(pid: u32) {
    let prefix = format!("{PRIVATE_PREFIX}{pid}-");
    if let Ok(rd) = std::fs::read_dir(std::env::temp_dir()) {
        for e in rd.flatten() {
            if e.file_name().to_string_lossy().starts_with(&prefix) {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
}

/// The private folder the files are rendered into; removed on every exit
/// path (success, failure, cancel, panic unwinding).
struct PrivateDir(PathBuf);

impl PrivateDir {
    fn create() -> std::io::Result<PrivateDir> {
        use std::os::unix::fs::DirBuilderExt;
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        let dir = std::env::temp_dir().join(format!("{}{}-{nanos}", PRIVATE_PREFIX, std::process::id()));
        std::fs::DirBuilder::new().mode(0o700).create(&dir)?;
        Ok(PrivateDir(dir))
    }
}

impl Drop for PrivateDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn failed(message: String) -> Outcome {
    Outcome { status: Status::Failed, message, ..Default::default() }
}

fn deploy(
    root: &Path,
    name: &str,
    env: &Environment,
    secret_names: &[String],
    cancel: &AtomicBool,
    running: &AtomicI32,
    out: &Emitter,
) -> Outcome {
    out.progress(2, format!("resolving {} secret reference(s)", secret_names.len()));
    let values = match providers::resolve(&env.secrets, secret_names, root) {
        Ok(v) => v,
        Err(e) => return failed(e),
    };
    let scrub = Scrubber::new(&values.iter().map(|(_, v)| v.clone()).collect::<Vec<_>>());
    let dir = match PrivateDir::create() {
        Ok(d) => d,
        Err(e) => return failed(format!("cannot create the private folder: {e}")),
    };
    out.progress(5, format!("rendering {} file(s)", env.files.len()));
    if let Err(e) = render(root, &env.files, &values, &dir.0) {
        return failed(scrub.scrub(&e));
    }
    // Fault injection for tests (debug builds only): a panic whose message
    // holds every resolved value, while the rendered files are on disk.
    #[cfg(debug_assertions)]
    if std::env::var_os("SMAQIT_EXEC_FAULT").is_some_and(|v| v == "panic-after-render") {
        panic!("injected fault; values {values:?}");
    }
    let port = free_port();
    let fill = |s: &str| {
        s.replace("{port}", &port.to_string())
            .replace("{root}", &root.to_string_lossy())
            .replace("{rendered}", &dir.0.to_string_lossy())
    };
    let endpoint = env.endpoint.as_deref().map(fill);
    let attempts_total = env.retries + 1;
    let mut attempts = Vec::new();
    let mut health = Vec::new();
    for n in 1..=attempts_total {
        let base = 10 + (n - 1) * 80 / attempts_total;
        let span = 80 / attempts_total;
        let mut attempt = Attempt { number: n, ..Default::default() };
        out.progress(base, format!("attempt {n} of {attempts_total}"));
        for (i, step) in env.steps.iter().enumerate() {
            if cancel.load(Ordering::SeqCst) {
                return cancelled(attempts, attempt);
            }
            let argv: Vec<String> = step.iter().map(|a| fill(a)).collect();
            out.progress(
                base + span * i as u32 / (env.steps.len() as u32 + 1),
                format!("step {}: {}", i + 1, scrub.scrub(&argv.join(" "))),
            );
            let workdir = root.join(&env.workdir);
            let result = run_step(
                &argv,
                &workdir,
                &values,
                &dir.0,
                port,
                env.timeout_secs,
                cancel,
                running,
                &scrub,
                out,
                &mut attempt.log,
            );
            if cancel.load(Ordering::SeqCst) {
                return cancelled(attempts, attempt);
            }
            if let Err(why) = result {
                attempt.failure = Some(format!("step {} ({}): {why}", i + 1, scrub.scrub(&argv[0])));
                break;
            }
        }
        if attempt.failure.is_none() {
            out.progress(base + span * 3 / 4, "checking health");
            health = env
                .health
                .iter()
                .map(|h| {
                    let mut h = h.clone();
                    h.url = h.url.as_deref().map(fill);
                    h.tcp = h.tcp.as_deref().map(fill);
                    let r = health::run(&h, cancel, &scrub);
                    attempt.log.push(format!("health: {} — {}", r.check, r.detail));
                    out.emit(&Event::Health(r.clone()));
                    r
                })
                .collect();
            if cancel.load(Ordering::SeqCst) {
                return cancelled(attempts, attempt);
            }
            if let Some(bad) = health.iter().find(|h| !h.ok) {
                attempt.failure = Some(format!("health check {}: {}", bad.check, bad.detail));
            }
        }
        attempt.ok = attempt.failure.is_none();
        out.emit(&Event::Attempt(attempt.clone()));
        let ok = attempt.ok;
        attempts.push(attempt);
        if ok {
            out.progress(100, "healthy");
            return Outcome {
                status: Status::Success,
                endpoint,
                message: format!("deployed `{name}` in {n} attempt(s)"),
                attempts,
                health,
            };
        }
        if n < attempts_total {
            std::thread::sleep(Duration::from_millis(500));
        }
    }
    let last = attempts.last().and_then(|a| a.failure.clone()).unwrap_or_default();
    Outcome {
        status: Status::Failed,
        endpoint,
        message: format!("`{name}` failed after {attempts_total} attempt(s): {last}"),
        attempts,
        health,
    }
}

fn cancelled(mut attempts: Vec<Attempt>, mut current: Attempt) -> Outcome {
    current.failure = Some("cancelled".into());
    attempts.push(current);
    Outcome { status: Status::Cancelled, message: "deploy cancelled".into(), attempts, ..Default::default() }
}

/// Copies each file into `dir` (same relative path) with references resolved.
fn render(root: &Path, files: &[String], values: &[(String, String)], dir: &Path) -> Result<(), String> {
    for f in files {
        let rel = Path::new(f);
        if rel.is_absolute() || rel.components().any(|c| matches!(c, std::path::Component::ParentDir)) {
            return Err(format!("file `{f}` must be a path inside the project"));
        }
        let text = std::fs::read_to_string(root.join(rel)).map_err(|e| format!("cannot read `{f}`: {e}"))?;
        let mut rendered = text;
        for (name, value) in values {
            rendered = rendered.replace(&format!("${{secrets.{name}}}"), value);
        }
        let target = dir.join(rel);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("cannot create a folder for `{f}`: {e}"))?;
        }
        write_private(&target, &rendered).map_err(|e| format!("cannot write the rendered `{f}`: {e}"))?;
    }
    Ok(())
}

fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    f.write_all(text.as_bytes())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map_or(0, |a| a.port())
}

fn kill_group(pgid: i32) {
    if pgid > 0 {
        // SAFETY: kill(2) on a process group we created; no memory involved.
        unsafe {
            libc::kill(-pgid, libc::SIGKILL);
        }
    }
}

/// Runs one step in its own process group, forwarding scrubbed output.
#[allow(clippy::too_many_arguments)]
fn run_step(
    argv: &[String],
    workdir: &Path,
    values: &[(String, String)],
    rendered: &Path,
    port: u16,
    timeout_secs: u64,
    cancel: &AtomicBool,
    running: &AtomicI32,
    scrub: &Scrubber,
    out: &Emitter,
    log: &mut Vec<String>,
) -> Result<(), String> {
    let mut cmd = Command::new(&argv[0]);
    cmd.args(&argv[1..])
        .current_dir(workdir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env("SMAQIT_RENDERED", rendered)
        .env("SMAQIT_PORT", port.to_string())
        .process_group(0);
    // If the executor dies (killed, crashed), the step dies with it rather
    // than run on with secrets in its environment. What a step daemonizes
    // (the deployed service) is not its child and keeps running.
    // SAFETY: prctl is async-signal-safe; nothing else runs between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    for (name, value) in values {
        cmd.env(name, value);
    }
    let mut child: Child = cmd.spawn().map_err(|e| format!("cannot start: {e}"))?;
    running.store(child.id() as i32, Ordering::SeqCst);
    let (tx, rx) = mpsc::channel::<String>();
    for pipe in [
        child.stdout.take().map(|p| Box::new(p) as Box<dyn std::io::Read + Send>),
        child.stderr.take().map(|p| Box::new(p) as Box<dyn std::io::Read + Send>),
    ]
    .into_iter()
    .flatten()
    {
        let tx = tx.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
    }
    drop(tx);
    let deadline = Instant::now() + Duration::from_secs(timeout_secs);
    // Each line is held back until the next arrives, so that a value split
    // across the two is masked in both.
    let mut held: Option<String> = None;
    let mut forward = |line: Option<String>| {
        let mut next = line;
        if let (Some(prev), Some(n)) = (held.as_mut(), next.as_mut()) {
            scrub.split_pair(prev, n);
        }
        if let Some(prev) = std::mem::replace(&mut held, next.take()) {
            let clean = scrub.scrub(&prev);
            out.emit(&Event::Log { line: clean.clone() });
            log.push(clean);
        }
    };
    let status = loop {
        while let Ok(line) = rx.recv_timeout(Duration::from_millis(20)) {
            forward(Some(line));
        }
        match child.try_wait() {
            Ok(Some(status)) => break Ok(status),
            Ok(None) => {}
            Err(e) => break Err(e.to_string()),
        }
        if cancel.load(Ordering::SeqCst) {
            kill_group(child.id() as i32);
            let _ = child.wait();
            break Err("cancelled".into());
        }
        if Instant::now() >= deadline {
            kill_group(child.id() as i32);
            let _ = child.wait();
            break Err(format!("timed out after {timeout_secs} s"));
        }
    };
    running.store(0, Ordering::SeqCst);
    // Output still buffered; a daemon the step started may keep the pipe
    // open, so do not wait for the end of it.
    let drain_until = Instant::now() + Duration::from_millis(200);
    while let Ok(line) = rx.recv_timeout(drain_until.saturating_duration_since(Instant::now())) {
        forward(Some(line));
    }
    forward(None);
    let status = status?;
    if status.success() { Ok(()) } else { Err(format!("exited with {status}")) }
}

/// For the LSP's health-check descriptions shown before a deploy.
pub fn describe_health(env: &Environment) -> Vec<String> {
    env.health.iter().map(|h| h.describe()).collect()
}
