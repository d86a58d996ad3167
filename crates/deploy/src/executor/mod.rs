//! `smaqit-ls exec`: the trusted executor, a process of its own. It reads a
//! deploy request on stdin, resolves `${secrets.X}` through the configured
//! provider, renders the environment's files into a private folder (0700),
//! runs the steps (argv, own process groups, timeout, retries, rollback),
//! checks health, and writes scrubbed JSON-line events and one result on
//! stdout. Resolved values exist only here and in the steps' environment;
//! every line that leaves is scrubbed, and its stderr is discarded by the
//! caller.

mod health;
mod private_dir;
mod providers;
mod render;
pub mod scrub;

mod steps;

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use smaqit_core::project::environments::Environment;

use crate::protocol::{Attempt, Event, HealthResult, Outcome, Request, Status};
use crate::signals;
pub use private_dir::{PRIVATE_PREFIX, remove_private_dirs};
use scrub::{Scrubber, Seen};
use steps::{Step, StepError};

/// The environment variables the `env` provider reads: never passed on to
/// the steps, always scrubbed.
pub const PROVIDER_ENV_PREFIX: &str = "SMAQIT_SECRET_";

/// The private folder of the deploy in progress, for the signal thread.
static CURRENT_DIR: Mutex<Option<PathBuf>> = Mutex::new(None);

/// Runs the executor on stdin/stdout; returns the process exit code.
pub fn main() -> i32 {
    // A panic message could quote anything it was handed: say only that
    // the executor failed. Unwinding still removes the private folder.
    std::panic::set_hook(Box::new(|_| eprintln!("smaqit-ls exec: internal error; the deploy was abandoned")));
    let out = Emitter::stdout();
    let cancel = Arc::new(AtomicBool::new(false));
    {
        let (out, cancel) = (out.clone(), cancel.clone());
        // Blocked here, before any other thread starts.
        signals::handle(move |sig| {
            cancel.store(true, Ordering::SeqCst);
            signals::kill_running();
            if let Some(dir) = CURRENT_DIR.lock().unwrap_or_else(|p| p.into_inner()).take() {
                let _ = std::fs::remove_dir_all(dir);
            }
            out.emit(&Event::Result(Outcome {
                status: Status::Cancelled,
                message: format!("stopped by signal {sig}; nothing rendered is left behind"),
                ..Default::default()
            }));
            std::process::exit(128 + sig);
        });
    }
    private_dir::sweep_stale();
    let stdin = std::io::stdin();
    let mut first = String::new();
    if stdin.lock().read_line(&mut first).is_err() {
        return 2;
    }
    let Ok(Request::Deploy { root, environment_name, environment, secrets }) = serde_json::from_str::<Request>(&first)
    else {
        out.emit(&Event::Result(Outcome {
            message: "executor: the first line was not a deploy request".into(),
            ..Default::default()
        }));
        return 2;
    };
    {
        let cancel = cancel.clone();
        std::thread::spawn(move || {
            // A cancel line, or stdin closing (the caller went away), stops the deploy.
            for line in std::io::stdin().lock().lines() {
                match line.ok().and_then(|l| serde_json::from_str::<Request>(&l).ok()) {
                    Some(Request::Cancel) => break,
                    _ => continue,
                }
            }
            cancel.store(true, Ordering::SeqCst);
            signals::kill_running();
        });
    }
    let outcome = deploy(Path::new(&root), &environment_name, &environment, &secrets, &cancel, &out);
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

/// A failure before anything ran: nothing rendered, no spec changes.
fn not_started(message: String) -> Outcome {
    Outcome { status: Status::Failed, message: format!("{message} (nothing was run)"), ..Default::default() }
}

fn deploy(
    root: &Path,
    name: &str,
    env: &Environment,
    secret_names: &[String],
    cancel: &AtomicBool,
    out: &Emitter,
) -> Outcome {
    out.progress(2, format!("resolving {} secret reference(s)", secret_names.len()));
    let values = match providers::resolve(&env.secrets, secret_names, root) {
        Ok(v) => v,
        Err(e) => return not_started(e),
    };
    let mut known: Vec<String> = values.iter().map(|(_, v)| v.clone()).collect();
    known.extend(providers::provider_env_values());
    let scrub = Scrubber::new(&known, Seen::open(root));
    let agent = match health::agent(env.ca_file.as_deref().map(|f| root.join(f)).as_deref()) {
        Ok(a) => a,
        Err(e) => return not_started(scrub.scrub_raw(&e)),
    };
    let dir = match private_dir::PrivateDir::create() {
        Ok(d) => d,
        Err(e) => return not_started(format!("cannot create the private folder: {e}")),
    };
    *CURRENT_DIR.lock().unwrap_or_else(|p| p.into_inner()) = Some(dir.0.clone());
    out.progress(5, format!("rendering {} file(s)", env.files.len()));
    if let Err(e) = render::render(root, &env.files, &values, &dir.0) {
        return not_started(scrub.scrub_raw(&e));
    }
    // Fault injection for tests (debug builds only): a panic whose message
    // holds every resolved value, while the rendered files are on disk.
    #[cfg(debug_assertions)]
    if std::env::var_os("SMAQIT_EXEC_FAULT").is_some_and(|v| v == "panic-after-render") {
        panic!("injected fault; values {values:?}");
    }
    let run =
        Run { root, env, values: &values, dir: &dir.0, port: free_port(), cancel, scrub: &scrub, out, agent: &agent };
    let outcome = run.attempts(name);
    scrub.save_seen();
    *CURRENT_DIR.lock().unwrap_or_else(|p| p.into_inner()) = None;
    outcome
}

/// One deploy's attempts.
struct Run<'a> {
    root: &'a Path,
    env: &'a Environment,
    values: &'a [(String, String)],
    dir: &'a Path,
    port: u16,
    cancel: &'a AtomicBool,
    scrub: &'a Scrubber,
    out: &'a Emitter,
    agent: &'a ureq::Agent,
}

