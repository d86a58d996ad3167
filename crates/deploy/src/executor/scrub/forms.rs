//! The forms a value takes in the output of the tools deployments run:
//! what the scrubber looks for besides the value itself. Every form here was
//! seen in real output (ansible-core at `-vvv --diff`, curl `-v`, `bash -x`,
//! dash `-x`, Python's `repr`/`ascii`/`json`/`urllib`/`base64`, PyYAML,
//! `pass`), or is the same encoding with the other letter case. A value is
//! not followed through encryption, hashing or a transformation chosen to
//! hide it (README, "Threat model").

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};

/// One string to mask.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Form {
    pub text: String,
    /// A base64 fragment: the whole run of base64 characters around a match
    /// is masked, since the characters at its edges also carry the value.
    pub base64: bool,
}

/// The shortest value the executor accepts: below this, a value (and the
/// fragments its encodings leave) matches ordinary output too often to be
/// masked reliably, so a deploy with one is refused before anything runs.
pub const MIN_SECRET_LEN: usize = 8;

/// Forms shorter than this are not looked for (a multi-line value's short
/// last line, a base64 fragment's stable core of a short value).
const MIN_FORM_LEN: usize = 6;

/// Every form of `value` worth looking for, de-duplicated.
pub fn forms_of(value: &str) -> Vec<Form> {
    let mut texts: Vec<String> = Vec::new();
    let mut b64: Vec<String> = Vec::new();
    let add_all = |v: &str, texts: &mut Vec<String>, b64: &mut Vec<String>| {
        texts.extend(text_forms(v));
        b64.extend(base64_forms(v.as_bytes()));
    };
    add_all(value, &mut texts, &mut b64);
    // Tools add a newline to what they encode (`echo "$V" | base64`).
    b64.extend(base64_forms(format!("{value}\n").as_bytes()));
    if value.contains('\n') {
        // A multi-line value (a PEM key) is printed line by line, each line
        // prefixed, coloured or quoted on its own.
        for line in value.lines().map(str::trim).filter(|l| l.len() >= MIN_FORM_LEN) {
            add_all(line, &mut texts, &mut b64);
        }
    }
    let mut out: Vec<Form> = texts
        .into_iter()
        .filter(|t| t.len() >= MIN_FORM_LEN)
        .map(|text| Form { text, base64: false })
        .chain(b64.into_iter().filter(|t| t.len() >= MIN_FORM_LEN).map(|text| Form { text, base64: true }))
        .collect();
    out.sort();
    out.dedup_by(|a, b| a.text == b.text);
    out
}

/// Textual encodings: raw, reversed, quoted for shells and languages (and
/// quoted twice, as Ansible's `-vvv` EXEC lines do), URL-encoded, hex.
fn text_forms(v: &str) -> Vec<String> {
    let mut out = vec![v.to_owned(), v.chars().rev().collect()];
    // A long value shown cut short (`Kq7vL2pR…`) or by its end.
    let chars: Vec<char> = v.chars().collect();
    if chars.len() >= 16 && !v.contains('\n') {
        out.push(chars[..8].iter().collect());
        out.push(chars[chars.len() - 8..].iter().collect());
    }
    let quoters: [fn(&str) -> String; 11] = [
        json_inner,
        json_ascii_lower,
        json_ascii_upper,
        |s| json_ascii_lower(s).replace('/', "\\/"),
        shell_single_bash,
        shell_single_python,
        printf_q,
        regex_escape,
        |s| python_repr_inner(s, '\''),
        |s| python_repr_inner(s, '"'),
        yaml_double_quoted,
    ];
    for q in quoters {
        out.push(q(v));
    }
    // Quoted twice: a JSON result holding a shell command, a shell command
    // holding a quoted assignment.
    let twice: [fn(&str) -> String; 3] = [json_inner, shell_single_bash, shell_single_python];
    for a in twice {
        for b in twice {
            out.push(b(&a(v)));
        }
    }
    out.extend(escaped_non_ascii(v));
    out.extend(url_forms(v));
    let hex: String = v.bytes().map(|b| format!("{b:02x}")).collect();
    out.push(hex.to_ascii_uppercase());
    out.push(v.bytes().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(" "));
    out.push(hex);
    out
}

