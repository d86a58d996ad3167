//! The executor process, from the caller's side: start it, hand it the
//! environment and the *names* of its secrets, read its scrubbed events,
//! cancel it, and clean up after it if it dies: the process groups of the
//! steps it started (announced before each step) and its private folders.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use smaqit_core::project::environments::Environment;

use super::Prepared;
use crate::protocol::{Event, Outcome, Request, Status};

/// The executor command: the environment's own, else this binary's `exec`.
pub fn executor_argv(env: &Environment) -> Vec<String> {
    if let Some(argv) = env.executor.clone().filter(|a| !a.is_empty()) {
        return argv;
    }
    let exe = std::env::current_exe().map_or_else(|_| "smaqit-ls".into(), |p| p.to_string_lossy().into_owned());
    vec![exe, "exec".into()]
}

/// Runs the executor to completion, passing every event to `on_event`.
/// Setting `cancel` asks the executor to stop (and kills it after a grace
/// period). Blocks; run it off any async runtime.
pub fn run_executor(p: &Prepared, on_event: &mut dyn FnMut(&Event), cancel: &AtomicBool) -> Outcome {
    let argv = executor_argv(&p.env);
    let crashed = |m: String| Outcome { status: Status::Failed, message: m, ..Default::default() };
    let mut child = match Command::new(&argv[0])
        .args(&argv[1..])
        .current_dir(&p.root)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        // The executor's stderr is not forwarded: only scrubbed events are.
        .stderr(Stdio::null())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => return crashed(format!("cannot start the executor `{}`: {e} (nothing was run)", argv[0])),
    };
    let request = Request::Deploy {
        root: p.root.to_string_lossy().into_owned(),
        environment_name: p.env_name.clone(),
        environment: Box::new(p.env.clone()),
        secrets: p.secrets.clone(),
    };
    let mut stdin = child.stdin.take();
    if let Some(s) = stdin.as_mut() {
        let _ = writeln!(s, "{}", serde_json::to_string(&request).unwrap_or_default());
        let _ = s.flush();
    }
    let (tx, rx) = mpsc::channel::<Event>();
    if let Some(stdout) = child.stdout.take() {
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            let mut buf = Vec::new();
            while r.read_until(b'\n', &mut buf).is_ok_and(|n| n > 0) {
                // Lines that are not events are dropped, never forwarded raw.
                if let Ok(e) = serde_json::from_slice::<Event>(&buf)
                    && tx.send(e).is_err()
                {
                    break;
                }
                buf.clear();
            }
        });
    }
    let mut result = None;
    let mut groups: Vec<i32> = Vec::new();
    let mut cancel_sent: Option<Instant> = None;
    loop {
        match rx.recv_timeout(Duration::from_millis(50)) {
            Ok(Event::Result(o)) => result = Some(o),
            Ok(Event::Process { pgid }) => groups.push(pgid),
            Ok(e) => on_event(&e),
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {}
        }
        if cancel.load(Ordering::SeqCst) {
            match cancel_sent {
                None => {
                    if let Some(s) = stdin.as_mut() {
                        let _ = writeln!(s, "{}", serde_json::to_string(&Request::Cancel).unwrap_or_default());
                        let _ = s.flush();
                    }
                    cancel_sent = Some(Instant::now());
                }
                Some(t) if t.elapsed() > Duration::from_secs(5) => {
                    let _ = child.kill();
                }
                _ => {}
            }
        }
    }
    drop(stdin);
    let status = child.wait();
    let finished = result.as_ref().is_some_and(|o| o.status != Status::Cancelled);
    if !finished {
        // Killed, crashed or cancelled: whatever its steps left running
        // holds the secrets in its environment. (After a finished deploy,
        // what a step started, such as the service, is meant to run on.)
        for g in &groups {
            kill_group(*g);
        }
    }
    // A killed or crashed executor cannot clean up after itself.
    crate::executor::remove_private_dirs(child.id());
    match result {
        Some(o) => o,
        None if cancel.load(Ordering::SeqCst) => Outcome {
            status: Status::Cancelled,
            message: "deploy cancelled".into(),
            started: true,
            ..Default::default()
        },
        None => Outcome {
            // Steps ran if it announced one: the Infrastructure specs fail.
            started: !groups.is_empty(),
            ..crashed(format!(
                "the executor ended without a result ({}); its steps were stopped",
                status.map_or_else(|e| e.to_string(), |s| s.to_string())
            ))
        },
    }
}

fn kill_group(pgid: i32) {
    if pgid > 0 {
        // SAFETY: kill(2) on a process group the executor announced.
        unsafe {
            libc::kill(-pgid, libc::SIGKILL);
        }
    }
}
