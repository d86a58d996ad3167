//! Running one step: its own process group (so that it and everything it
//! starts can be killed as one), the parent-death signal, the environment
//! (the resolved values by name; no `SMAQIT_SECRET_*`), a timeout, and its
//! output read as bytes, scrubbed and forwarded line by line as it arrives.

use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::scrub::{LineStream, Scrubber};
use super::{Emitter, PROVIDER_ENV_PREFIX};
use crate::protocol::Event;
use crate::signals::{self, RUNNING};

/// A line that could be the start of a value waits this long for the next
/// one before it is shown (masked where it could be).
const HOLD: Duration = Duration::from_millis(200);

/// How a step ended, when it did not succeed.
pub enum StepError {
    /// It could not start, or the command is not there (exit 126/127): the
    /// same steps would fail the same way.
    Permanent(String),
    Failed(String),
    Cancelled,
}

pub struct Step<'a> {
    pub argv: &'a [String],
    pub workdir: &'a Path,
    pub values: &'a [(String, String)],
    pub rendered: &'a Path,
    pub port: u16,
    pub timeout_secs: u64,
}

/// Runs one step to its end, forwarding its scrubbed output to `out` and
/// `log`.
pub fn run(
    step: &Step<'_>,
    cancel: &AtomicBool,
    scrub: &Scrubber,
    out: &Emitter,
    log: &mut Vec<String>,
) -> Result<(), StepError> {
    let mut cmd = Command::new(&step.argv[0]);
    cmd.args(&step.argv[1..])
        .current_dir(step.workdir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env("SMAQIT_RENDERED", step.rendered)
        .env("SMAQIT_PORT", step.port.to_string())
        .process_group(0);
    // The provider's own variables are not the step's business.
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with(PROVIDER_ENV_PREFIX) {
            cmd.env_remove(k);
        }
    }
    for (name, value) in step.values {
        cmd.env(name, value);
    }
    // If the executor dies, the step dies with it (the caller kills the
    // rest of its group). The terminating signals, blocked in the executor,
    // are unblocked for the step.
    // SAFETY: prctl and sigprocmask are async-signal-safe; nothing else runs
    // between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            signals::unblock_in_child();
            Ok(())
        });
    }
    let mut child = cmd.spawn().map_err(|e| StepError::Permanent(format!("cannot start: {e}")))?;
    let pgid = child.id() as i32;
    RUNNING.store(pgid, Ordering::SeqCst);
    out.emit(&Event::Process { pgid });
    let (tx, rx) = mpsc::channel::<Vec<u8>>();
    for pipe in [
        child.stdout.take().map(|p| Box::new(p) as Box<dyn std::io::Read + Send>),
        child.stderr.take().map(|p| Box::new(p) as Box<dyn std::io::Read + Send>),
    ]
    .into_iter()
    .flatten()
    {
        let tx = tx.clone();
        std::thread::spawn(move || {
            // Bytes, not UTF-8 lines: one bad byte must not end the reading
            // (the step would die of SIGPIPE).
            let mut r = BufReader::new(pipe);
            let mut buf = Vec::new();
            while r.read_until(b'\n', &mut buf).is_ok_and(|n| n > 0) {
                while matches!(buf.last(), Some(b'\n' | b'\r')) {
                    buf.pop();
                }
                if tx.send(std::mem::take(&mut buf)).is_err() {
                    break;
                }
            }
        });
    }
    drop(tx);
    let deadline = Instant::now() + Duration::from_secs(step.timeout_secs);
    let mut stream = LineStream::new(scrub);
    let mut last_line = Instant::now();
    let show = |lines: Vec<String>, log: &mut Vec<String>| {
        for l in lines {
            out.emit(&Event::Log { line: l.clone() });
            log.push(l);
        }
    };
    let status = loop {
        while let Ok(raw) = rx.recv_timeout(Duration::from_millis(20)) {
            show(stream.push(&raw), log);
            last_line = Instant::now();
        }
        if stream.holding() && last_line.elapsed() >= HOLD {
            show(stream.flush(), log);
        }
        match child.try_wait() {
            Ok(Some(status)) => break Ok(status),
            Ok(None) => {}
            Err(e) => break Err(StepError::Failed(e.to_string())),
        }
        if cancel.load(Ordering::SeqCst) {
            signals::kill_group(pgid);
            let _ = child.wait();
            break Err(StepError::Cancelled);
        }
        if Instant::now() >= deadline {
            signals::kill_group(pgid);
            let _ = child.wait();
            break Err(StepError::Failed(format!("timed out after {} s", step.timeout_secs)));
        }
    };
    RUNNING.store(0, Ordering::SeqCst);
    // Output still buffered; a daemon the step started may keep the pipe
    // open, so do not wait for the end of it.
    let drain_until = Instant::now() + Duration::from_millis(200);
    while let Ok(raw) = rx.recv_timeout(drain_until.saturating_duration_since(Instant::now())) {
        show(stream.push(&raw), log);
    }
    show(stream.flush(), log);
    let status = status?;
    match status.code() {
        Some(0) => Ok(()),
        Some(c @ (126 | 127)) => Err(StepError::Permanent(format!("exited with {c} (the command cannot run)"))),
        _ => Err(StepError::Failed(format!("exited with {status}"))),
    }
}