/// The value inside a JSON string (`"` `\` and controls escaped).
fn json_inner(v: &str) -> String {
    let j = serde_json::to_string(v).unwrap_or_default();
    j.get(1..j.len().saturating_sub(1)).unwrap_or("").to_owned()
}

/// JSON with every non-ASCII character as `\uXXXX` (Python's `json.dumps`).
fn json_ascii_lower(v: &str) -> String {
    utf16_escape(&json_inner(v), false)
}

fn json_ascii_upper(v: &str) -> String {
    utf16_escape(&json_inner(v), true)
}

fn utf16_escape(s: &str, upper: bool) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            for u in c.encode_utf16(&mut [0u16; 2]) {
                out.push_str(&if upper { format!("\\u{u:04X}") } else { format!("\\u{u:04x}") });
            }
        }
    }
    out
}

/// Inside bash's single quotes: `'` becomes `'\''` (`bash -x`, `${V@Q}`).
fn shell_single_bash(v: &str) -> String {
    v.replace('\'', "'\\''")
}

/// Inside Python's `shlex.quote`: `'` becomes `'"'"'` (Ansible).
fn shell_single_python(v: &str) -> String {
    v.replace('\'', "'\"'\"'")
}

/// bash's `printf %q`: a backslash before every shell-special character.
fn printf_q(v: &str) -> String {
    let mut out = String::new();
    for c in v.chars() {
        if " '\"\\!$&*()[]{};|<>?`~#\t".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Python's `re.escape` (Ansible's `regex_escape`).
fn regex_escape(v: &str) -> String {
    let mut out = String::new();
    for c in v.chars() {
        if !(c.is_alphanumeric() || c == '_') && c.is_ascii() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The inside of Python's `repr` of a string quoted with `quote` (it picks
/// `"` when the value holds `'` but no `"`).
fn python_repr_inner(v: &str, quote: char) -> String {
    let mut out = String::new();
    for c in v.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out
}

/// Inside a YAML double-quoted scalar as PyYAML writes it: `\\` and `"`
/// escaped, non-ASCII as `\\xE9` / `\\u00E9`-style upper-case escapes.
fn yaml_double_quoted(v: &str) -> String {
    let mut out = String::new();
    for c in v.chars() {
        let n = c as u32;
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_ascii() && !c.is_control() => out.push(c),
            _ if n < 0x100 => out.push_str(&format!("\\x{n:02X}")),
            _ if n < 0x10000 => out.push_str(&format!("\\u{n:04X}")),
            _ => out.push_str(&format!("\\U{n:08X}")),
        }
    }
    out
}

/// Non-ASCII as escapes: `\xe4` for code points under 256 and `\u…` above
/// (Python's `ascii()`, lower case; PyYAML, upper case), the UTF-8 bytes as
/// `\xc3\xa4` (a bytes repr) and as octal (`$'p\303\244'` in bash's C locale).
fn escaped_non_ascii(v: &str) -> Vec<String> {
    if v.is_ascii() {
        return Vec::new();
    }
    let code_points = |upper: bool, quote: char| {
        let mut out = String::new();
        for c in python_repr_inner(v, quote).chars() {
            let n = c as u32;
            let esc = match (n, upper) {
                (0..0x80, _) => c.to_string(),
                (0x80..0x100, false) => format!("\\x{n:02x}"),
                (0x80..0x100, true) => format!("\\x{n:02X}"),
                (0x100..0x10000, false) => format!("\\u{n:04x}"),
                (0x100..0x10000, true) => format!("\\u{n:04X}"),
                (_, false) => format!("\\U{n:08x}"),
                (_, true) => format!("\\U{n:08X}"),
            };
            out.push_str(&esc);
        }
        out
    };
    let bytes = |f: &dyn Fn(u8) -> String| {
        v.bytes().map(|b| if b.is_ascii() { (b as char).to_string() } else { f(b) }).collect()
    };
    vec![
        code_points(false, '\''),
        code_points(false, '"'),
        code_points(true, '\''),
        bytes(&|b| format!("\\x{b:02x}")),
        bytes(&|b| format!("\\x{b:02X}")),
        bytes(&|b| format!("\\{b:03o}")),
    ]
}

/// Percent-encodings with the safe sets real encoders use, `%20` or `+`
/// for space, upper- or lower-case hex.
fn url_forms(v: &str) -> Vec<String> {
    // RFC 3986 unreserved (quote(safe='')), Python's default quote (keeps
    // `/`), JavaScript's encodeURIComponent and encodeURI.
    let safe_sets: [&str; 4] = ["-_.~", "-_.~/", "-_.!~*'()", "-_.!~*'();,/?:@&=+$#"];
    let mut out = Vec::new();
    for safe in safe_sets {
        for plus in [false, true] {
            for upper in [true, false] {
                let mut s = String::new();
                for b in v.bytes() {
                    if b.is_ascii_alphanumeric() || (b.is_ascii() && safe.as_bytes().contains(&b)) {
                        s.push(b as char);
                    } else if b == b' ' && plus {
                        s.push('+');
                    } else if upper {
                        s.push_str(&format!("%{b:02X}"));
                    } else {
                        s.push_str(&format!("%{b:02x}"));
                    }
                }
                out.push(s);
            }
        }
    }
    out
}

/// Base64 of the value, and the part of its encoding that is the same
/// wherever it sits in a longer encoded text (`Basic base64("user:" + V)`
/// puts it at offset 2): for each alignment, the characters that depend on
/// the value's bytes alone.
fn base64_forms(bytes: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    for engine in [&STANDARD, &STANDARD_NO_PAD, &URL_SAFE, &URL_SAFE_NO_PAD] {
        out.push(engine.encode(bytes));
    }
    for lead in 0..3usize {
        let mut padded = vec![0u8; lead];
        padded.extend_from_slice(bytes);
        for engine in [&STANDARD_NO_PAD, &URL_SAFE_NO_PAD] {
            let enc = engine.encode(&padded);
            // Characters covering a leading zero byte are not the value's;
            // the last character may mix in what follows the value.
            let skip = (lead * 8).div_ceil(6);
            let full = (padded.len() * 8) / 6;
            if full > skip + 1 {
                out.push(enc[skip..full.min(enc.len())].to_owned());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has(forms: &[Form], s: &str) -> bool {
        forms.iter().any(|f| s.contains(&f.text))
    }

    #[test]
    fn forms_tools_print() {
        let v = "c4n/ary+pa ss='x'!";
        let f = forms_of(v);
        // bash -x, Ansible's shlex.quote, printf %q, Python quote and quote_plus.
        assert!(has(&f, "+ echo 'c4n/ary+pa ss='\\''x'\\''!'"));
        assert!(has(&f, "'c4n/ary+pa ss='\"'\"'x'\"'\"'!'"));
        assert!(has(&f, "c4n/ary+pa\\ ss=\\'x\\'\\!"));
        assert!(has(&f, "c4n/ary%2Bpa%20ss%3D%27x%27%21"));
        assert!(has(&f, "c4n/ary%2Bpa+ss%3D%27x%27%21"));
        assert!(has(&f, "c4n%2Fary%2Bpa+ss%3D%27x%27%21"));
        // curl -v -u user:V: the value at offset 2 of a longer base64.
        let basic = STANDARD.encode(format!("user:{v}"));
        assert!(has(&f, &format!("Authorization: Basic {basic}")));
        // Hex, reversed.
        let hex: String = v.bytes().map(|b| format!("{b:02x}")).collect();
        assert!(has(&f, &hex) && has(&f, &v.chars().rev().collect::<String>()));
        let u = forms_of("pässwörd-Ünï-ç");
        assert!(has(&u, "'p\\xe4ssw\\xf6rd-\\xdcn\\xef-\\xe7'"), "Python ascii()");
        assert!(has(&u, "\"p\\xE4ssw\\xF6rd-\\xDCn\\xEF-\\xE7\""), "PyYAML");
        assert!(has(&u, "\"p\\u00e4ssw\\u00f6rd-\\u00dcn\\u00ef-\\u00e7\""), "json.dumps");
        assert!(has(&u, "$'p\\303\\244ssw\\303\\266rd-\\303\\234n\\303\\257-\\303\\247'"), "bash, C locale");
    }

    #[test]
    fn multi_line_values_are_looked_for_line_by_line() {
        let key = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----";
        let f = forms_of(key);
        assert!(has(&f, "+MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"));
        assert!(has(&f, "\"s\": \"-----BEGIN PRIVATE KEY-----\\nMIIEvQ"), "JSON-escaped whole");
    }
}
