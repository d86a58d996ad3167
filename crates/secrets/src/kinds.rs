//! File kinds, picked from the path alone (name and extension, never content).

use std::path::Path;

/// The syntax family of a file. It only tunes value lexing (which values are
/// literals) and a few format-specific rules; every detector runs on every kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Dotenv,
    Yaml,
    Hcl,
    Json,
    Ini,
    Toml,
    Markdown,
    Dockerfile,
    Shell,
    Properties,
    Nginx,
    Other,
}

impl FileKind {
    /// In these formats an unquoted value is an expression (`var.x`,
    /// `random_password.x.result`, a number, `true`), never a string literal.
    pub(crate) fn bare_values_are_code(self) -> bool {
        matches!(self, FileKind::Hcl | FileKind::Json | FileKind::Toml)
    }
}

/// Suffixes that mark a file as a template of the real one: weak "sample"
/// passwords in them are placeholders, not leaks.
const EXAMPLE_SUFFIXES: &[&str] = &["example", "sample", "dist", "template", "tmpl"];

/// Suffixes that wrap another format without changing its syntax.
const WRAPPER_SUFFIXES: &[&str] = &[
    "example", "sample", "dist", "template", "tmpl", "j2", "jinja", "jinja2", "tpl", "orig", "bak", "default", "local",
];

/// Classify `path`: its kind and whether it is an example/template file.
pub(crate) fn classify(path: &Path) -> (FileKind, bool) {
    let name = match path.file_name().and_then(|n| n.to_str()) {
        Some(n) => n,
        None => return (FileKind::Other, false),
    };
    let lower = name.to_ascii_lowercase();
    let in_nginx_dir = path.components().any(|c| {
        c.as_os_str()
            .to_str()
            .map(|s| {
                let s = s.to_ascii_lowercase();
                s == "nginx" || s == "conf.d" || s.starts_with("sites-") || s == "haproxy"
            })
            .unwrap_or(false)
    });
    // Strip wrapper suffixes (`.env.example`, `app.env.j2`, `x.py.example`).
    let mut stem: &str = &lower;
    let mut example = false;
    loop {
        match stem.rsplit_once('.') {
            Some((head, ext)) if !head.is_empty() && WRAPPER_SUFFIXES.contains(&ext) => {
                if EXAMPLE_SUFFIXES.contains(&ext) {
                    example = true;
                }
                stem = head;
            }
            _ => break,
        }
    }
    if lower.contains(".example.") || lower.starts_with("example.") {
        example = true;
    }
    (kind_of_name(stem, in_nginx_dir), example)
}

fn kind_of_name(name: &str, in_nginx_dir: bool) -> FileKind {
    // Names first: many config files have no extension.
    if name == "dockerfile"
        || name == "containerfile"
        || name.starts_with("dockerfile.")
        || name.ends_with(".dockerfile")
        || name.ends_with(".containerfile")
    {
        return FileKind::Dockerfile;
    }
    if name == ".env" || name.starts_with(".env.") || name.ends_with(".env") || name == ".envrc" {
        return FileKind::Dotenv;
    }
    if name == ".terraformrc" || name == "terraform.rc" {
        return FileKind::Hcl;
    }
    if name.contains("haproxy") && (name.ends_with(".cfg") || name.ends_with(".conf")) {
        return FileKind::Nginx;
    }
    if matches!(
        name,
        "credentials"
            | ".npmrc"
            | ".pypirc"
            | ".gitconfig"
            | ".netrc"
            | "_netrc"
            | ".pgpass"
            | ".my.cnf"
            | ".yarnrc"
            | ".condarc"
            | ".s3cfg"
            | ".boto"
    ) {
        return FileKind::Ini;
    }
    if name == ".git-credentials" {
        return FileKind::Other;
    }
    if name == "jenkinsfile" || name == "makefile" || name == "procfile" {
        return FileKind::Shell;
    }
    let ext = match name.rsplit_once('.') {
        Some((_, e)) => e,
        None => return FileKind::Other,
    };
    match ext {
        "yml" | "yaml" => FileKind::Yaml,
        "lock" if name == "chart.lock" => FileKind::Yaml,
        "tf" | "tfvars" | "hcl" | "nomad" | "pkr" => FileKind::Hcl,
        "json" | "jsonc" | "json5" | "tfstate" | "ipynb" => FileKind::Json,
        "toml" => FileKind::Toml,
        "ini" | "cnf" | "cfg" | "editorconfig" => FileKind::Ini,
        "conf" => {
            if in_nginx_dir || name.contains("nginx") {
                FileKind::Nginx
            } else {
                FileKind::Ini
            }
        }
        "md" | "markdown" | "mdx" => FileKind::Markdown,
        "sh" | "bash" | "zsh" | "ksh" | "fish" | "ps1" | "psm1" | "psd1" | "cmd" | "bat" => FileKind::Shell,
        "properties" => FileKind::Properties,
        "nginx" | "vhost" => FileKind::Nginx,
        _ => FileKind::Other,
    }
}

/// The kind [`crate::Scanner::scan`] uses for `path` (by name and extension).
pub fn file_kind(path: &Path) -> FileKind {
    classify(path).0
}

/// File names (lower-case) scanned although they have no telling extension.
const SCANNABLE_NAMES: &[&str] = &[
    "dockerfile",
    "containerfile",
    ".env",
    ".envrc",
    "credentials",
    ".npmrc",
    ".pypirc",
    ".git-credentials",
    ".terraformrc",
    "terraform.rc",
    ".netrc",
    "_netrc",
    ".pgpass",
    ".gitconfig",
    ".my.cnf",
    ".yarnrc",
    ".s3cfg",
    ".boto",
    "jenkinsfile",
    "makefile",
    "procfile",
    "config",
    "id_rsa",
    "id_dsa",
    "id_ecdsa",
    "id_ed25519",
];

