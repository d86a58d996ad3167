//! References and templates: a value that names where the secret comes from
//! (`${secrets.X}`, `${VAR}`, `$VAR`, `{{ … }}`, `%VAR%`, `$(cmd)`, vault paths)
//! rather than holding it.

use super::*;

/// References, templates and indirections: the literal is not the secret.
pub(crate) fn is_reference(v: &str) -> bool {
    let b = v.as_bytes();
    if b.is_empty() {
        return true;
    }
    if b[0] == b'$' {
        return true; // $X ${X} $(cmd) $[expr] $__file{…} $$X
    }
    for pat in ["${", "$(", "{{", "}}", "{%", "#{", "%(", "%{", "$__", "<%"] {
        if v.contains(pat) {
            return true;
        }
    }
    // %VAR%, and token-replacement markers: __VAR__, @@VAR@@, ##VAR##.
    for (open, close) in [("%", "%"), ("__", "__"), ("@@", "@@"), ("##", "##")] {
        if v.len() > open.len() + close.len() && v.starts_with(open) && v.ends_with(close) {
            return true;
        }
    }
    const PREFIXES: &[&str] = &[
        "@microsoft.keyvault(",
        "enc[",
        "vault:",
        "op://",
        "arn:",
        "secretsmanager:",
        "ssm:",
        "sm://",
        "gcpsm://",
        "akv://",
        "env:",
        "file:",
        "classpath:",
        "fd:",
        "var.",
        "local.",
        "data.",
        "module.",
        "each.",
        "count.",
        "path.",
        "self.",
        "terraform.",
        "<<",
        "!vault",
        "!ref",
        "!sub",
        "!getatt",
        "!importvalue",
        "!join",
        "!select",
        "!findinmap",
        "!base64",
        "!if",
        "!env",
        "!reference",
        "!secret",
        "process.env",
        "os.environ",
        "os.getenv",
        "system.getenv",
        "env(",
        "env[",
        "getenv(",
        "lookup(",
        "secret(",
        "file(",
        "filebase64(",
        "templatefile(",
    ];
    if PREFIXES.iter().any(|p| starts_with_ci(v, p)) {
        return true;
    }
    // YAML alias `*name`.
    if b[0] == b'*'
        && b.len() > 1
        && b[1].is_ascii_alphabetic()
        && b.iter().all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'*' | b'_' | b'-'))
    {
        return true;
    }
    false
}
