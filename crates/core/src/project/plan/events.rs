//! libyaml's event stream, owned and safe, over `unsafe-libyaml-norway`
//! (the C libyaml translated to Rust that `serde_norway` already runs on).
//! yaml.v3 is a Go port of the same parser, so its errors' wording and
//! marks carry over; this is the only unsafe code of the engine.

use std::marker::PhantomData;
use std::mem::MaybeUninit;

#[allow(clippy::unsafe_removed_from_name)] // every use of it is in an unsafe block anyway
use unsafe_libyaml_norway as sys;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

#[derive(Debug)]
pub enum Event {
    StreamStart,
    StreamEnd,
    DocumentStart,
    DocumentEnd,
    Alias { anchor: String },
    Scalar { anchor: Option<String>, tag: Option<String>, value: String, style: Style },
    SequenceStart { anchor: Option<String>, tag: Option<String> },
    SequenceEnd,
    MappingStart { anchor: Option<String>, tag: Option<String> },
    MappingEnd,
}

/// An event, the 0-based line it starts on and the index (in characters)
/// where it starts.
#[derive(Debug)]
pub struct Marked {
    pub event: Event,
    pub line: u64,
    pub index: u64,
}

/// What libyaml reports when it stops: its problem, the (0-based) lines of
/// the problem and of the context, and whether the scanner raised it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub scanner: bool,
    pub problem: String,
    pub problem_line: u64,
    /// Where the problem is, in characters.
    pub problem_index: u64,
    pub context_line: u64,
}

/// The kinds of token [`tokens`] tells apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Token {
    BlockEnd,
    Alias,
    Other,
}

/// The scanner's tokens alone (where each starts, in characters) up to
/// its first error, if any.
#[derive(Clone, Debug, Default)]
pub struct Tokens {
    pub starts: Vec<(u64, Token)>,
    pub error: Option<Error>,
}

/// Scans `input` into tokens, as the parser's scanner would.
pub fn tokens(input: &[u8]) -> Tokens {
    let mut parser = Box::new(MaybeUninit::<sys::yaml_parser_t>::uninit());
    let mut out = Tokens::default();
    // SAFETY: as in `Events::new`; each token filled by a successful scan
    // is read, then deleted once; the parser is deleted at the end.
    unsafe {
        let p = parser.as_mut_ptr();
        assert!(!sys::yaml_parser_initialize(p).fail, "libyaml could not allocate its parser");
        sys::yaml_parser_set_input_string(p, input.as_ptr(), input.len() as u64);
        loop {
            let mut token = MaybeUninit::<sys::yaml_token_t>::uninit();
            let t = token.as_mut_ptr();
            if sys::yaml_parser_scan(p, t).fail {
                out.error = Some(error_of(&*p));
                break;
            }
            let kind = match (*t).type_ {
                sys::YAML_BLOCK_END_TOKEN => Token::BlockEnd,
                sys::YAML_ALIAS_TOKEN => Token::Alias,
                _ => Token::Other,
            };
            let (start, end) = ((*t).start_mark.index, (*t).type_ == sys::YAML_STREAM_END_TOKEN);
            sys::yaml_token_delete(t);
            out.starts.push((start, kind));
            if end {
                break;
            }
        }
        sys::yaml_parser_delete(p);
    }
    out
}

/// The events of one input, pulled one at a time.
pub struct Events<'a> {
    // libyaml keeps pointers into its own struct: it must not move.
    parser: Box<MaybeUninit<sys::yaml_parser_t>>,
    failed: Option<Error>,
    input: PhantomData<&'a [u8]>,
}

impl<'a> Events<'a> {
    pub fn new(input: &'a [u8]) -> Events<'a> {
        let mut parser = Box::new(MaybeUninit::<sys::yaml_parser_t>::uninit());
        // SAFETY: initialize fills the struct; the input outlives the
        // parser (`'a`), which reads it in place and never writes it.
        unsafe {
            let p = parser.as_mut_ptr();
            assert!(!sys::yaml_parser_initialize(p).fail, "libyaml could not allocate its parser");
            sys::yaml_parser_set_input_string(p, input.as_ptr(), input.len() as u64);
        }
        Events { parser, failed: None, input: PhantomData }
    }

    pub fn next(&mut self) -> Result<Marked, Error> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        let mut event = MaybeUninit::<sys::yaml_event_t>::uninit();
        // SAFETY: the parser was initialized in `new`; a successful parse
        // fills `event`, which is read and then deleted exactly once.
        unsafe {
            let p = self.parser.as_mut_ptr();
            let e = event.as_mut_ptr();
            if sys::yaml_parser_parse(p, e).fail || (&*p).error != sys::YAML_NO_ERROR {
                let err = error_of(&*p);
                self.failed = Some(err.clone());
                return Err(err);
            }
            let marked = Marked { event: convert(&*e), line: (*e).start_mark.line, index: (*e).start_mark.index };
            sys::yaml_event_delete(e);
            Ok(marked)
        }
    }
}

