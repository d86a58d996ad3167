//! What real tools print of a secret, through a real deploy: Python's
//! encoders, `bash -x`, `curl -v -u`, coreutils (`base64` wrapping at 76
//! columns, `od`, `rev`, `fold`), `grep --color`, a multi-line private key,
//! a rotated value printed by `diff`. Every output, the report and every
//! file left behind are searched for the canaries in every form an
//! independent oracle (Python) computes.

mod support;

use std::path::Path;
use std::process::Command;

use support::deploy::*;
use support::*;

/// The fixture's service steps, then `script` run as a step with the
/// secrets in its environment (and `{port}` the service's).
fn with_script(dir: &Path, script: &str) {
    std::fs::write(dir.join("deploy/leak.sh"), script).unwrap();
    set_env(dir, |t| t.replacen("\n]\n", "\n  [\"bash\", \"deploy/leak.sh\", \"{port}\"],\n]\n", 1));
}

/// The lines of the report's logs joined with nothing between them: what
/// a value printed a few characters per line looks like reassembled.
fn joined_log(text: &str) -> String {
    text.lines().map(str::trim).collect::<String>()
}

const TOOLS: &str = r#"#!/bin/bash
port=$1
set -x
echo "raw=$DB_PASSWORD"
printf '%s' "$DB_PASSWORD$DB_PASSWORD$DB_PASSWORD" | base64
printf 'user:%s' "$DB_PASSWORD" | base64 -w0; echo
printf '%s' "$DB_PASSWORD" | od -An -tx1
printf '%s\n' "$DB_PASSWORD" | rev
printf '%s\n' "$DB_PASSWORD" | fold -w1
printf '%s\n' "$DB_PASSWORD" | fold -w7
echo "pw: $DB_PASSWORD" | grep --color=always -E '[a-z]'
set +x
for i in $(seq 100); do curl -s "http://127.0.0.1:$port/" -o /dev/null && break; sleep 0.1; done
curl -sv -u "user:$DB_PASSWORD" "http://127.0.0.1:$port/" -o /dev/null
python3 - <<'PY'
import base64, json, os, urllib.parse as u
v = os.environ["DB_PASSWORD"]
print(u.quote(v)); print(u.quote(v, safe="")); print(u.quote_plus(v))
print(json.dumps(v)); print(json.dumps({"s": v}, ensure_ascii=False)); print(ascii(v)); print(repr(v))
print(base64.encodebytes(("x" * 50 + v + "y" * 50).encode()).decode())
print(v.encode().hex()); print(v.encode().hex().upper())
try:
    import yaml
    print(yaml.safe_dump({"password": v}))
except ImportError:
    print("yaml: not installed")
PY
"#;

#[test]
fn what_common_tools_print_of_a_value_is_scrubbed() {
    let dir = temp_copy("clean");
    let _svc = Service(dir.clone());
    with_script(&dir, TOOLS);
    let (code, out, stderr) = deploy(&dir, &secrets_env());
    assert_eq!(code, 0, "{out}\n{stderr}");
    assert!(stderr.contains("raw=***"), "the output came through, scrubbed: {stderr}");
    assert!(stderr.contains("Authorization: Basic ***"), "curl's header came through, scrubbed: {stderr}");
    let report = std::fs::read_to_string(out["report"].as_str().unwrap()).unwrap();
    for (what, text) in [("stderr", &stderr), ("report", &report)] {
        assert_clean(what, text);
        // Reassembled from one, and from seven, characters per line.
        assert!(!joined_log(text).contains(PW), "{what}: a value printed a few characters per line leaks");
        assert!(!text.contains('\u{1b}'), "{what}: a terminal escape came through");
    }
    assert_tree_clean(&dir);
}

