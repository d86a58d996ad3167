//! Structural shapes that spread a key and its value over lines or cells:
//! Markdown table rows, `- name: K` / `value: v` pairs, Terraform
//! `variable` defaults.

use super::*;

/// `| KEY | … | `value` | … |`: a Markdown table row whose first cell is a
/// secret key; values are taken from inline code spans of the other cells.
pub(super) fn table_row(ctx: &Ctx, line: Line, ks: usize, ke: usize, key: &str, out: &mut Vec<Raw>) -> bool {
    let t = ctx.str(line.start..line.end);
    let lead = t.trim_start();
    if !lead.starts_with('|') {
        return false;
    }
    let bar1 = line.start + (t.len() - lead.len());
    let Some(bar2) = memchr::memchr(b'|', &ctx.b[bar1 + 1..line.end]).map(|i| bar1 + 1 + i) else {
        return false;
    };
    if ks <= bar1 || ke > bar2 {
        return false;
    }
    let cell = ctx.str(bar1 + 1..bar2).trim().trim_matches(['`', '*']);
    if cell != ctx.str(ks..ke) {
        return true; // prose in the first cell
    }
    let Some(class) = classify_key(key) else {
        return true;
    };
    if class.strength != Strength::Strong {
        return true;
    }
    let b = ctx.b;
    let judge = |v: &str| {
        if class.password {
            filters::judge_password(v, ctx.example, false)
        } else {
            filters::judge_value(v, Strength::Strong, ctx.example, false)
        }
    };
    let push = |s: usize, e: usize, out: &mut Vec<Raw>| {
        out.push(Raw {
            range: s..e,
            det: if class.password { &GENERIC_PASSWORD } else { &GENERIC_SECRET },
            key: Some(key.to_string()),
        });
    };
    // Cells after the first: inline code spans, or a cell that is one token.
    let mut cs = bar2 + 1;
    while cs < line.end {
        let ce = memchr::memchr(b'|', &b[cs..line.end]).map_or(line.end, |i| cs + i);
        let cell = ctx.str(cs..ce);
        if memchr::memchr(b'`', cell.as_bytes()).is_some() {
            let mut p = cs;
            while let Some(o) = memchr::memchr(b'`', &b[p..ce]).map(|i| p + i) {
                let Some(c) = memchr::memchr(b'`', &b[o + 1..ce]).map(|i| o + 1 + i) else {
                    break;
                };
                if judge(ctx.str(o + 1..c)) {
                    push(o + 1, c, out);
                    return true;
                }
                p = c + 1;
            }
        } else {
            let t = cell.trim();
            if !t.is_empty() && !t.contains([' ', '\t']) && judge(t) {
                let s = cs + (cell.len() - cell.trim_start().len());
                push(s, s + t.len(), out);
                return true;
            }
        }
        cs = ce + 1;
    }
    true
}

