//! Dispatch: the language server (default), the trusted executor, or one
//! of the batch commands.

use smaqit_ls::cli::{self, Command};

fn main() {
    let code = match cli::parse() {
        Ok(Command::Lsp) => smaqit_ls::lsp::run_stdio(),
        Ok(Command::Exec) => smaqit_deploy::executor::main(),
        Ok(command) => cli::run(command),
        Err(code) => code,
    };
    std::process::exit(code);
}
