//! Go's `time.Parse`, for the two places the smaqit CLI's `plan` meets a
//! timestamp: yaml.v3's timestamp resolution of a plain scalar (four
//! layouts, success or not) and `time.Time.UnmarshalText` (RFC 3339),
//! whose error text a broken spec's warning quotes. Only the layout
//! elements those use are implemented, each as Go's parser reads it.

/// One element of a Go layout, as `nextStdChunk` splits it.
#[derive(Clone, Copy)]
enum Elem {
    Lit(&'static str),
    /// `2006`
    LongYear,
    /// `1` (`fixed`: `01`)
    Month {
        fixed: bool,
    },
    /// `2` (`fixed`: `02`)
    Day {
        fixed: bool,
    },
    /// `15`
    Hour,
    /// `4` (`fixed`: `04`)
    Minute {
        fixed: bool,
    },
    /// `5` (`fixed`: `05`)
    Second {
        fixed: bool,
    },
    /// `.999999999`
    Frac9,
    /// `Z07:00`
    ColonTz,
}

impl Elem {
    fn text(self) -> &'static str {
        match self {
            Elem::Lit(s) => s,
            Elem::LongYear => "2006",
            Elem::Month { fixed } => {
                if fixed {
                    "01"
                } else {
                    "1"
                }
            }
            Elem::Day { fixed } => {
                if fixed {
                    "02"
                } else {
                    "2"
                }
            }
            Elem::Hour => "15",
            Elem::Minute { fixed } => {
                if fixed {
                    "04"
                } else {
                    "4"
                }
            }
            Elem::Second { fixed } => {
                if fixed {
                    "05"
                } else {
                    "5"
                }
            }
            Elem::Frac9 => ".999999999",
            Elem::ColonTz => "Z07:00",
        }
    }
}

struct Layout {
    text: &'static str,
    elems: &'static [Elem],
}

use Elem::*;

const RFC3339: Layout = Layout {
    text: "2006-01-02T15:04:05Z07:00",
    elems: &[
        LongYear,
        Lit("-"),
        Month { fixed: true },
        Lit("-"),
        Day { fixed: true },
        Lit("T"),
        Hour,
        Lit(":"),
        Minute { fixed: true },
        Lit(":"),
        Second { fixed: true },
        ColonTz,
    ],
};

const SHORT_DATE_TIME: [Elem; 13] = [
    LongYear,
    Lit("-"),
    Month { fixed: false },
    Lit("-"),
    Day { fixed: false },
    Lit("T"),
    Hour,
    Lit(":"),
    Minute { fixed: false },
    Lit(":"),
    Second { fixed: false },
    Frac9,
    ColonTz,
];

/// yaml.v3's `allowedTimestampFormats`, in its order.
const YAML_TIMESTAMPS: [Layout; 4] = [
    Layout { text: "2006-1-2T15:4:5.999999999Z07:00", elems: &SHORT_DATE_TIME },
    Layout {
        text: "2006-1-2t15:4:5.999999999Z07:00",
        elems: &[
            LongYear,
            Lit("-"),
            Month { fixed: false },
            Lit("-"),
            Day { fixed: false },
            Lit("t"),
            Hour,
            Lit(":"),
            Minute { fixed: false },
            Lit(":"),
            Second { fixed: false },
            Frac9,
            ColonTz,
        ],
    },
    Layout {
        text: "2006-1-2 15:4:5.999999999",
        elems: &[
            LongYear,
            Lit("-"),
            Month { fixed: false },
            Lit("-"),
            Day { fixed: false },
            Lit(" "),
            Hour,
            Lit(":"),
            Minute { fixed: false },
            Lit(":"),
            Second { fixed: false },
            Frac9,
        ],
    },
    Layout { text: "2006-1-2", elems: &[LongYear, Lit("-"), Month { fixed: false }, Lit("-"), Day { fixed: false }] },
];

/// yaml.v3's `parseTimestamp`: whether a plain scalar is a timestamp.
pub fn is_yaml_timestamp(s: &[u8]) -> bool {
    let digits = s.iter().take_while(|c| c.is_ascii_digit()).count();
    if digits != 4 || digits == s.len() || s[digits] != b'-' {
        return false;
    }
    YAML_TIMESTAMPS.iter().any(|l| parse(l, s).is_ok())
}

/// `time.Time.UnmarshalText`: strict RFC 3339 since Go 1.20, whose extra
/// checks are switched off again (go.dev/issue/54580), so `time.Parse`
/// with `time.RFC3339` decides, and its error is the message.
pub fn unmarshal_text(s: &[u8]) -> Result<(), String> {
    parse(&RFC3339, s)
}