#[test]
fn a_multi_line_private_key_is_scrubbed_line_by_line() {
    let key = String::from_utf8(
        Command::new("openssl")
            .args(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024"])
            .output()
            .expect("openssl")
            .stdout,
    )
    .unwrap();
    let key = key.trim_end().to_owned();
    assert!(key.starts_with("-----BEGIN PRIVATE KEY-----"));
    let dir = temp_copy("clean");
    let _svc = Service(dir.clone());
    with_script(
        &dir,
        "#!/bin/bash\nprintf '%s\\n' \"$DB_PASSWORD\"\nprintf '%s\\n' \"$DB_PASSWORD\" | sed 's/^/+/'\npython3 -c 'import json,os; print(json.dumps({\"key\": os.environ[\"DB_PASSWORD\"]}))'\n",
    );
    let env = [("SMAQIT_SECRET_DB_PASSWORD", key.as_str()), ("SMAQIT_SECRET_SESSION_SECRET", SESSION)];
    let (code, out, stderr) = deploy(&dir, &env);
    assert_eq!(code, 0, "{out}\n{stderr}");
    let report = std::fs::read_to_string(out["report"].as_str().unwrap()).unwrap();
    let body: Vec<&str> = key.lines().filter(|l| !l.starts_with("-----")).collect();
    for (what, text) in [("stderr", &stderr), ("report", &report)] {
        for line in &body {
            assert!(!text.contains(&line[..line.len().min(24)]), "{what} leaks a line of the key");
        }
        assert!(!text.contains(&key[..60].replace('\n', "\\n")), "{what} leaks the JSON-escaped key");
    }
}

#[test]
fn a_rotated_value_is_masked_when_a_later_deploy_prints_it() {
    let old = "Rotated-old-canary-1f7e2b";
    let new = "Rotated-new-canary-9c0d4a";
    let dir = temp_copy("clean");
    let _svc = Service(dir.clone());
    // The "target": a file outside the project that each deploy rewrites,
    // printing what it replaces, as `ansible-playbook --diff` does.
    let target = std::path::PathBuf::from(format!("{}-target", dir.display()));
    with_script(
        &dir,
        &format!(
            "#!/bin/bash\nt={}\nprintf 'password=%s\\n' \"$DB_PASSWORD\" > \"$t.new\"\n[ -f \"$t\" ] && diff -u \"$t\" \"$t.new\"\nmv \"$t.new\" \"$t\"\nexit 0\n",
            target.display()
        ),
    );
    let (code, out, _) = deploy(&dir, &[("SMAQIT_SECRET_DB_PASSWORD", old), ("SMAQIT_SECRET_SESSION_SECRET", SESSION)]);
    assert_eq!(code, 0, "{out}");
    let (code, out, stderr) = deploy_with(
        &dir,
        &["--regen"],
        &[("SMAQIT_SECRET_DB_PASSWORD", new), ("SMAQIT_SECRET_SESSION_SECRET", SESSION)],
    );
    assert_eq!(code, 0, "{out}");
    assert!(stderr.contains("-password=***") && stderr.contains("+password=***"), "the diff came through: {stderr}");
    let report = std::fs::read_to_string(out["report"].as_str().unwrap()).unwrap();
    assert_clean_of("stderr", &stderr, &[old, new]);
    assert_clean_of("report", &report, &[old, new]);
    // What the executor remembers of the old value is not the value.
    let state = std::path::PathBuf::from(format!("{}-state", dir.display()));
    for f in walk(&state) {
        assert_clean_of(&f.display().to_string(), &std::fs::read_to_string(&f).unwrap_or_default(), &[old, new]);
    }
    let _ = std::fs::remove_file(&target);
}

#[test]
fn a_value_too_short_to_scrub_is_refused_before_anything_runs() {
    let dir = temp_copy("clean");
    let marker = dir.join("ran");
    set_env(&dir, |t| t.replacen("steps = [\n", &format!("steps = [\n  [\"touch\", \"{}\"],\n", marker.display()), 1));
    let (code, out, _) =
        deploy(&dir, &[("SMAQIT_SECRET_DB_PASSWORD", "k9Z"), ("SMAQIT_SECRET_SESSION_SECRET", SESSION)]);
    assert_eq!(code, 1, "{out}");
    let message = out["message"].as_str().unwrap();
    assert!(message.contains("${secrets.DB_PASSWORD} resolved to a value of 3 character(s)"), "{message}");
    assert!(message.contains("nothing was run") && !message.contains("k9Z"), "{message}");
    assert!(!marker.exists(), "no step ran");
    assert_eq!(status_of(&dir, INFRA), "draft");
}

#[test]
fn provider_variables_no_file_references_are_neither_passed_on_nor_printed() {
    let unused = "Unused-provider-canary-6611";
    let dir = temp_copy("clean");
    let _svc = Service(dir.clone());
    with_script(&dir, "#!/bin/bash\nenv | sort\necho \"unused: $SMAQIT_SECRET_UNUSED\"\n");
    let mut env = secrets_env().to_vec();
    env.push(("SMAQIT_SECRET_UNUSED", unused));
    let (code, out, stderr) = deploy(&dir, &env);
    assert_eq!(code, 0, "{out}");
    assert!(
        stderr.contains("unused: \n") || stderr.trim_end().ends_with("unused:") || stderr.contains("unused: \r"),
        "the step does not see it: {stderr}"
    );
    assert!(!stderr.contains("SMAQIT_SECRET_"), "no provider variable reaches a step: {stderr}");
    assert_clean_of("stderr", &stderr, &[unused]);
}