/// Extensions (lower-case, after wrapper suffixes are removed) we scan.
const SCANNABLE_EXTS: &[&str] = &[
    "yml",
    "yaml",
    "tf",
    "tfvars",
    "hcl",
    "nomad",
    "pkr",
    "json",
    "jsonc",
    "json5",
    "tfstate",
    "toml",
    "ini",
    "cnf",
    "cfg",
    "conf",
    "md",
    "markdown",
    "mdx",
    "sh",
    "bash",
    "zsh",
    "ksh",
    "fish",
    "ps1",
    "psm1",
    "psd1",
    "cmd",
    "bat",
    "properties",
    "env",
    "envrc",
    "nginx",
    "vhost",
    "py",
    "rb",
    "xml",
    "txt",
    "pem",
    "key",
    "p8",
    "ppk",
    "asc",
    "crt",
    "cer",
    "lock",
    "gradle",
    "kts",
    "sql",
    "dockerfile",
    "containerfile",
    "plist",
    "service",
    "npmrc",
    "pypirc",
    "tpl",
    "j2",
    "jinja",
    "jinja2",
    "tmpl",
    "template",
    "example",
    "sample",
    "dist",
    "gotmpl",
];

/// Whether a file is worth scanning, by name and extension only: config,
/// IaC, scripts, Markdown and key files, including hidden and extension-less
/// ones (`Dockerfile`, `.env*`, `.envrc`, `credentials`, `.npmrc`, …).
pub fn is_scannable_path(path: &Path) -> bool {
    let name = match path.file_name().and_then(|n| n.to_str()) {
        Some(n) => n.to_ascii_lowercase(),
        None => return false,
    };
    if SCANNABLE_NAMES.contains(&name.as_str())
        || name.starts_with(".env.")
        || name.starts_with("dockerfile.")
        || name.starts_with("containerfile.")
    {
        return true;
    }
    match name.rsplit_once('.') {
        Some((_, ext)) => SCANNABLE_EXTS.contains(&ext),
        None => false,
    }
}

/// Heuristic binary check on the first 8 KiB: a NUL byte, invalid UTF-8, or
/// many control characters.
pub fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(8192)];
    if memchr::memchr(0, head).is_some() {
        return true;
    }
    // A multi-byte sequence may be cut at the 8 KiB boundary: only the error
    // position matters, an incomplete tail is fine.
    if let Err(e) = std::str::from_utf8(head)
        && e.error_len().is_some()
    {
        return true;
    }
    let controls = head.iter().filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c)).count();
    controls * 20 > head.len().max(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn kinds_by_name() {
        let k = |p: &str| classify(Path::new(p)).0;
        assert_eq!(k("a/Dockerfile"), FileKind::Dockerfile);
        assert_eq!(k("a/Dockerfile.python-base"), FileKind::Dockerfile);
        assert_eq!(k(".env.production"), FileKind::Dotenv);
        assert_eq!(k(".envrc"), FileKind::Dotenv);
        assert_eq!(k("app.env.j2"), FileKind::Dotenv);
        assert_eq!(k("values.yaml"), FileKind::Yaml);
        assert_eq!(k("Chart.lock"), FileKind::Yaml);
        assert_eq!(k(".terraform.lock.hcl"), FileKind::Hcl);
        assert_eq!(k(".terraformrc"), FileKind::Hcl);
        assert_eq!(k("x.tfvars"), FileKind::Hcl);
        assert_eq!(k("conf.d/grafana.conf"), FileKind::Nginx);
        assert_eq!(k("haproxy.cfg"), FileKind::Nginx);
        assert_eq!(k("supervisord.conf"), FileKind::Ini);
        assert_eq!(k("aws/credentials"), FileKind::Ini);
        assert_eq!(k("gradle.properties"), FileKind::Properties);
        assert_eq!(k("deploy.ps1"), FileKind::Shell);
        assert_eq!(k("spec.md"), FileKind::Markdown);
        assert_eq!(k("settings.py"), FileKind::Other);
        assert!(classify(Path::new(".env.example")).1);
        assert!(classify(Path::new("local_settings.py.example")).1);
        assert!(!classify(Path::new(".env")).1);
    }

    #[test]
    fn scannable() {
        for p in [
            "Dockerfile",
            ".env",
            ".env.local",
            ".envrc",
            "credentials",
            ".npmrc",
            ".pypirc",
            ".git-credentials",
            ".terraformrc",
            "main.tf",
            "values.yaml",
            "a.md",
            "x.key",
            "settings.py",
            "local_settings.py.example",
            "deploy-win.cmd",
            "Chart.lock",
            ".terraform.lock.hcl",
        ] {
            assert!(is_scannable_path(Path::new(p)), "{p}");
        }
        for p in ["logo.png", "app.jar", "archive.tar.gz", "main.rs", "README"] {
            assert!(!is_scannable_path(Path::new(p)), "{p}");
        }
    }

    #[test]
    fn binary() {
        assert!(looks_binary(b"\x00\x01abc"));
        assert!(looks_binary(&[0xff, 0xfe, b'a', b'b']));
        assert!(!looks_binary("héllo ✓ 🚀\r\n".as_bytes()));
        assert!(!looks_binary(b""));
    }
}
