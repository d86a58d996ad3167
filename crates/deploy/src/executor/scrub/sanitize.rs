//! What a step prints, made plain text before anything looks at it:
//! invalid UTF-8 decoded lossily (a step printing one bad byte must not
//! stall or fail), terminal escape sequences removed (colour codes between
//! the letters of a value would hide it, and raw escapes do not belong in a
//! Markdown report), other control characters dropped.

/// `raw` (one line, without its terminator) as plain text.
pub fn plain(raw: &[u8]) -> String {
    let text = String::from_utf8_lossy(raw);
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => skip_escape(&mut chars),
            // C1 control sequence introducer (CSI) written as one character.
            '\u{9b}' => skip_csi(&mut chars),
            '\t' => out.push('\t'),
            // A lone carriage return (a progress meter): what follows it
            // overwrites the line; keep both parts, separated.
            '\r' => {
                if chars.peek().is_some() {
                    out.push(' ');
                }
            }
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

fn skip_escape(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    match chars.next() {
        Some('[') => skip_csi(chars),
        // OSC, DCS, SOS, PM, APC: up to BEL or ST (ESC \).
        Some(']' | 'P' | 'X' | '^' | '_') => {
            while let Some(c) = chars.next() {
                if c == '\u{7}' {
                    break;
                }
                if c == '\u{1b}' {
                    if chars.peek() == Some(&'\\') {
                        chars.next();
                    }
                    break;
                }
            }
        }
        // Character-set selection and the like take one more character.
        Some('(' | ')' | '*' | '+' | '#' | '%') => {
            chars.next();
        }
        // Any other two-character sequence (ESC 7, ESC =, …).
        _ => {}
    }
}

/// Parameters and intermediates, then one final byte in `@`..=`~`.
fn skip_csi(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    for c in chars.by_ref() {
        if ('@'..='~').contains(&c) {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_controls_go_values_stay() {
        assert_eq!(plain(b"\x1b[0;32mok: [localhost]\x1b[0m"), "ok: [localhost]");
        assert_eq!(plain(b"pa\x1b[01;31m\x1b[Kss\x1b[m\x1b[Kword"), "password");
        assert_eq!(plain(b"\x1b]0;title\x07text\x1b]8;;http://x\x1b\\link"), "textlink");
        assert_eq!(plain(b"a\x00b\x08c\td"), "abc\td");
        assert_eq!(plain(b"  1 10.0M  \r 50 10.0M\r"), "  1 10.0M    50 10.0M");
        assert_eq!(plain(b"caf\xe9 \xff!"), "caf\u{fffd} \u{fffd}!");
    }
}
