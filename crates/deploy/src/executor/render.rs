//! Rendering the environment's files into the private folder: each
//! `${secrets.NAME}` replaced by its value through the reference's filter
//! (`|yaml`, `|json`, `|shell`, `|url`), written owner-only.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use smaqit_core::project::references::secret_refs;

/// Copies each file into `dir` (same relative path) with references resolved.
pub fn render(root: &Path, files: &[String], values: &[(String, String)], dir: &Path) -> Result<(), String> {
    for f in files {
        let rel = Path::new(f);
        if rel.is_absolute() || rel.components().any(|c| matches!(c, std::path::Component::ParentDir)) {
            return Err(format!("file `{f}` must be a path inside the project"));
        }
        let text = std::fs::read_to_string(root.join(rel)).map_err(|e| format!("cannot read `{f}`: {e}"))?;
        let mut rendered = String::with_capacity(text.len());
        let mut at = 0;
        for r in secret_refs(&text) {
            let Some((_, value)) = values.iter().find(|(n, _)| *n == r.name) else { continue };
            let filter =
                r.filter.map_err(|bad| format!("`{f}`: unknown filter `|{bad}` in ${{secrets.{}|{bad}}}", r.name))?;
            rendered.push_str(&text[at..r.range.start]);
            rendered.push_str(&filter.apply(value));
            at = r.range.end;
        }
        rendered.push_str(&text[at..]);
        let target = dir.join(rel);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("cannot create a folder for `{f}`: {e}"))?;
        }
        write_private(&target, &rendered).map_err(|e| format!("cannot write the rendered `{f}`: {e}"))?;
    }
    Ok(())
}

fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    f.write_all(text.as_bytes())
}