/// The token is the value of a `name` key (`- name: DB_PASSWORD`,
/// `name = "fernetKey"`): its value is on a `value` key of the same item,
/// on the same line or within the next few lines.
pub(super) fn name_value(
    ctx: &Ctx,
    line: Line,
    ks: usize,
    ke: usize,
    key: &str,
    nested: &dyn Fn(&str) -> bool,
    out: &mut Vec<Raw>,
) -> bool {
    let b = ctx.b;
    let before = ctx.str(line.start..ks).trim_end_matches(['"', '\'', ' ', '\t']);
    let Some(before) = before.strip_suffix([':', '=']) else {
        return false;
    };
    let before = before.trim_end().trim_end_matches(['"', '\'']);
    let naming = if ends_with_ci(before, "name") {
        4
    } else if ends_with_ci(before, "key") {
        3
    } else {
        return false;
    };
    let pre = before.len() - naming;
    if pre > 0 && is_key_char(before.as_bytes()[pre - 1]) {
        return false; // `secretName:`, `key_name =`
    }
    // The token must be the whole value.
    let mut q = ke;
    if q < line.end && matches!(b[q], b'"' | b'\'') {
        q += 1;
    }
    let rest = ctx.str(q..line.end).trim_start();
    if !(rest.is_empty()
        || rest.starts_with(',')
        || rest.starts_with('}')
        || rest.starts_with('#')
        || rest.starts_with("value"))
    {
        return false;
    }
    let Some(class) = classify_key(key) else {
        return true;
    };
    let f = Found::loose(class, key, ctx);
    // Flow style on one line: `{ name = "k", value = "v" }`.
    if let Some(i) = memchr::memmem::find(&b[q..line.end], b"value")
        && let Some(handled) = value_key_at(ctx, line, q + i, &f, nested, out)
    {
        return handled;
    }
    let name_indent = indent(ctx, line);
    let mut cur = line;
    for _ in 0..4 {
        let Some(next) = ctx.next_line(cur) else {
            return true;
        };
        cur = next;
        if is_blank_or_comment(ctx, cur) {
            continue;
        }
        let t = ctx.str(cur.start..cur.end);
        let lead = t.len() - t.trim_start().len();
        let tt = t.trim_start();
        if tt.starts_with("- ") || tt.starts_with('}') || indent(ctx, cur) < name_indent {
            return true;
        }
        let mut p = cur.start + lead;
        if b[p] == b'"' {
            p += 1;
        }
        if let Some(handled) = value_key_at(ctx, cur, p, &f, nested, out) {
            return handled;
        }
    }
    true
}

/// A `value` key at `p`: evaluate its value. `None` when `p` is not a
/// `value` key (`valueFrom`, another key).
pub(super) fn value_key_at(
    ctx: &Ctx,
    line: Line,
    p: usize,
    f: &Found,
    nested: &dyn Fn(&str) -> bool,
    out: &mut Vec<Raw>,
) -> Option<bool> {
    let b = ctx.b;
    if !ctx.str(p..line.end).starts_with("value") || (p > line.start && is_key_char(b[p - 1])) {
        return None;
    }
    let mut q = p + 5;
    if q < line.end && b[q] == b'"' {
        q += 1;
    }
    q = skip_ws(b, q, line.end);
    if q >= line.end || !matches!(b[q], b':' | b'=') {
        return if q < line.end && is_key_char(b[q]) { Some(true) } else { None };
    }
    let q = skip_ws(b, q + 1, line.end);
    if let Some(val) = parse_value(ctx, line, q, true) {
        evaluate(ctx, line, f, val, nested, out);
    }
    Some(true)
}

/// `variable "db_password" { … default = "literal" … }` in Terraform.
pub(super) fn hcl_variable(
    ctx: &Ctx,
    line: Line,
    ks: usize,
    ke: usize,
    key: &str,
    nested: &dyn Fn(&str) -> bool,
    out: &mut Vec<Raw>,
) -> bool {
    let b = ctx.b;
    if ks == line.start || b[ks - 1] != b'"' || ke >= line.end || b[ke] != b'"' {
        return false;
    }
    let before = ctx.str(line.start..ks - 1).trim();
    if before != "variable" {
        return false;
    }
    let Some(class) = classify_key(key) else {
        return true;
    };
    let f = Found::loose(class, key, ctx);
    let header_indent = indent(ctx, line);
    let mut cur = line;
    for _ in 0..40 {
        let Some(next) = ctx.next_line(cur) else {
            return true;
        };
        cur = next;
        let t = ctx.str(cur.start..cur.end);
        let tt = t.trim_start();
        if tt.starts_with('}') && indent(ctx, cur) <= header_indent {
            return true;
        }
        if let Some(after) = tt.strip_prefix("default") {
            let after_t = after.trim_start();
            if let Some(v) = after_t.strip_prefix('=') {
                let p = cur.end - v.len();
                let p = skip_ws(b, p, cur.end);
                if let Some(val) = parse_value(ctx, cur, p, false) {
                    evaluate(ctx, cur, &f, val, nested, out);
                }
                return true;
            }
        }
    }
    true
}
