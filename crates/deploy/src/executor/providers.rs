//! Secret providers: where the executor resolves `${secrets.NAME}`.
//! Errors name the reference and the provider, never a value.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use smaqit_core::project::environments::SecretsProvider;

/// Resolves every name, or says which one could not be resolved.
pub fn resolve(provider: &SecretsProvider, names: &[String], root: &Path) -> Result<Vec<(String, String)>, String> {
    let file_values = match provider {
        SecretsProvider::File { path } => Some(read_secrets_file(&expand(path), root)?),
        _ => None,
    };
    let mut out = Vec::new();
    for name in names {
        let value = match provider {
            SecretsProvider::Env => std::env::var(format!("{}{name}", super::PROVIDER_ENV_PREFIX)).map_err(|_| {
                format!("${{secrets.{name}}} could not be resolved: SMAQIT_SECRET_{name} is not set (provider env)")
            })?,
            SecretsProvider::File { path } => file_values
                .as_ref()
                .and_then(|v| v.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()))
                .ok_or_else(|| {
                    format!("${{secrets.{name}}} could not be resolved: {path} has no {name} (provider file)")
                })?,
            SecretsProvider::Command { argv } => run_command(argv, name)?,
        };
        if value.is_empty() {
            return Err(format!("${{secrets.{name}}} resolved to an empty value"));
        }
        let n = value.trim().chars().count();
        if n < super::scrub::MIN_SECRET_LEN {
            return Err(format!(
                "${{secrets.{name}}} resolved to a value of {n} character(s): values shorter than {} cannot be \
                 told apart from ordinary output, so they could not be scrubbed from it; nothing was run. Use a \
                 longer secret.",
                super::scrub::MIN_SECRET_LEN
            ));
        }
        out.push((name.clone(), value));
    }
    Ok(out)
}

fn expand(path: &str) -> PathBuf {
    match path.strip_prefix("~/") {
        Some(rest) => std::env::var_os("HOME").map_or_else(|| PathBuf::from(path), |h| PathBuf::from(h).join(rest)),
        None => PathBuf::from(path),
    }
}

/// `NAME=value` lines; refused when inside the workspace or readable by
/// anyone but its owner.
fn read_secrets_file(path: &Path, root: &Path) -> Result<Vec<(String, String)>, String> {
    let shown = path.display();
    let canonical = path.canonicalize().map_err(|e| format!("secrets file {shown}: {e}"))?;
    if let Ok(root) = root.canonicalize()
        && canonical.starts_with(&root)
    {
        return Err(format!(
            "secrets file {shown} is inside the workspace; keep it outside, where no spec or IaC can hold it"
        ));
    }
    let mode = std::fs::metadata(&canonical).map_err(|e| format!("secrets file {shown}: {e}"))?.permissions().mode();
    if mode & 0o077 != 0 {
        return Err(format!(
            "secrets file {shown} is readable by group or others (mode {:o}); run chmod 600 on it",
            mode & 0o777
        ));
    }
    let text = std::fs::read_to_string(&canonical).map_err(|e| format!("secrets file {shown}: {e}"))?;
    Ok(text
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| {
            let v = v.trim();
            let v = v.strip_prefix('"').and_then(|v| v.strip_suffix('"')).unwrap_or(v);
            (k.trim().to_owned(), v.to_owned())
        })
        .collect())
}

fn run_command(argv: &[String], name: &str) -> Result<String, String> {
    let argv: Vec<String> = argv.iter().map(|a| a.replace("{name}", name)).collect();
    let Some((program, args)) = argv.split_first() else {
        return Err("the command provider has an empty argv".into());
    };
    let out = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .map_err(|e| format!("${{secrets.{name}}}: cannot run `{program}`: {e} (provider command)"))?;
    if !out.status.success() {
        return Err(format!(
            "${{secrets.{name}}} could not be resolved: `{program}` exited with {} (provider command)",
            out.status
        ));
    }
    let value =
        String::from_utf8(out.stdout).map_err(|_| format!("${{secrets.{name}}}: the provider printed non-UTF-8"))?;
    Ok(value.trim_end_matches(['\n', '\r']).to_owned())
}

/// Every value the environment's provider holds in the executor's own
/// environment (`SMAQIT_SECRET_*`), referenced or not: they are scrubbed too.
pub fn provider_env_values() -> Vec<String> {
    std::env::vars_os()
        .filter(|(k, _)| k.to_string_lossy().starts_with(super::PROVIDER_ENV_PREFIX))
        .map(|(_, v)| v.to_string_lossy().into_owned())
        .filter(|v| !v.is_empty())
        .collect()
}
