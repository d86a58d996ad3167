//! The command line: `lsp` (default), `check`, `plan` and `deploy`, all on
//! the same engine as the server; `main` dispatches.

mod check;
mod deploy;
mod output;
pub mod plan;

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser, Debug)]
#[command(
    name = "smaqit-ls",
    version,
    about = "Language server and checker for smaqit spec-first projects",
    long_about = "Language server and checker for smaqit spec-first projects.\n\nWith no command, serves the Language Server Protocol on stdin/stdout."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the Language Server Protocol on stdin/stdout (the default).
    Lsp,
    /// Report diagnostics for whole folders or files.
    ///
    /// Exit status: 0 when no error-severity diagnostic was found, 1 when one
    /// was, 2 on a usage or I/O error.
    Check(CheckArgs),
    /// The smaqit CLI's `plan`: which specs a phase still has to process.
    ///
    /// The same arguments, output, warnings and exit codes as `smaqit plan`
    /// byte for byte (`--phase=develop|deploy|validate`, `--verbose`,
    /// `--regen`; any other argument is ignored, as the CLI ignores it),
    /// run in the current directory, which must hold `.smaqit/`. For JSON,
    /// see `plan-json`.
    #[command(disable_help_flag = true)]
    Plan {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, value_parser = clap::value_parser!(std::ffi::OsString))]
        args: Vec<std::ffi::OsString>,
    },
    /// `plan` as JSON, for tools: the pending and completed specs of a
    /// phase (`{phase, regen, pending: [{path, id, status}], completed}`),
    /// or without `--phase` the counts of all three.
    PlanJson {
        /// `develop`, `deploy` or `validate`.
        #[arg(long)]
        phase: Option<String>,
        /// Every spec of the phase is pending.
        #[arg(long)]
        regen: bool,
        /// The project (default: the current folder).
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Deploy an environment of `.smaqit/environments.toml` through the
    /// trusted executor, then write statuses, timestamps and the report.
    ///
    /// Progress goes to stderr and the outcome, as JSON, to stdout. Exit
    /// status: 0 deployed, 1 refused or failed, 2 usage error.
    Deploy {
        /// The environment to deploy.
        #[arg(long)]
        env: String,
        /// Do not ask for confirmation (required when stdin is not a terminal).
        #[arg(long)]
        yes: bool,
        /// Deploy every Infrastructure spec of the environment again, not
        /// only the pending ones.
        #[arg(long)]
        regen: bool,
        /// The project (default: the current folder).
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// The trusted executor (spawned per deploy; speaks JSON lines on stdio).
    #[command(hide = true)]
    Exec,
}

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// Files or folders to check (default: the current folder).
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Report only one family of diagnostics (e.g. `secrets`, `frontmatter`, `criteria`, `ref`).
    #[arg(long)]
    pub only: Option<String>,
    /// Check the content staged in git (the index, not the working tree) of
    /// the files staged for commit; for a pre-commit hook.
    #[arg(long)]
    pub staged: bool,
    /// Also index and scan files matching this glob (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub include: Vec<String>,
    /// Skip files matching this glob (repeatable), on top of `.gitignore`.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// `path:line:col: severity[code]: message`, like a compiler.
    Text,
    /// One JSON array of findings (1-based lines and columns in characters).
    Json,
    /// SARIF 2.1.0.
    Sarif,
}

/// What to run, from the command line; Err(exit code) when the arguments
/// were wrong or asked for help (the message is printed).
pub fn parse() -> Result<Command, i32> {
    match Cli::try_parse() {
        Ok(c) => Ok(c.command.unwrap_or(Command::Lsp)),
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            Err(code)
        }
    }
}

/// Runs one of the batch commands; returns the process exit code.
pub fn run(command: Command) -> i32 {
    match command {
        Command::Check(args) => check::run(&args),
        Command::Plan { args } => plan::run(&args),
        Command::PlanJson { phase, regen, root } => plan::json(phase.as_deref(), regen, &root),
        Command::Deploy { env, yes, regen, root } => deploy::run(&env, yes, regen, &root),
        // Served by main: the language server and the executor.
        Command::Lsp | Command::Exec => 2,
    }
}
