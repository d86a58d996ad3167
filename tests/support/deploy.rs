//! What the deploy tests share: canary values, an independent oracle of
//! the forms they take (Python's own encoders, not the scrubber's code),
//! searches of every output, file and process for them, and a CLI deploy
//! of a copy of fixtures/clean.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use super::bin;

/// Canaries: `/`, `+`, `=`, a quote, a space, non-ASCII.
pub const PW: &str = "Canary-pw/+7=é\"q x'Z";
pub const SESSION: &str = "canary-session-4b1f9e0c";
pub const INFRA: &str = "specs/infrastructure/local-service.md";
pub const UPSTREAM: &str = "specs/functional/reading-lists.md";

/// The env provider's variables for the fixture's two secrets.
pub fn secrets_env() -> [(&'static str, &'static str); 2] {
    [("SMAQIT_SECRET_DB_PASSWORD", PW), ("SMAQIT_SECRET_SESSION_SECRET", SESSION)]
}

/// The forms `v` takes when common tools print it, computed by Python's
/// own encoders (an oracle independent of the scrubber): raw, base64
/// (standard and URL-safe, at offsets 0–2 inside a longer encoding), hex,
/// reversed, `quote`, `quote(safe='')`, `quote_plus`, `json.dumps` with and
/// without ASCII escapes, `ascii()`, `repr`, PyYAML's double-quoted form,
/// `shlex.quote` and bash's single-quote form. Only the parts that carry 8+
/// characters of the value are kept.
pub fn forms(v: &str) -> Vec<String> {
    let script = r#"
import base64, binascii, json, shlex, sys, urllib.parse as u
v = sys.argv[1]
b = v.encode()
out = [v, v[::-1], b.hex(), b.hex().upper(),
       u.quote(v), u.quote(v, safe=''), u.quote_plus(v),
       json.dumps(v)[1:-1], json.dumps(v, ensure_ascii=False)[1:-1], ascii(v)[1:-1], repr(v)[1:-1],
       shlex.quote(v), v.replace("'", "'\\''")]
try:
    import yaml
    out.append(yaml.safe_dump(v).strip().split('\n')[0].strip('"'))
except Exception:
    pass
for lead in range(3):
    for enc in (base64.b64encode, base64.urlsafe_b64encode):
        e = enc(b'\0' * lead + b).decode().rstrip('=')
        skip = (lead * 8 + 5) // 6
        full = ((lead + len(b)) * 8) // 6
        out.append(e[skip:full])
for f in out:
    if len(f) >= 8:
        print(f)
"#;
    let out = Command::new("python3").args(["-c", script, v]).output().expect("python3 for the canary oracle");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut v: Vec<String> = String::from_utf8(out.stdout).unwrap().lines().map(str::to_owned).collect();
    v.sort();
    v.dedup();
    v
}

/// Every form of every canary in `values` is absent from `text`.
pub fn assert_clean_of(what: &str, text: &str, values: &[&str]) {
    for v in values {
        for f in forms(v) {
            assert!(!text.contains(&f), "{what} leaks a secret form `{}…`", &f.chars().take(4).collect::<String>());
        }
    }
}

pub fn assert_clean(what: &str, text: &str) {
    assert_clean_of(what, text, &[PW, SESSION]);
}

/// Every file under `dir` is clean.
pub fn assert_tree_clean(dir: &Path) {
    for entry in walk(dir) {
        if let Ok(bytes) = std::fs::read(&entry) {
            assert_clean(&entry.display().to_string(), &String::from_utf8_lossy(&bytes));
        }
    }
}

pub fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() { out.extend(walk(&p)) } else { out.push(p) }
        }
    }
    out
}

/// Stops the service a fixture deploy started, when dropped.
pub struct Service(pub PathBuf);

impl Drop for Service {
    fn drop(&mut self) {
        if let Ok(pid) = std::fs::read_to_string(self.0.join(".smaqit/run/service.pid")) {
            let _ = Command::new("kill").arg(pid.trim()).status();
        }
    }
}

/// The temporary folder of `dir`'s deploys (so that leftovers are checked
/// without racing other tests).
pub fn tmp_of(dir: &Path) -> PathBuf {
    let tmp = PathBuf::from(format!("{}-tmp", dir.display()));
    std::fs::create_dir_all(&tmp).unwrap();
    tmp
}

/// `smaqit-ls deploy --env local --yes` in `dir` with `args` after it;
/// asserts stdout and stderr are clean of the canaries and that no private
/// folder is left; returns the exit code, the JSON outcome and stderr.
pub fn deploy_with(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> (i32, Value, String) {
    let tmp = tmp_of(dir);
    let out = Command::new(bin())
        .args(["deploy", "--env", "local", "--yes"])
        .args(args)
        .current_dir(dir)
        .env("TMPDIR", &tmp)
        .env("XDG_STATE_HOME", dir.join("..").join(format!("{}-state", dir.file_name().unwrap().to_string_lossy())))
        .envs(env.iter().copied())
        .output()
        .unwrap();
    let left: Vec<_> = std::fs::read_dir(&tmp).unwrap().flatten().map(|e| e.path()).collect();
    assert!(left.is_empty(), "the private folder is removed: {left:?}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_clean("deploy stdout", &stdout);
    assert_clean("deploy stderr", &stderr);
    let v: Value = serde_json::from_str(stdout.trim()).unwrap_or_else(|e| panic!("{e}: {stdout}\n{stderr}"));
    (out.status.code().unwrap_or(-1), v, stderr)
}

pub fn deploy(dir: &Path, env: &[(&str, &str)]) -> (i32, Value, String) {
    deploy_with(dir, &[], env)
}

pub fn status_of(dir: &Path, spec: &str) -> String {
    let text = std::fs::read_to_string(dir.join(spec)).unwrap();
    text.lines().find_map(|l| l.strip_prefix("status: ")).unwrap().to_owned()
}

pub fn set_env(dir: &Path, f: impl Fn(&str) -> String) {
    let p = dir.join(".smaqit/environments.toml");
    let text = std::fs::read_to_string(&p).unwrap();
    std::fs::write(&p, f(&text)).unwrap();
}

/// Replaces the environment's steps with `steps` (a TOML array of argvs).
pub fn set_steps(dir: &Path, steps: &str) {
    set_env(dir, |t| {
        let start = t.find("steps = [").unwrap();
        let end = t[start..].find("\n]\n").unwrap() + start + 3;
        format!("{}steps = {steps}\n{}", &t[..start], &t[end..])
    });
}

/// Processes whose environment holds `value`.
pub fn canary_processes(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        if let Ok(env) = std::fs::read(e.path().join("environ"))
            && String::from_utf8_lossy(&env).contains(value)
        {
            out.push(e.file_name().to_string_lossy().into_owned());
        }
    }
    out
}

/// Within 15 s no process holds `pw` and the private folder in `tmp` is
/// gone; no file of `dir` holds `pw`.
pub fn assert_nothing_left(dir: &Path, tmp: &Path, pw: &str, what: &str) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        let left: Vec<_> = std::fs::read_dir(tmp).unwrap().flatten().map(|e| e.path()).collect();
        let procs = canary_processes(pw);
        if left.is_empty() && procs.is_empty() {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "{what}: left {left:?}, processes {procs:?}");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    for f in walk(dir) {
        assert!(!std::fs::read_to_string(&f).unwrap_or_default().contains(pw), "{} holds the secret", f.display());
    }
}
