//! The server's output, written by one dedicated thread: the transport's
//! messages and, beside them, `textDocument/publishDiagnostics`
//! notifications framed here directly.
//!
//! Why a thread: `tokio::io::stdout` hands each write to the blocking pool
//! and the transport flushes after every 8 KB it frames, so a burst of a
//! thousand notifications (a hub spec's edit republishing its referrers)
//! cost one thread round trip per 8 KB. Here a write only appends to a
//! buffer and the thread writes whatever accumulated in one system call.
//!
//! Why diagnostics bypass the transport: tower-lsp-server turns each
//! notification's params into a `serde_json::Value` and then serializes
//! that again, a third of the server's CPU when a thousand files are
//! republished. [`Outbox::notify_if`] serializes once, on the checking
//! thread that produced the diagnostics. Every publish goes through it, so a
//! file's publishes stay in order; the transport only writes whole frames
//! (each `poll_write` is taken whole), so frames never interleave.
//! [`Writer::finish`] drains what is left before the process exits.

use std::io::Write;
use std::pin::Pin;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};

use tokio::io::AsyncWrite;

/// Above this many bytes waiting, writes wait for the thread (a client
/// that stops reading must not grow the buffer without bound).
const HIGH_WATER: usize = 8 << 20;

#[derive(Default)]
struct Buffer {
    data: Vec<u8>,
    closed: bool,
    failed: Option<std::io::ErrorKind>,
    /// A write waiting for room.
    waiting: Option<Waker>,
}

#[derive(Default)]
struct Shared {
    buffer: Mutex<Buffer>,
    /// Signalled when there is data to write, when the thread has taken it
    /// (room for waiting senders), and on close or failure.
    changed: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Buffer> {
        self.buffer.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The async side, given to the transport.
pub struct Pipe {
    shared: Arc<Shared>,
}

/// Direct notifications, from blocking threads (a send waits for room).
#[derive(Clone)]
pub struct Outbox {
    shared: Arc<Shared>,
}

/// The thread side, kept by the caller to drain before exit.
pub struct Writer {
    shared: Arc<Shared>,
    thread: Option<std::thread::JoinHandle<()>>,
    /// Disconnected when the thread ends.
    ended: std::sync::mpsc::Receiver<()>,
}

/// How long `finish` waits for the last bytes to be written: a client that
/// stopped reading must not keep the server from exiting.
const FINISH_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// Starts the writer thread on `out` (stdout, or anything in tests).
pub fn spawn(mut out: impl Write + Send + 'static) -> (Pipe, Outbox, Writer) {
    let shared = Arc::new(Shared::default());
    let s = shared.clone();
    let (ending, ended) = std::sync::mpsc::channel::<()>();
    let thread = std::thread::Builder::new()
        .name("lsp-stdout".into())
        .spawn(move || {
            let _ending = ending;
            let mut chunk = Vec::new();
            loop {
                {
                    let mut b = s.lock();
                    while b.data.is_empty() && !b.closed {
                        b = s.changed.wait(b).unwrap_or_else(|p| p.into_inner());
                    }
                    if b.data.is_empty() {
                        return;
                    }
                    std::mem::swap(&mut chunk, &mut b.data);
                    if let Some(w) = b.waiting.take() {
                        w.wake();
                    }
                    // Senders waiting for room.
                    s.changed.notify_all();
                }
                let result = out.write_all(&chunk).and_then(|()| out.flush());
                chunk.clear();
                if let Err(e) = result {
                    let mut b = s.lock();
                    b.failed = Some(e.kind());
                    b.data.clear();
                    if let Some(w) = b.waiting.take() {
                        w.wake();
                    }
                    s.changed.notify_all();
                    return;
                }
            }
        })
        .ok();
    if thread.is_none() {
        shared.lock().failed = Some(std::io::ErrorKind::Other);
    }
    (Pipe { shared: shared.clone() }, Outbox { shared: shared.clone() }, Writer { shared, thread, ended })
}

impl Outbox {
    /// Frames and queues one notification, unless `still` (asked with the
    /// queue held, so no other send can come between) says it is stale.
    /// Waits while the client is behind by more than [`HIGH_WATER`] bytes;
    /// dropped once output failed.
    pub fn notify_if(&self, method: &str, params: &impl serde::Serialize, still: impl FnOnce() -> bool) {
        #[derive(serde::Serialize)]
        struct Notification<'a, P> {
            jsonrpc: &'static str,
            method: &'a str,
            params: &'a P,
        }
        let mut body = Vec::with_capacity(512);
        if serde_json::to_writer(&mut body, &Notification { jsonrpc: "2.0", method, params }).is_err() {
            return;
        }
        let mut b = self.shared.lock();
        while b.data.len() >= HIGH_WATER && b.failed.is_none() && !b.closed {
            b = self.shared.changed.wait(b).unwrap_or_else(|p| p.into_inner());
        }
        if b.failed.is_some() || b.closed || !still() {
            return;
        }
        // Writing to a Vec cannot fail.
        let _ = write!(b.data, "Content-Length: {}\r\n\r\n", body.len());
        b.data.extend_from_slice(&body);
        self.shared.changed.notify_all();
    }
}

impl Writer {
    /// Writes everything still buffered, then stops the thread; gives up
    /// after [`FINISH_WAIT`] if the client is not reading.
    pub fn finish(mut self) {
        self.close();
        if let Err(std::sync::mpsc::RecvTimeoutError::Disconnected) = self.ended.recv_timeout(FINISH_WAIT)
            && let Some(t) = self.thread.take()
        {
            let _ = t.join();
        }
    }

