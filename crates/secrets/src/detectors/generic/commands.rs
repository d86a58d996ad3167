//! Command lines that carry a credential: `curl -u`, `mysql -p…`,
//! `htpasswd -b`, `… | docker login --password-stdin`, `ConvertTo-SecureString`.

use super::*;

/// Shell-style tokens of `line` from `from`: `(start, end)` including quotes.
pub(super) fn shell_tokens(ctx: &Ctx, line: Line, from: usize, out: &mut Vec<(usize, usize)>) {
    let b = ctx.b;
    let mut p = from;
    while p < line.end {
        p = skip_ws(b, p, line.end);
        if p >= line.end {
            break;
        }
        let s = p;
        let mut quote = 0u8;
        while p < line.end {
            let c = b[p];
            if quote != 0 {
                if c == quote {
                    quote = 0;
                } else if c == b'\\' && quote == b'"' {
                    p += 1;
                }
            } else if c == b'"' || c == b'\'' {
                quote = c;
            } else if is_ws(c) {
                break;
            }
            p += 1;
        }
        out.push((s, p.min(line.end)));
    }
}

/// Strip one pair of surrounding quotes from `s..e`.
pub(super) fn unquote(b: &[u8], s: usize, e: usize) -> (usize, usize) {
    if e >= s + 2 && matches!(b[s], b'"' | b'\'') && b[e - 1] == b[s] { (s + 1, e - 1) } else { (s, e) }
}

/// Command-line credentials after a known command word at `hit`.
pub(crate) fn on_cli(ctx: &Ctx, line: Line, hit: usize, out: &mut Vec<Raw>) {
    let b = ctx.b;
    if hit > line.start && (b[hit - 1].is_ascii_alphanumeric() || b[hit - 1] == b'_') {
        return;
    }
    let mut ce = hit;
    while ce < line.end && (b[ce].is_ascii_alphanumeric() || b[ce] == b'-') {
        ce += 1;
    }
    let cmd = ctx.str(hit..ce).to_ascii_lowercase();
    if cmd == "htpasswd" {
        htpasswd_batch(ctx, line, ce, out);
        return;
    }
    // (flag, takes `user:password`, attached form allowed, separate form allowed)
    let specs: &[(&str, bool, bool, bool)] = if cmd == "curl" || cmd == "wget" {
        &[("-u", true, true, true), ("--user", true, false, true), ("--proxy-user", true, false, true)]
    } else if cmd.starts_with("mysql") || cmd.starts_with("mariadb") {
        &[("-p", false, true, false)]
    } else if cmd == "login" {
        &[("-p", false, false, true)]
    } else if cmd == "sqlcmd" || cmd == "bcp" || cmd == "osql" {
        &[("-P", false, true, true)]
    } else if cmd == "redis-cli" {
        &[("-a", false, true, true)]
    } else if cmd == "sshpass" {
        &[("-p", false, true, true)]
    } else if cmd.starts_with("mongo") {
        &[("-p", false, false, true)]
    } else if cmd.starts_with("ldap") {
        &[("-w", false, false, true)]
    } else {
        return;
    };
    let mut toks = Vec::new();
    shell_tokens(ctx, line, ce, &mut toks);
    let mut i = 0;
    while i < toks.len() {
        let (s, e) = toks[i];
        let t = ctx.str(s..e);
        if matches!(t, "|" | "||" | "&&" | ";") {
            break;
        }
        for &(flag, userpass, attached, separate) in specs {
            let val = if t == flag && separate && i + 1 < toks.len() {
                Some(toks[i + 1])
            } else if attached && t.len() > flag.len() && t.starts_with(flag) && !t[flag.len()..].starts_with('-') {
                let off = if t.as_bytes()[flag.len()] == b'=' { 1 } else { 0 };
                Some((s + flag.len() + off, e))
            } else {
                None
            };
            let Some((vs, ve)) = val else {
                continue;
            };
            let (mut vs, ve) = unquote(b, vs, ve);
            let mut user = "";
            if userpass {
                let v = ctx.str(vs..ve);
                let Some(c) = v.find(':') else {
                    continue;
                };
                user = &v[..c];
                vs += c + 1;
            }
            let v = ctx.str(vs..ve);
            if crate::detectors::urls::password_ok(user, v, ctx.example)
                && filters::judge_password(v, ctx.example, false)
            {
                out.push(Raw { range: vs..ve, det: &GENERIC_PASSWORD, key: None });
            }
        }
        i += 1;
    }
}

