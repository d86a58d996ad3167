//! The LSP shell: tower-lsp-server glue around the core. It owns open
//! documents, converts positions at the edge, debounces diagnostics and runs
//! CPU work on the blocking pool. It holds no rules of its own.

mod capabilities;
mod code_actions;
pub mod commands;
mod convert;
mod deploy;
mod diagnostics;
mod documents;
mod edits;
mod input;
mod navigation;
mod outbox;
pub mod position;
mod publish;
mod server;
mod settings;
mod state;

pub use server::Backend;
pub use settings::Settings;

use tokio::io::AsyncRead;
use tower_lsp_server::{LspService, Server};

/// Requests and notifications in flight at once. The library default (4)
/// can wedge when several long requests wait on the client.
const CONCURRENCY: usize = 64;

/// Serves LSP on stdin/stdout on a runtime of its own; returns the exit code.
pub fn run_stdio() -> i32 {
    let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return 2;
        }
    };
    rt.block_on(serve_stdio());
    // The stdin reader is a blocking read that only EOF ends; a client may
    // keep the pipe open after `exit`, so do not wait for it.
    rt.shutdown_background();
    0
}

/// Serves LSP on stdin/stdout until the client exits.
pub async fn serve_stdio() {
    serve(tokio::io::stdin(), std::io::stdout()).await;
}

/// Serves LSP over any byte streams until the client exits (the JSON-RPC
/// fuzz target drives it in memory). Output is written by a thread of its
/// own (see `outbox`), drained before this returns.
pub async fn serve(input: impl AsyncRead + Unpin, output: impl std::io::Write + Send + 'static) {
    let (pipe, outbox, writer) = outbox::spawn(output);
    let (service, socket) = LspService::build(move |client| Backend::new(client, outbox))
        .custom_method("window/workDoneProgress/cancel", Backend::progress_cancel)
        .custom_method(input::PARSE_ERROR, Backend::parse_error)
        .custom_method(input::INVALID_REQUEST, Backend::invalid_request)
        .finish();
    let input = input::Reframe::new(input);
    Server::new(input, pipe, socket).concurrency_level(CONCURRENCY).serve(service).await;
    // The last responses (to `shutdown`) may still be buffered.
    let _ = tokio::task::spawn_blocking(move || writer.finish()).await;
}
