//! Terminating signals (SIGTERM, SIGINT from Ctrl-C or a CI cancel to the
//! whole process group, SIGHUP): taken by one thread with `sigwait`, so the
//! process can stop the running step's process group and remove what it
//! rendered before it exits. Blocked in every thread before any other is
//! started, so no thread is ever killed by them mid-write.

use std::sync::atomic::{AtomicI32, Ordering};

const SIGNALS: [i32; 3] = [libc::SIGTERM, libc::SIGINT, libc::SIGHUP];

fn set() -> libc::sigset_t {
    // SAFETY: sigemptyset/sigaddset initialise a sigset_t we own.
    unsafe {
        let mut s: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut s);
        for sig in SIGNALS {
            libc::sigaddset(&mut s, sig);
        }
        s
    }
}

/// Blocks the terminating signals in the calling thread (and the threads it
/// starts afterwards), then calls `on_signal` with the signal on a thread of
/// its own when one arrives.
pub fn handle(on_signal: impl Fn(i32) + Send + 'static) {
    let s = set();
    // SAFETY: pthread_sigmask with a valid set; the old mask is not needed.
    unsafe {
        libc::pthread_sigmask(libc::SIG_BLOCK, &s, std::ptr::null_mut());
    }
    std::thread::spawn(move || {
        loop {
            let mut sig = 0;
            // SAFETY: sigwait on a valid set of blocked signals.
            if unsafe { libc::sigwait(&s, &mut sig) } == 0 {
                on_signal(sig);
            }
        }
    });
}

/// Unblocks the terminating signals in a child between fork and exec (the
/// mask is inherited; a step must die of Ctrl-C as usual).
///
/// # Safety
/// Only async-signal-safe calls: for use in `pre_exec`.
pub unsafe fn unblock_in_child() {
    let s = set();
    // SAFETY: sigprocmask is async-signal-safe.
    unsafe {
        libc::sigprocmask(libc::SIG_UNBLOCK, &s, std::ptr::null_mut());
    }
}

/// The process group of the step running now (0: none).
pub static RUNNING: AtomicI32 = AtomicI32::new(0);

/// Kills the process group `pgid` (a step and everything it started that
/// stayed in its group).
pub fn kill_group(pgid: i32) {
    if pgid > 0 {
        // SAFETY: kill(2) on a process group; no memory involved.
        unsafe {
            libc::kill(-pgid, libc::SIGKILL);
        }
    }
}

/// Kills the running step's group, if any.
pub fn kill_running() {
    kill_group(RUNNING.swap(0, Ordering::SeqCst));
}