impl Drop for Events<'_> {
    fn drop(&mut self) {
        // SAFETY: initialized in `new`, deleted once.
        unsafe { sys::yaml_parser_delete(self.parser.as_mut_ptr()) }
    }
}

/// # Safety
/// `p` is an initialized parser.
unsafe fn error_of(p: &sys::yaml_parser_t) -> Error {
    let text = |s: *const std::ffi::c_char| {
        if s.is_null() {
            String::new()
        } else {
            // SAFETY: libyaml's messages are static NUL-terminated strings.
            unsafe { std::ffi::CStr::from_ptr(s) }.to_string_lossy().into_owned()
        }
    };
    Error {
        scanner: p.error == sys::YAML_SCANNER_ERROR,
        problem: text(p.problem),
        problem_line: p.problem_mark.line,
        problem_index: p.problem_mark.index,
        context_line: p.context_mark.line,
    }
}

/// # Safety
/// `ptr` is null or points at `len` bytes (or is NUL-terminated when
/// `len` is `None`), as libyaml's event fields do.
unsafe fn owned(ptr: *const u8, len: Option<u64>) -> Option<String> {
    if ptr.is_null() {
        return None;
    }
    let bytes = match len {
        // SAFETY: per the contract above.
        Some(n) => unsafe { std::slice::from_raw_parts(ptr, n as usize) },
        None => unsafe { std::ffi::CStr::from_ptr(ptr.cast()) }.to_bytes(),
    };
    // libyaml has checked the input is UTF-8.
    Some(String::from_utf8_lossy(bytes).into_owned())
}

/// # Safety
/// `e` was filled by a successful `yaml_parser_parse`.
unsafe fn convert(e: &sys::yaml_event_t) -> Event {
    // SAFETY: each arm reads the union member its event type selects.
    unsafe {
        match e.type_ {
            sys::YAML_STREAM_START_EVENT => Event::StreamStart,
            sys::YAML_STREAM_END_EVENT => Event::StreamEnd,
            sys::YAML_DOCUMENT_START_EVENT => Event::DocumentStart,
            sys::YAML_DOCUMENT_END_EVENT => Event::DocumentEnd,
            sys::YAML_ALIAS_EVENT => Event::Alias { anchor: owned(e.data.alias.anchor, None).unwrap_or_default() },
            sys::YAML_SCALAR_EVENT => {
                let s = &e.data.scalar;
                Event::Scalar {
                    anchor: owned(s.anchor, None),
                    tag: owned(s.tag, None),
                    value: owned(s.value, Some(s.length)).unwrap_or_default(),
                    style: match s.style {
                        sys::YAML_SINGLE_QUOTED_SCALAR_STYLE => Style::SingleQuoted,
                        sys::YAML_DOUBLE_QUOTED_SCALAR_STYLE => Style::DoubleQuoted,
                        sys::YAML_LITERAL_SCALAR_STYLE => Style::Literal,
                        sys::YAML_FOLDED_SCALAR_STYLE => Style::Folded,
                        _ => Style::Plain,
                    },
                }
            }
            sys::YAML_SEQUENCE_START_EVENT => {
                let s = &e.data.sequence_start;
                Event::SequenceStart { anchor: owned(s.anchor, None), tag: owned(s.tag, None) }
            }
            sys::YAML_SEQUENCE_END_EVENT => Event::SequenceEnd,
            sys::YAML_MAPPING_START_EVENT => {
                let m = &e.data.mapping_start;
                Event::MappingStart { anchor: owned(m.anchor, None), tag: owned(m.tag, None) }
            }
            sys::YAML_MAPPING_END_EVENT => Event::MappingEnd,
            // Asked again after the end of the stream.
            _ => Event::StreamEnd,
        }
    }
}