/// `htpasswd -b[c] file user password` / `htpasswd -nb user password`: in
/// batch mode the password is the last argument.
pub(super) fn htpasswd_batch(ctx: &Ctx, line: Line, from: usize, out: &mut Vec<Raw>) {
    let mut toks = Vec::new();
    shell_tokens(ctx, line, from, &mut toks);
    if let Some(i) = toks.iter().position(|&(s, e)| matches!(ctx.str(s..e), "|" | "||" | "&&" | ";" | ">" | ">>")) {
        toks.truncate(i);
    }
    let batch = toks.iter().any(|&(s, e)| {
        let t = ctx.str(s..e);
        t.starts_with('-') && !t.starts_with("--") && t.contains('b')
    });
    let positional: Vec<_> = toks.iter().filter(|&&(s, e)| !ctx.str(s..e).starts_with('-')).collect();
    if !batch || positional.len() < 2 {
        return;
    }
    let &&(s, e) = positional.last().expect("two positionals");
    let (vs, ve) = unquote(ctx.b, s, e);
    if filters::judge_password(ctx.str(vs..ve), ctx.example, false) {
        out.push(Raw { range: vs..ve, det: &GENERIC_PASSWORD, key: None });
    }
}

/// `echo "literal" | docker login … --password-stdin` (hit at `password-stdin`).
pub(crate) fn on_stdin(ctx: &Ctx, line: Line, hit: usize, out: &mut Vec<Raw>) {
    let seg = ctx.str(line.start..hit);
    let Some(pipe) = seg.rfind('|') else {
        return;
    };
    let left = &seg[..pipe];
    let Some(pos) = left.rfind("echo ").or_else(|| left.rfind("printf ")) else {
        return;
    };
    let word_end = line.start + pos + left[pos..].find(' ').unwrap_or(0);
    let mut toks = Vec::new();
    let l = Line { start: line.start, end: line.start + pipe, next: line.next };
    shell_tokens(ctx, l, word_end, &mut toks);
    let Some(&(s, e)) = toks.iter().rev().find(|(s, e)| !ctx.str(*s..*e).starts_with('-')) else {
        return;
    };
    let (vs, ve) = unquote(ctx.b, s, e);
    let v = ctx.str(vs..ve);
    if filters::judge_password(v, ctx.example, false) {
        out.push(Raw { range: vs..ve, det: &GENERIC_PASSWORD, key: None });
    }
}

/// `ConvertTo-SecureString "literal" -AsPlainText` (hit at `asplaintext`).
pub(crate) fn on_securestring(ctx: &Ctx, line: Line, hit: usize, out: &mut Vec<Raw>) {
    let seg = ctx.str(line.start..hit);
    let lower = seg.to_ascii_lowercase();
    let Some(pos) = lower.rfind("convertto-securestring") else {
        return;
    };
    let from = line.start + pos + "convertto-securestring".len();
    let mut toks = Vec::new();
    let l = Line { start: line.start, end: hit, next: line.next };
    shell_tokens(ctx, l, from, &mut toks);
    let Some(&(s, e)) = toks.iter().find(|(s, _)| matches!(ctx.b[*s], b'"' | b'\'')) else {
        return;
    };
    let (vs, ve) = unquote(ctx.b, s, e);
    let v = ctx.str(vs..ve);
    if filters::judge_password(v, ctx.example, false) {
        out.push(Raw { range: vs..ve, det: &GENERIC_PASSWORD, key: key_before(ctx, line.start + pos) });
    }
}
