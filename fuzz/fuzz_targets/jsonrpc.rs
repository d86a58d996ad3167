//! Arbitrary JSON-RPC traffic into the real server, in process: after the
//! handshake, the input is split at NUL bytes into messages, each framed
//! with its Content-Length (malformed JSON, wrong params and unknown methods
//! included). The server must then still answer `shutdown`: no panic, no
//! hang, no dead transport.
#![no_main]

use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

static RUNTIME: std::sync::LazyLock<tokio::runtime::Runtime> = std::sync::LazyLock::new(|| {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime")
});

fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

fuzz_target!(|data: &[u8]| {
    RUNTIME.block_on(async {
        // In: an in-memory pipe. Out: a socket pair, since the server writes
        // its output from a thread of its own.
        let (mut client_out, server_in) = tokio::io::duplex(1 << 20);
        let (server_out, client_in) = std::os::unix::net::UnixStream::pair().expect("socket pair");
        client_in.set_nonblocking(true).expect("non-blocking");
        let serving = tokio::spawn(smaqit_ls::lsp::serve(server_in, server_out));
        let mut input = BufReader::new(tokio::net::UnixStream::from_std(client_in).expect("socket"));
        let init = frame(br#"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"capabilities":{}}}"#);
        client_out.write_all(&init).await.expect("write");
        let ready = tokio::time::timeout(Duration::from_secs(10), answer(&mut input, &serde_json::json!(0))).await;
        assert!(matches!(ready, Ok(true)), "no answer to initialize");
        let mut script = frame(br#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#);
        // `exit` would end the server on purpose: left out.
        for message in data.split(|b| *b == 0).take(16).filter(|m| !m.windows(4).any(|w| w == b"exit")) {
            script.extend(frame(message));
        }
        script.extend(frame(br#"{"jsonrpc":"2.0","id":"last","method":"shutdown"}"#));
        let writer = tokio::spawn(async move {
            let _ = client_out.write_all(&script).await;
            client_out
        });
        let last = serde_json::json!("last");
        let answered = tokio::time::timeout(Duration::from_secs(10), answer(&mut input, &last)).await;
        assert!(answered.is_ok(), "no answer to shutdown after {:?}", String::from_utf8_lossy(data));
        assert!(matches!(answered, Ok(true)), "transport closed before shutdown's answer");
        let mut client_out = writer.await.expect("writer");
        let _ = client_out.write_all(&frame(br#"{"jsonrpc":"2.0","method":"exit"}"#)).await;
        drop(client_out);
        // Unread output must not hold the server's writer thread.
        drop(input);
        let _ = tokio::time::timeout(Duration::from_secs(10), serving).await.expect("server exits after exit");
    });
});

/// Reads framed messages until the response with `id` (true: answered,
/// with a result or an error) or the end of the stream (false).
async fn answer(r: &mut (impl tokio::io::AsyncBufRead + Unpin), id: &serde_json::Value) -> bool {
    loop {
        let mut len = None;
        loop {
            let mut line = String::new();
            if r.read_line(&mut line).await.unwrap_or(0) == 0 {
                return false;
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(v) = line.strip_prefix("Content-Length: ") {
                len = v.parse::<usize>().ok();
            }
        }
        let Some(len) = len else { return false };
        let mut body = vec![0; len];
        if r.read_exact(&mut body).await.is_err() {
            return false;
        }
        let msg: serde_json::Value = serde_json::from_slice(&body).expect("the server writes JSON");
        if &msg["id"] == id && msg.get("method").is_none() {
            return true;
        }
    }
}
