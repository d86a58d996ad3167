//! Reading one spec as the smaqit CLI does: Go's `bufio.Scanner` line by
//! line (64 KiB lines at most, one `\r` dropped), the opening and closing
//! `---` fences (compared after trimming Unicode white space), then the
//! YAML between them. The body is never read.

use std::io::Read;

use super::yaml;

/// `bufio.MaxScanTokenSize`.
const MAX_LINE: usize = 64 * 1024;

/// Go's `bufio.Scanner` with `ScanLines`, over any reader.
pub struct Lines<R> {
    r: R,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    /// End of input or a read error: the scanner stops either way.
    done: bool,
    stopped: bool,
}

impl<R: Read> Lines<R> {
    pub fn new(r: R) -> Lines<R> {
        Lines { r, buf: vec![0; 4096], start: 0, end: 0, done: false, stopped: false }
    }

    /// The next line without its end (`\n`, and one `\r` before it); `None`
    /// at the end, on a read error or on a line too long (as Go stops).
    pub fn next_line(&mut self) -> Option<Vec<u8>> {
        if self.stopped {
            return None;
        }
        loop {
            let data = &self.buf[self.start..self.end];
            if let Some(i) = memchr::memchr(b'\n', data) {
                let line = drop_cr(&data[..i]).to_vec();
                self.start += i + 1;
                return Some(line);
            }
            if self.done {
                self.stopped = true;
                if data.is_empty() {
                    return None;
                }
                let line = drop_cr(data).to_vec();
                self.start = self.end;
                return Some(line);
            }
            // Room for more: move what is left to the front, else grow,
            // up to the limit.
            if self.start > 0 {
                self.buf.copy_within(self.start..self.end, 0);
                self.end -= self.start;
                self.start = 0;
            }
            if self.end == self.buf.len() {
                if self.buf.len() >= MAX_LINE {
                    self.stopped = true;
                    return None;
                }
                let size = (self.buf.len() * 2).min(MAX_LINE);
                self.buf.resize(size, 0);
            }
            // A read error ends the input as the end does (what is
            // buffered is still split): a directory read through a
            // symlink is an empty file.
            match self.r.read(&mut self.buf[self.end..]) {
                Ok(0) => self.done = true,
                Ok(n) => self.end += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => self.done = true,
            }
        }
    }
}

fn drop_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// `strings.TrimSpace(line) == "---"`.
fn is_fence(line: &[u8]) -> bool {
    std::str::from_utf8(line).is_ok_and(|s| s.trim() == "---")
}

/// The CLI's `parseSpecFrontmatter`: the id and status, or the reason the
/// spec is broken (the warning's text).
pub fn frontmatter<R: Read>(r: R) -> Result<yaml::Fields, Vec<u8>> {
    let mut lines = Lines::new(r);
    let Some(first) = lines.next_line() else { return Err(b"empty file".to_vec()) };
    if !is_fence(&first) {
        return Err(b"no frontmatter (expected '---' on first line)".to_vec());
    }
    let mut text = Vec::new();
    let mut closed = false;
    let mut first_line = true;
    while let Some(line) = lines.next_line() {
        if is_fence(&line) {
            closed = true;
            break;
        }
        if !first_line {
            text.push(b'\n');
        }
        first_line = false;
        text.extend_from_slice(&line);
    }
    if !closed {
        return Err(b"no closing frontmatter fence".to_vec());
    }
    let fields = yaml::unmarshal(&text).map_err(|e| [b"parsing YAML: ".as_slice(), &e].concat())?;
    if fields.id.is_empty() {
        return Err(b"missing 'id' field".to_vec());
    }
    if fields.status.is_empty() {
        return Err(b"missing 'status' field".to_vec());
    }
    Ok(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(data: &[u8]) -> Vec<Vec<u8>> {
        let mut l = Lines::new(data);
        std::iter::from_fn(|| l.next_line()).collect()
    }

    #[test]
    fn lines_split_as_bufio_scanner_does() {
        assert_eq!(lines(b"a\r\nb\n\nc"), vec![b"a".to_vec(), b"b".to_vec(), vec![], b"c".to_vec()]);
        assert_eq!(lines(b"a\r\r\n"), vec![b"a\r".to_vec()]);
        assert_eq!(lines(b""), Vec::<Vec<u8>>::new());
        // A line and its `\n` must fit in 64 KiB; at the end, 65535 bytes.
        let fits = [vec![b'x'; MAX_LINE - 1], b"\nnext".to_vec()].concat();
        assert_eq!(lines(&fits).len(), 2);
        let too_long = [vec![b'x'; MAX_LINE], b"\nnext".to_vec()].concat();
        assert!(lines(&too_long).is_empty());
        assert_eq!(lines(&vec![b'x'; MAX_LINE - 1]).len(), 1);
        assert!(lines(&vec![b'x'; MAX_LINE]).is_empty());
        let crlf = [vec![b'x'; MAX_LINE - 1], b"\r\n".to_vec()].concat();
        assert!(lines(&crlf).is_empty());
    }

    #[test]
    fn frontmatter_reasons_are_the_cli_s() {
        let reason = |t: &[u8]| String::from_utf8(frontmatter(t).unwrap_err()).unwrap();
        assert_eq!(reason(b""), "empty file");
        assert_eq!(reason(b"\xef\xbb\xbf---\nid: a\n---\n"), "no frontmatter (expected '---' on first line)");
        assert_eq!(reason(b"--- # x\nid: a\n---\n"), "no frontmatter (expected '---' on first line)");
        assert_eq!(reason(b"---\nid: a\n"), "no closing frontmatter fence");
        assert_eq!(reason(b"---\n---\n"), "missing 'id' field");
        assert_eq!(reason(b"---\nid: a\n---\n"), "missing 'status' field");
        assert_eq!(reason(b"---\nnote: |\n  ---\nid: a\n---\n"), "missing 'id' field");
        let ok = frontmatter(b"--- \t\nid: a\nstatus: draft\n\xc2\xa0---\xe3\x80\x80\nbody \xff\n".as_slice()).unwrap();
        assert_eq!((ok.id, ok.status), (b"a".to_vec(), b"draft".to_vec()));
    }
}
