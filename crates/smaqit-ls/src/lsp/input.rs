//! Standard input for the LSP transport: every message re-framed, and the
//! ones the transport cannot decode replaced before it sees them.
//!
//! tower-lsp-server reads with tokio-util's `FramedRead`, which ends the
//! stream after the first decode error: one message that is not JSON (or
//! not JSON-RPC, or a header without `Content-Length`) stopped the server.
//! And a `Content-Length: 0` message stalled the messages buffered behind it
//! until the client sent something else. Both were found by the JSON-RPC
//! fuzz target. Here each message is checked with the transport's own
//! types; a bad one becomes a request to an internal method that answers
//! with the JSON-RPC error the transport would have sent (id `null`), empty
//! ones are dropped, and the rest pass on unchanged behind a plain
//! `Content-Length` header.

use std::collections::VecDeque;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, ReadBuf};
use tower_lsp_server::jsonrpc::{Request, Response};

/// Internal methods standing in for undecodable messages (see `Backend`).
pub const PARSE_ERROR: &str = "smaqit/internal/parseError";
pub const INVALID_REQUEST: &str = "smaqit/internal/invalidRequest";

/// A header section longer than this is not a header: reported and dropped.
const MAX_HEADER: usize = 8 * 1024;

pub struct Reframe<R> {
    inner: R,
    /// Bytes of the current header section, until its blank line.
    header: Vec<u8>,
    /// The current body and its announced length.
    body: Vec<u8>,
    body_len: Option<usize>,
    /// Re-framed bytes ready for the reader, in pieces (a body is moved in,
    /// not copied: a 100 MB `didOpen` is not held twice here), and how much
    /// of the first piece was read.
    ready: VecDeque<Vec<u8>>,
    read: usize,
    eof: bool,
}

impl<R> Reframe<R> {
    pub fn new(inner: R) -> Self {
        Reframe {
            inner,
            header: Vec::new(),
            body: Vec::new(),
            body_len: None,
            ready: VecDeque::new(),
            read: 0,
            eof: false,
        }
    }

    fn feed(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            if let Some(len) = self.body_len {
                let n = (len - self.body.len()).min(bytes.len());
                self.body.extend_from_slice(&bytes[..n]);
                bytes = &bytes[n..];
                if self.body.len() == len {
                    let body = std::mem::take(&mut self.body);
                    self.body_len = None;
                    self.emit(body);
                }
                continue;
            }
            // Headers are short: byte by byte until the blank line.
            self.header.push(bytes[0]);
            bytes = &bytes[1..];
            if self.header.ends_with(b"\r\n\r\n") {
                match content_length(&self.header) {
                    Some(0) => {}
                    Some(n) => self.body_len = Some(n),
                    None => self.emit_stand_in(PARSE_ERROR),
                }
                self.header.clear();
            } else if self.header.len() > MAX_HEADER {
                self.emit_stand_in(PARSE_ERROR);
                self.header.clear();
            }
        }
    }

    fn emit(&mut self, body: Vec<u8>) {
        let Ok(text) = std::str::from_utf8(&body) else { return self.emit_stand_in(PARSE_ERROR) };
        // The transport's own types: what they accept, it accepts. Requests
        // and notifications first: nearly every message is one, so it is
        // parsed once here; only a rejected one is parsed again to tell
        // which error it earns.
        if serde_json::from_str::<Request>(text).is_ok() || serde_json::from_str::<Response>(text).is_ok() {
            return self.frame(body);
        }
        let not_json = serde_json::from_str::<serde::de::IgnoredAny>(text).is_err();
        self.emit_stand_in(if not_json { PARSE_ERROR } else { INVALID_REQUEST });
    }

    fn emit_stand_in(&mut self, method: &str) {
        let body = format!(r#"{{"jsonrpc":"2.0","id":null,"method":"{method}"}}"#);
        self.frame(body.into_bytes());
    }

    fn frame(&mut self, body: Vec<u8>) {
        self.ready.push_back(format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes());
        self.ready.push_back(body);
    }
}

/// The `Content-Length` of a header section, when it has a valid one.
fn content_length(header: &[u8]) -> Option<usize> {
    let text = std::str::from_utf8(header).ok()?;
    text.split("\r\n").find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.trim().eq_ignore_ascii_case("content-length").then(|| value.trim().parse().ok())?
    })
}

impl<R: AsyncRead + Unpin> AsyncRead for Reframe<R> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, out: &mut ReadBuf<'_>) -> Poll<std::io::Result<()>> {
        let this = &mut *self;
        loop {
            if let Some(piece) = this.ready.front() {
                let n = (piece.len() - this.read).min(out.remaining());
                out.put_slice(&piece[this.read..this.read + n]);
                this.read += n;
                if this.read == piece.len() {
                    this.ready.pop_front();
                    this.read = 0;
                }
                return Poll::Ready(Ok(()));
            }
            if this.eof {
                return Poll::Ready(Ok(()));
            }
            let mut chunk = [0u8; 16 * 1024];
            let mut buf = ReadBuf::new(&mut chunk);
            match Pin::new(&mut this.inner).poll_read(cx, &mut buf) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                // End of input: a message cut short is dropped with it.
                Poll::Ready(Ok(())) if buf.filled().is_empty() => this.eof = true,
                Poll::Ready(Ok(())) => {
                    let filled = buf.filled().to_vec();
                    this.feed(&filled);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncReadExt;

    fn reframed(input: &[u8]) -> String {
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        rt.block_on(async {
            let mut out = Vec::new();
            Reframe::new(input).read_to_end(&mut out).await.unwrap();
            String::from_utf8(out).unwrap()
        })
    }

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    #[test]
    fn keeps_messages_drops_empty_ones_and_normalises_headers() {
        let a = r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#;
        let b = r#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#;
        let input = format!(
            "{}Content-Length: 0\r\n\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\ncontent-length: {}\r\n\r\n{b}",
            frame(a),
            b.len()
        );
        assert_eq!(reframed(input.as_bytes()), frame(a) + &frame(b));
    }

    #[test]
    fn replaces_what_the_transport_could_not_decode() {
        let ok = r#"{"jsonrpc":"2.0","id":2,"method":"shutdown"}"#;
        let parse = frame(&format!(r#"{{"jsonrpc":"2.0","id":null,"method":"{PARSE_ERROR}"}}"#));
        let invalid = frame(&format!(r#"{{"jsonrpc":"2.0","id":null,"method":"{INVALID_REQUEST}"}}"#));
        let input = [frame("{not json"), frame("[1,2]"), "garbage\r\n\r\n".into(), frame(ok)].concat();
        assert_eq!(reframed(input.as_bytes()), [parse.clone(), invalid, parse, frame(ok)].concat());
        // Invalid UTF-8 in a body, and a message cut short by the end of input.
        let mut bytes = b"Content-Length: 2\r\n\r\n\xff\xfe".to_vec();
        bytes.extend_from_slice(b"Content-Length: 10\r\n\r\n{}");
        assert_eq!(reframed(&bytes), frame(&format!(r#"{{"jsonrpc":"2.0","id":null,"method":"{PARSE_ERROR}"}}"#)));
    }
}
