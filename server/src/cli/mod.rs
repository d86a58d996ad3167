//! CLI placeholder
pub fn main() -> i32 {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    rt.block_on(crate::lsp::serve_stdio());
    0
}