enum Fail {
    /// `cannot parse VALUE as ELEM`
    Bad { elem: &'static str, value_at: usize },
    /// `: <what> out of range`, `: extra text: "…"`
    Message(String),
}

fn digit(s: &[u8], i: usize) -> bool {
    s.get(i).is_some_and(u8::is_ascii_digit)
}

/// Go's `getnum`: one or two digits (`fixed`: exactly two).
fn getnum(s: &[u8], fixed: bool) -> Option<(u32, usize)> {
    if !digit(s, 0) {
        return None;
    }
    if !digit(s, 1) {
        return if fixed { None } else { Some((u32::from(s[0] - b'0'), 1)) };
    }
    Some((u32::from(s[0] - b'0') * 10 + u32::from(s[1] - b'0'), 2))
}

fn days_in(month: u32, year: i64) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn parse(layout: &Layout, value: &[u8]) -> Result<(), String> {
    parse_elems(layout.elems, value).map_err(|f| match f {
        Fail::Bad { elem, value_at } => format!(
            "parsing time {} as {}: cannot parse {} as {}",
            quote(value),
            quote(layout.text.as_bytes()),
            quote(&value[value_at..]),
            quote(elem.as_bytes())
        ),
        Fail::Message(m) => format!("parsing time {}{m}", quote(value)),
    })
}

fn parse_elems(elems: &[Elem], v: &[u8]) -> Result<(), Fail> {
    let mut at = 0usize;
    let (mut year, mut month, mut day) = (0i64, None::<u32>, None::<u32>);
    let range = |what: &str| Fail::Message(format!(": {what} out of range"));
    for (i, &e) in elems.iter().enumerate() {
        let hold = at;
        let bad = Fail::Bad { elem: e.text(), value_at: hold };
        let rest = &v[at..];
        match e {
            Lit(lit) => {
                at += skip(rest, lit.as_bytes()).map_err(|stop| Fail::Bad { elem: lit, value_at: at + stop })?;
            }
            LongYear => {
                if rest.len() < 4 || !digit(rest, 0) {
                    return Err(bad);
                }
                // Go takes the four bytes before it checks them.
                at += 4;
                if !rest[..4].iter().all(u8::is_ascii_digit) {
                    return Err(Fail::Bad { elem: e.text(), value_at: at });
                }
                year = rest[..4].iter().fold(0, |y, d| y * 10 + i64::from(d - b'0'));
            }
            Month { fixed } => {
                let (m, n) = getnum(rest, fixed).ok_or(bad)?;
                at += n;
                if !(1..=12).contains(&m) {
                    return Err(range("month"));
                }
                month = Some(m);
            }
            Day { fixed } => {
                let (d, n) = getnum(rest, fixed).ok_or(bad)?;
                at += n;
                day = Some(d);
            }
            Hour => {
                let (h, n) = getnum(rest, false).ok_or(bad)?;
                at += n;
                if h >= 24 {
                    return Err(range("hour"));
                }
            }
            Minute { fixed } => {
                let (m, n) = getnum(rest, fixed).ok_or(bad)?;
                at += n;
                if m >= 60 {
                    return Err(range("minute"));
                }
            }
            Second { fixed } => {
                let (s, n) = getnum(rest, fixed).ok_or(bad)?;
                at += n;
                if s >= 60 {
                    return Err(range("second"));
                }
                // A fraction the layout does not ask for is taken anyway.
                let rest = &v[at..];
                let frac_next = matches!(elems.get(i + 1), Some(Frac9));
                if rest.len() >= 2 && matches!(rest[0], b'.' | b',') && digit(rest, 1) && !frac_next {
                    at += 1 + rest[1..].iter().take_while(|c| c.is_ascii_digit()).count();
                }
            }
            Frac9 => {
                if rest.len() >= 2 && matches!(rest[0], b'.' | b',') && digit(rest, 1) {
                    at += 1 + rest[1..].iter().take_while(|c| c.is_ascii_digit()).count();
                }
            }
            ColonTz => {
                if rest.first() == Some(&b'Z') {
                    at += 1;
                    continue;
                }
                if rest.len() < 6 || rest[3] != b':' {
                    return Err(bad);
                }
                // The offset's digits and sign; its range is not checked (as
                // in the Go the smaqit CLI's behaviour was measured with).
                let hr = getnum(&rest[1..3], true);
                let mm = getnum(&rest[4..6], true);
                if hr.is_none() || mm.is_none() || !matches!(rest[0], b'+' | b'-') {
                    return Err(bad);
                }
                at += 6;
            }
        }
    }
    if at < v.len() {
        return Err(Fail::Message(format!(": extra text: {}", quote(&v[at..]))));
    }
    let month = month.unwrap_or(1);
    let day = day.unwrap_or(1);
    if day < 1 || day > days_in(month, year) {
        return Err(Fail::Message(": day out of range".into()));
    }
    Ok(())
}

/// Go's `skip`: the literal, where a space matches any run of spaces.
/// `Err(n)`: the mismatch is `n` bytes in.
fn skip(v: &[u8], lit: &[u8]) -> Result<usize, usize> {
    let (mut i, mut j) = (0, 0);
    while j < lit.len() {
        if lit[j] == b' ' {
            if i < v.len() && v[i] != b' ' {
                return Err(i);
            }
            while j < lit.len() && lit[j] == b' ' {
                j += 1;
            }
            while i < v.len() && v[i] == b' ' {
                i += 1;
            }
            continue;
        }
        if i >= v.len() || v[i] != lit[j] {
            return Err(i);
        }
        i += 1;
        j += 1;
    }
    Ok(i)
}

/// The time package's `quote`: bytes that are not printable ASCII as
/// `\xNN` (a whole invalid or non-ASCII rune), `"` and `\` escaped.
fn quote(s: &[u8]) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    let mut i = 0;
    while i < s.len() {
        let c = s[i];
        if !(b' '..0x80).contains(&c) {
            // A whole rune when it is valid UTF-8, else the one byte.
            let width = match c {
                0xC0..=0xDF => 2,
                0xE0..=0xEF => 3,
                0xF0..=0xF7 => 4,
                _ => 1,
            };
            let width = if i + width <= s.len() && std::str::from_utf8(&s[i..i + width]).is_ok() { width } else { 1 };
            for b in &s[i..i + width] {
                out.push_str(&format!("\\x{b:02x}"));
            }
            i += width;
        } else {
            if c == b'"' || c == b'\\' {
                out.push('\\');
            }
            out.push(c as char);
            i += 1;
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_errors_read_as_go_writes_them() {
        let cases: &[(&str, &str)] = &[
            ("banana", r#"parsing time "banana" as "2006-01-02T15:04:05Z07:00": cannot parse "banana" as "2006""#),
            ("2026-13-45", r#"parsing time "2026-13-45": month out of range"#),
            ("2026-01-03", r#"parsing time "2026-01-03" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "T""#),
            ("20260103", r#"parsing time "20260103" as "2006-01-02T15:04:05Z07:00": cannot parse "0103" as "-""#),
            (
                "2026-01-03T10:00:00",
                r#"parsing time "2026-01-03T10:00:00" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "Z07:00""#,
            ),
            ("2026-02-30T10:00:00Z", r#"parsing time "2026-02-30T10:00:00Z": day out of range"#),
            ("2026-01-03T10:00:00Zx", r#"parsing time "2026-01-03T10:00:00Zx": extra text: "x""#),
            ("é", r#"parsing time "\xc3\xa9" as "2006-01-02T15:04:05Z07:00": cannot parse "\xc3\xa9" as "2006""#),
        ];
        for (v, want) in cases {
            assert_eq!(unmarshal_text(v.as_bytes()).unwrap_err(), *want, "{v}");
        }
        for ok in [
            "2026-01-03T10:00:00Z",
            "2026-01-03T10:00:00.123+02:00",
            "2024-02-29T00:00:00-05:30",
            "2026-01-03T1:00:00Z",
        ] {
            assert_eq!(unmarshal_text(ok.as_bytes()), Ok(()), "{ok}");
        }
    }

    #[test]
    fn yaml_timestamps_are_yaml_v3_s_four_layouts() {
        for yes in [
            "2026-01-03",
            "2026-1-3",
            "2026-01-03T10:00:00Z",
            "2026-01-03t10:00:00.5+01:00",
            "2026-01-03 10:00:00",
            "2026-01-03  1:2:3.25",
        ] {
            assert!(is_yaml_timestamp(yes.as_bytes()), "{yes}");
        }
        for no in ["2026-01-03T10:00:00", "20260103", "2026-13-01", "2026-02-30", "x2026-01-03", "2026-01-03 "] {
            assert!(!is_yaml_timestamp(no.as_bytes()), "{no}");
        }
    }
}
