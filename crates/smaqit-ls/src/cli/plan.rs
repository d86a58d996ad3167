//! `smaqit-ls plan`: the smaqit CLI's arguments (unknown ones ignored, as it
//! does), then the core's `plan`.

use std::path::PathBuf;

use smaqit_core::project::plan::{PlanArgs, render};

fn parse_args(args: &[String]) -> (PlanArgs, Option<PathBuf>) {
    let mut a = PlanArgs::default();
    let mut root = None;
    let mut it = args.iter().peekable();
    while let Some(arg) = it.next() {
        if let Some(p) = arg.strip_prefix("--phase=") {
            a.phase = Some(p.to_owned());
        } else if arg == "--verbose" {
            a.verbose = true;
        } else if arg == "--regen" {
            a.regen = true;
        } else if arg == "--format=json" || (arg == "--format" && it.peek().is_some_and(|v| *v == "json")) {
            a.json = true;
        } else if let Some(r) = arg.strip_prefix("--root=") {
            root = Some(PathBuf::from(r));
        }
        // Anything else is ignored, as the smaqit CLI does.
    }
    (a, root)
}

pub fn run(raw: &[String]) -> i32 {
    let (args, root) = parse_args(raw);
    let root = root.unwrap_or_else(|| PathBuf::from("."));
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match render(&root, &args, &mut out, &mut |w| eprintln!("{w}")) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("Error: {e}");
            2
        }
    }
}