    fn close(&self) {
        self.shared.lock().closed = true;
        self.shared.changed.notify_all();
    }
}

/// Dropped without `finish` (the server future was cancelled or panicked):
/// the thread still ends once the buffer is written, and senders waiting
/// for room are released.
impl Drop for Writer {
    fn drop(&mut self) {
        self.close();
    }
}

impl AsyncWrite for Pipe {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, data: &[u8]) -> Poll<std::io::Result<usize>> {
        let mut b = self.shared.lock();
        if let Some(kind) = b.failed {
            return Poll::Ready(Err(kind.into()));
        }
        if b.closed {
            return Poll::Ready(Err(std::io::ErrorKind::BrokenPipe.into()));
        }
        if b.data.len() >= HIGH_WATER {
            b.waiting = Some(cx.waker().clone());
            return Poll::Pending;
        }
        b.data.extend_from_slice(data);
        self.shared.changed.notify_all();
        Poll::Ready(Ok(data.len()))
    }

    /// Hands the data to the thread; it does not wait for the system call,
    /// which is the point (see the module comment).
    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.shared.lock().failed {
            Some(kind) => Poll::Ready(Err(kind.into())),
            None => Poll::Ready(Ok(())),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        self.poll_flush(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncWriteExt;

    /// A sink that records writes, slowly, to let data pile up.
    #[derive(Clone, Default)]
    struct Slow(Arc<Mutex<(Vec<u8>, usize)>>);

    impl Write for Slow {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            std::thread::sleep(std::time::Duration::from_millis(1));
            let mut g = self.0.lock().unwrap();
            g.0.extend_from_slice(buf);
            g.1 += 1;
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn keeps_order_batches_writes_and_drains_on_finish() {
        let sink = Slow::default();
        let (mut pipe, _, writer) = spawn(sink.clone());
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let mut expected = Vec::new();
        rt.block_on(async {
            for i in 0..2_000 {
                let line = format!("message {i}\n");
                expected.extend_from_slice(line.as_bytes());
                pipe.write_all(line.as_bytes()).await.unwrap();
                pipe.flush().await.unwrap();
            }
        });
        writer.finish();
        let g = sink.0.lock().unwrap();
        assert_eq!(g.0, expected);
        assert!(g.1 < 2_000, "{} system writes for 2,000 flushes: no batching", g.1);
    }

    #[test]
    fn a_failed_write_is_reported_to_the_next_one() {
        struct Broken;
        impl Write for Broken {
            fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                Err(std::io::ErrorKind::BrokenPipe.into())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let (mut pipe, _, writer) = spawn(Broken);
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let err = rt.block_on(async {
            for _ in 0..1_000 {
                if let Err(e) = pipe.write_all(b"x").await {
                    return Some(e);
                }
                tokio::task::yield_now().await;
                std::thread::sleep(std::time::Duration::from_micros(100));
            }
            None
        });
        assert_eq!(err.map(|e| e.kind()), Some(std::io::ErrorKind::BrokenPipe));
        writer.finish();
    }

    /// Splits framed output into bodies, checking each frame's length.
    fn frames(mut out: &[u8]) -> Vec<serde_json::Value> {
        let mut v = Vec::new();
        while !out.is_empty() {
            let text = std::str::from_utf8(out).unwrap();
            let end = text.find("\r\n\r\n").expect("a header");
            let len: usize = text[..end].strip_prefix("Content-Length: ").unwrap().parse().unwrap();
            let body = &out[end + 4..end + 4 + len];
            v.push(serde_json::from_slice(body).expect("a whole JSON body"));
            out = &out[end + 4 + len..];
        }
        v
    }

    #[test]
    fn direct_notifications_interleave_whole_frames_with_the_transport() {
        let sink = Slow::default();
        let (mut pipe, outbox, writer) = spawn(sink.clone());
        let direct = std::thread::spawn(move || {
            for i in 0..500 {
                outbox.notify_if("direct", &serde_json::json!({ "n": i, "pad": "x".repeat(i * 7) }), || true);
            }
        });
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        rt.block_on(async {
            for i in 0..500 {
                let body = serde_json::json!({ "jsonrpc": "2.0", "method": "transport", "params": i }).to_string();
                pipe.write_all(format!("Content-Length: {}\r\n\r\n{body}", body.len()).as_bytes()).await.unwrap();
                pipe.flush().await.unwrap();
            }
        });
        direct.join().unwrap();
        writer.finish();
        let all = frames(&sink.0.lock().unwrap().0);
        let of = |m: &str| all.iter().filter(|f| f["method"] == m).cloned().collect::<Vec<_>>();
        let direct: Vec<u64> = of("direct").iter().map(|f| f["params"]["n"].as_u64().unwrap()).collect();
        let transport: Vec<u64> = of("transport").iter().map(|f| f["params"].as_u64().unwrap()).collect();
        assert_eq!(direct, (0..500).collect::<Vec<_>>());
        assert_eq!(transport, (0..500).collect::<Vec<_>>());
        assert!(all.iter().all(|f| f["jsonrpc"] == "2.0"));
    }

    /// Whether the gate is open, and what was written.
    type Gated = Mutex<(bool, Vec<u8>)>;

    /// A sink that blocks until the gate opens.
    #[derive(Clone, Default)]
    struct Gate(Arc<(Gated, Condvar)>);

    impl Write for Gate {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            let (m, c) = &*self.0;
            let mut g = m.lock().unwrap();
            while !g.0 {
                g = c.wait(g).unwrap();
            }
            g.1.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_client_that_does_not_read_holds_senders_at_the_high_water_mark() {
        let sink = Gate::default();
        let (_pipe, outbox, writer) = spawn(sink.clone());
        let shared = outbox.shared.clone();
        let big = "s".repeat(3 << 20);
        let sender = std::thread::spawn(move || {
            for _ in 0..6 {
                outbox.notify_if("big", &big, || true);
            }
        });
        std::thread::sleep(std::time::Duration::from_millis(300));
        assert!(!sender.is_finished(), "18 MB queued for a client that reads nothing");
        let queued = shared.lock().data.len();
        assert!(queued < HIGH_WATER + (4 << 20), "{queued} bytes queued");
        let (m, c) = &*sink.0;
        m.lock().unwrap().0 = true;
        c.notify_all();
        sender.join().unwrap();
        writer.finish();
        let all = frames(&m.lock().unwrap().1);
        assert_eq!(all.len(), 6);
        assert!(all.iter().all(|f| f["params"].as_str().is_some_and(|p| p.len() == 3 << 20)));
    }

    #[test]
    fn a_stale_notification_is_not_queued() {
        let sink = Slow::default();
        let (_pipe, outbox, writer) = spawn(sink.clone());
        outbox.notify_if("m", &1, || false);
        outbox.notify_if("m", &2, || true);
        writer.finish();
        let all = frames(&sink.0.lock().unwrap().0);
        assert_eq!(all.iter().map(|f| f["params"].clone()).collect::<Vec<_>>(), [serde_json::json!(2)]);
    }

    #[test]
    fn dropping_the_writer_releases_senders_waiting_for_room() {
        let sink = Gate::default();
        let (_pipe, outbox, writer) = spawn(sink.clone());
        let big = "s".repeat(3 << 20);
        let sender = std::thread::spawn(move || {
            for _ in 0..6 {
                outbox.notify_if("big", &big, || true);
            }
        });
        std::thread::sleep(std::time::Duration::from_millis(200));
        assert!(!sender.is_finished());
        drop(writer);
        sender.join().unwrap();
        let (m, c) = &*sink.0;
        m.lock().unwrap().0 = true;
        c.notify_all();
    }
}