impl Run<'_> {
    fn fill(&self, s: &str) -> String {
        s.replace("{port}", &self.port.to_string())
            .replace("{root}", &self.root.to_string_lossy())
            .replace("{rendered}", &self.dir.to_string_lossy())
    }

    fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::SeqCst)
    }

    /// A step's command line for a progress message: the private folder
    /// shown as `{rendered}` (its path means nothing to the user and is
    /// gone after the run) and cut to one short line, as editors show
    /// progress in a status bar.
    fn shown(&self, argv: &[String]) -> String {
        const MAX: usize = 100;
        let line = self.scrub.scrub_raw(&argv.join(" ")).replace(&*self.dir.to_string_lossy(), "{rendered}");
        let line = line.replace(['\n', '\r', '\t'], " ");
        match line.char_indices().nth(MAX) {
            Some((at, _)) => format!("{}…", &line[..at]),
            None => line,
        }
    }

    /// Runs `steps` (numbered for messages); the first failure, if any.
    fn steps(
        &self,
        steps: &[Vec<String>],
        what: &str,
        base: u32,
        span: u32,
        log: &mut Vec<String>,
    ) -> Option<(String, bool)> {
        let workdir = self.root.join(&self.env.workdir);
        for (i, step) in steps.iter().enumerate() {
            if self.cancelled() {
                return Some(("cancelled".into(), false));
            }
            let argv: Vec<String> = step.iter().map(|a| self.fill(a)).collect();
            self.out.progress(
                base + span * i as u32 / (steps.len() as u32 + 1),
                format!("{what} {}: {}", i + 1, self.shown(&argv)),
            );
            let s = Step {
                argv: &argv,
                workdir: &workdir,
                values: self.values,
                rendered: self.dir,
                port: self.port,
                timeout_secs: self.env.timeout_secs,
            };
            let shown = self.scrub.scrub_raw(&argv[0]);
            match steps::run(&s, self.cancel, self.scrub, self.out, log) {
                Ok(()) => {}
                Err(StepError::Cancelled) => return Some(("cancelled".into(), false)),
                Err(StepError::Permanent(why)) => return Some((format!("{what} {} ({shown}): {why}", i + 1), true)),
                Err(StepError::Failed(why)) => return Some((format!("{what} {} ({shown}): {why}", i + 1), false)),
            }
        }
        None
    }

    fn health(&self, log: &mut Vec<String>) -> Vec<HealthResult> {
        self.env
            .health
            .iter()
            .map(|h| {
                let mut h = h.clone();
                h.url = h.url.as_deref().map(|u| self.fill(u));
                h.tcp = h.tcp.as_deref().map(|t| self.fill(t));
                let r = health::run(&h, self.agent, self.cancel, self.scrub);
                log.push(format!("health: {} — {}", r.check, r.detail));
                self.out.emit(&Event::Health(r.clone()));
                r
            })
            .collect()
    }

    fn attempts(&self, name: &str) -> Outcome {
        let total = self.env.retries + 1;
        let mut attempts: Vec<Attempt> = Vec::new();
        let mut health = Vec::new();
        let mut notes = Vec::new();
        for n in 1..=total {
            let base = 10 + (n - 1) * 80 / total;
            let span = 80 / total;
            let mut attempt = Attempt { number: n, ..Default::default() };
            self.out.progress(base, format!("attempt {n} of {total}"));
            let failed_step = self.steps(&self.env.steps, "step", base, span, &mut attempt.log);
            if self.cancelled() {
                self.rollback(&mut attempt, &mut notes);
                return cancelled(attempts, attempt, notes);
            }
            let mut health_failed = false;
            match failed_step {
                Some((why, permanent)) => {
                    attempt.failure = Some(why);
                    attempt.permanent = permanent;
                }
                None => {
                    self.out.progress(base + span * 3 / 4, "checking health");
                    health = self.health(&mut attempt.log);
                    if self.cancelled() {
                        self.rollback(&mut attempt, &mut notes);
                        return cancelled(attempts, attempt, notes);
                    }
                    if let Some(bad) = health.iter().find(|h| !h.ok) {
                        attempt.failure = Some(format!("health check {}: {}", bad.check, bad.detail));
                        health_failed = true;
                    }
                }
            }
            attempt.ok = attempt.failure.is_none();
            // The same failure as last time will not change by retrying.
            if let Some(prev) = attempts.last()
                && !attempt.ok
                && prev.failure == attempt.failure
                && prev.log == attempt.log
            {
                attempt.permanent = true;
            }
            if !attempt.ok {
                if self.env.rollback.is_empty() && health_failed {
                    let why = "the service the steps started may still be running, with its secrets, after the \
                               failed health check; declare `rollback` steps in the environment to stop it";
                    if !notes.iter().any(|n: &String| n == why) {
                        notes.push(why.to_owned());
                    }
                }
                self.rollback(&mut attempt, &mut notes);
            }
            self.out.emit(&Event::Attempt(attempt.clone()));
            let (ok, permanent) = (attempt.ok, attempt.permanent);
            attempts.push(attempt);
            if ok {
                let verified = !self.env.health.is_empty();
                self.out.progress(100, if verified { "healthy" } else { "deployed (health not verified)" });
                let message = if verified {
                    format!("deployed `{name}` in {n} attempt(s); healthy")
                } else {
                    format!(
                        "deployed `{name}` in {n} attempt(s); health not verified (the environment has no health check)"
                    )
                };
                return Outcome {
                    status: Status::Success,
                    endpoint: self.env.endpoint.as_deref().map(|e| self.fill(e)),
                    message,
                    attempts,
                    health,
                    started: true,
                    escalated: false,
                    notes,
                };
            }
            if permanent || n == total {
                break;
            }
            std::thread::sleep(Duration::from_millis(500));
        }
        let last = attempts.last().and_then(|a| a.failure.clone()).unwrap_or_default();
        let why = if attempts.last().is_some_and(|a| a.permanent) && attempts.len() < total as usize {
            "the failure cannot change by running the same steps again, so it was not retried".to_owned()
        } else {
            format!(
                "the retry threshold ({} retr{}) was exceeded",
                self.env.retries,
                if self.env.retries == 1 { "y" } else { "ies" }
            )
        };
        Outcome {
            status: Status::Failed,
            endpoint: self.env.endpoint.as_deref().map(|e| self.fill(e)),
            message: format!(
                "`{name}` failed after {} attempt(s): {last}. {why}: this failure goes to human review (each \
                 attempt's scrubbed log is in the report)",
                attempts.len()
            ),
            attempts,
            health,
            started: true,
            escalated: true,
            notes,
        }
    }

    /// The environment's rollback steps, after a failed or cancelled attempt.
    fn rollback(&self, attempt: &mut Attempt, notes: &mut Vec<String>) {
        if self.env.rollback.is_empty() {
            return;
        }
        // A cancel stops the deploy's steps, not the rollback.
        let quiet = AtomicBool::new(false);
        let run = Run { cancel: &quiet, ..*self };
        match run.steps(&self.env.rollback, "rollback", 90, 5, &mut attempt.log) {
            None => attempt.log.push("rollback: done".into()),
            Some((why, _)) => {
                attempt.log.push(format!("rollback failed: {why}"));
                notes.push(format!("rollback failed after attempt {}: {why}", attempt.number));
            }
        }
    }
}

fn cancelled(mut attempts: Vec<Attempt>, mut current: Attempt, notes: Vec<String>) -> Outcome {
    current.failure = Some("cancelled".into());
    attempts.push(current);
    Outcome {
        status: Status::Cancelled,
        message: "deploy cancelled".into(),
        attempts,
        started: true,
        notes,
        ..Default::default()
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map_or(0, |a| a.port())
}

/// For the health-check descriptions shown before a deploy.
pub fn describe_health(env: &Environment) -> Vec<String> {
    env.health.iter().map(|h| h.describe()).collect()
}
