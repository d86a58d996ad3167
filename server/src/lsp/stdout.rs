//! Standard output for the LSP transport, written by one dedicated thread.
//!
//! `tokio::io::stdout` hands each write to the blocking pool and the
//! transport flushes after every 8 KB it frames, so a burst of a thousand
//! notifications (a hub spec's edit republishing its referrers) costs one
//! thread round trip per 8 KB. Here a write only appends to a buffer and a
//! flush only wakes the writer thread, which writes whatever accumulated in
//! one system call. Order is kept; [`Writer::finish`] drains what is left
//! before the process exits.

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
    /// Signalled when there is data to write, and on close.
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

/// The thread side, kept by the caller to drain before exit.
pub struct Writer {
    shared: Arc<Shared>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// Starts the writer thread on `out` (stdout, or anything in tests).
pub fn spawn(mut out: impl Write + Send + 'static) -> (Pipe, Writer) {
    let shared = Arc::new(Shared::default());
    let s = shared.clone();
    let thread = std::thread::Builder::new()
        .name("lsp-stdout".into())
        .spawn(move || {
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
    (Pipe { shared: shared.clone() }, Writer { shared, thread })
}

impl Writer {
    /// Writes everything still buffered, then stops the thread.
    pub fn finish(mut self) {
        self.shared.lock().closed = true;
        self.shared.changed.notify_all();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
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
        let (mut pipe, writer) = spawn(sink.clone());
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
        let (mut pipe, writer) = spawn(Broken);
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
}
