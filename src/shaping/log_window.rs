//! A log read as it arrives, in memory that does not grow with it: Docker's
//! multiplexed frames taken apart, then either the end of the log kept (a
//! window of `keep` bytes) or, with `grep`, the matching lines and their
//! context kept (their last `keep` bytes). The result is a few times the
//! response cap whatever the log's size, so redaction and the cap work on
//! that and nothing else; the count of what was read says how much the
//! window left out.

use super::log_filter::Filter;
use std::collections::VecDeque;

/// How a log answer is read.
#[derive(Clone, Debug)]
pub struct TextPlan {
    /// Docker's log stream (frames, unless the container has a TTY).
    pub docker: bool,
    /// Bytes of the end of the text (or of the matches) kept.
    pub keep: usize,
    pub filter: Option<Filter>,
}

/// What was read, and what is kept.
#[derive(Debug, Default, PartialEq)]
pub struct LogText {
    pub text: String,
    /// Bytes and lines of the whole log.
    pub bytes: usize,
    pub lines: usize,
    /// Matching lines (with a filter).
    pub hits: usize,
    /// The text kept is not all there was (of the log, or of the matches).
    pub cut: bool,
}

/// The result of a log tool: the text kept, and a note when it is not the
/// whole log (or not all the matches); with a filter and no match, a line
/// saying so rather than an empty text.
pub fn answer(text: String, read: &LogText, filtered: bool) -> serde_json::Value {
    if filtered && read.hits == 0 {
        return serde_json::Value::String(format!(
            "(no line of the {} read matches `grep`)",
            read.lines
        ));
    }
    if !read.cut {
        return serde_json::Value::String(text);
    }
    let note = if filtered {
        format!(
            "{} of the {} lines read match `grep`; this answer keeps the last {} bytes of them. \
             Narrow `grep`, `since` or `tail` to see the others",
            read.hits,
            read.lines,
            text.len()
        )
    } else {
        format!(
            "the log read is {} bytes in {} lines; this answer keeps its last {} bytes. \
             Use `since`, `tail` or `grep` to see other parts",
            read.bytes,
            read.lines,
            text.len()
        )
    };
    serde_json::json!({"result": text, "_log": note})
}

/// Lines longer than this are cut when filtering (the rest of the line is
/// not matched).
const LONGEST_LINE: usize = 64 << 10;

pub struct LogWindow {
    plan: TextPlan,
    /// None until the first 8 bytes say whether frames come.
    framed: Option<bool>,
    head: Vec<u8>,
    /// Bytes of the current frame's payload still to come, and of its
    /// header read so far.
    payload_left: usize,
    header: Vec<u8>,
    /// The kept bytes; compacted to `keep` when twice that.
    out: Vec<u8>,
    dropped: bool,
    bytes: usize,
    lines: usize,
    // Filtering:
    line: Vec<u8>,
    line_cut: bool,
    before: VecDeque<Vec<u8>>,
    after: usize,
    /// Lines read; the number of the last one written out.
    line_no: usize,
    written_to: Option<usize>,
    hits: usize,
}

impl LogWindow {
    pub fn new(plan: TextPlan) -> Self {
        let framed = (!plan.docker).then_some(false);
        LogWindow {
            plan,
            framed,
            head: vec![],
            payload_left: 0,
            header: vec![],
            out: vec![],
            dropped: false,
            bytes: 0,
            lines: 0,
            line: vec![],
            line_cut: false,
            before: VecDeque::new(),
            after: 0,
            line_no: 0,
            written_to: None,
            hits: 0,
        }
    }

    pub fn feed(&mut self, mut chunk: &[u8]) {
        if self.framed.is_none() {
            let need = 8 - self.head.len();
            let take = need.min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
            chunk = &chunk[take..];
            if self.head.len() < 8 {
                return;
            }
            let h = &self.head;
            let framed = matches!(h[0], 0..=2) && h[1..4] == [0, 0, 0];
            self.framed = Some(framed);
            let head = std::mem::take(&mut self.head);
            self.feed(&head);
        }
        match self.framed {
            Some(true) => self.frames(chunk),
            _ => self.text(chunk),
        }
    }

    fn frames(&mut self, mut chunk: &[u8]) {
        while !chunk.is_empty() {
            if self.payload_left > 0 {
                let n = self.payload_left.min(chunk.len());
                self.text(&chunk[..n]);
                self.payload_left -= n;
                chunk = &chunk[n..];
                continue;
            }
            let need = 8 - self.header.len();
            let n = need.min(chunk.len());
            self.header.extend_from_slice(&chunk[..n]);
            chunk = &chunk[n..];
            if self.header.len() == 8 {
                let h = &self.header;
                self.payload_left = u32::from_be_bytes([h[4], h[5], h[6], h[7]]) as usize;
                self.header.clear();
            }
        }
    }

    fn text(&mut self, t: &[u8]) {
        self.bytes += t.len();
        self.lines += memchr::memchr_iter(b'\n', t).count();
        if self.plan.filter.is_none() {
            self.keep(t);
            return;
        }
        let mut rest = t;
        while let Some(i) = memchr::memchr(b'\n', rest) {
            self.line_part(&rest[..i]);
            self.line_done();
            rest = &rest[i + 1..];
        }
        self.line_part(rest);
    }

    fn line_part(&mut self, part: &[u8]) {
        let room = LONGEST_LINE.saturating_sub(self.line.len());
        if part.len() > room {
            self.line_cut = true;
        }
        self.line.extend_from_slice(&part[..part.len().min(room)]);
    }

    /// A whole line: kept if it matches, or as context of a match.
    fn line_done(&mut self) {
        let line = std::mem::take(&mut self.line);
        self.line_cut = false;
        self.line_no += 1;
        let Some(f) = &self.plan.filter else { return };
        let matched = f.is_match(&String::from_utf8_lossy(&line));
        let context = f.context();
        if matched {
            self.hits += 1;
            let first = self.line_no - self.before.len();
            let gap = self.written_to.is_some_and(|w| first > w + 1);
            if gap && context > 0 {
                self.keep(b"--\n");
            }
            while let Some(b) = self.before.pop_front() {
                self.keep(&b);
                self.keep(b"\n");
            }
            self.keep(&line);
            self.keep(b"\n");
            self.written_to = Some(self.line_no);
            self.after = context;
        } else if self.after > 0 {
            self.after -= 1;
            self.keep(&line);
            self.keep(b"\n");
            self.written_to = Some(self.line_no);
        } else if context > 0 {
            self.before.push_back(line);
            if self.before.len() > context {
                self.before.pop_front();
            }
        }
    }

    fn keep(&mut self, b: &[u8]) {
        self.out.extend_from_slice(b);
        let keep = self.plan.keep.max(1);
        if self.out.len() > 2 * keep {
            let drop = self.out.len() - keep;
            self.out.drain(..drop);
            self.dropped = true;
        }
    }

    pub fn finish(mut self) -> LogText {
        if !self.head.is_empty() {
            // Fewer than 8 bytes in all: text.
            let head = std::mem::take(&mut self.head);
            self.text(&head);
        }
        if self.plan.filter.is_some() && (!self.line.is_empty() || self.line_cut) {
            self.line_done();
        }
        let keep = self.plan.keep.max(1);
        let mut out = std::mem::take(&mut self.out);
        if out.len() > keep {
            out.drain(..out.len() - keep);
            self.dropped = true;
        }
        if self.dropped {
            // Start at a whole line (unless one line is all there is).
            if let Some(i) = memchr::memchr(b'\n', &out) {
                if i + 1 < out.len() {
                    out.drain(..=i);
                }
            }
        }
        LogText {
            text: String::from_utf8_lossy(&out).into_owned(),
            bytes: self.bytes,
            lines: self.lines,
            hits: self.hits,
            cut: self.dropped,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shaping::log_filter::filter;

    fn frame(stream: u8, text: &str) -> Vec<u8> {
        let mut f = vec![stream, 0, 0, 0];
        f.extend_from_slice(&(text.len() as u32).to_be_bytes());
        f.extend_from_slice(text.as_bytes());
        f
    }

    fn read(plan: TextPlan, bytes: &[u8], piece: usize) -> LogText {
        let mut w = LogWindow::new(plan);
        for c in bytes.chunks(piece) {
            w.feed(c);
        }
        w.finish()
    }

    #[test]
    fn frames_in_any_pieces_and_the_end_kept() {
        let mut stream = vec![];
        for i in 0..1000 {
            stream.extend(frame(1 + (i % 2) as u8, &format!("line {i}\n")));
        }
        for piece in [1, 3, 7, 64, 5000] {
            let plan = TextPlan {
                docker: true,
                keep: 100,
                filter: None,
            };
            let got = read(plan, &stream, piece);
            assert!(got.cut && got.lines == 1000, "{piece}");
            assert!(
                got.text.ends_with("line 999\n") && got.text.starts_with("line "),
                "{:?}",
                got.text
            );
            assert!(got.text.len() <= 100);
        }
        let plan = TextPlan {
            docker: true,
            keep: 1 << 20,
            filter: None,
        };
        let all = read(plan, &stream, 10);
        assert!(!all.cut && all.text.starts_with("line 0\nline 1\n"));
    }

    #[test]
    fn a_tty_log_is_text_and_grep_keeps_context() {
        let log = "a\nb ERROR 1\nc\nd\ne\nf ERROR 2\ng\n";
        let plan = TextPlan {
            docker: true,
            keep: 1000,
            filter: filter(Some("ERROR"), 1).unwrap(),
        };
        let got = read(plan, log.as_bytes(), 2);
        assert_eq!(got.text, "a\nb ERROR 1\nc\n--\ne\nf ERROR 2\ng\n");
        assert_eq!((got.hits, got.lines, got.cut), (2, 7, false));
        // The same as grep over the whole text, whatever the context.
        for context in 0..4 {
            let f = filter(Some("ERROR"), context).unwrap().unwrap();
            let plan = TextPlan {
                docker: false,
                keep: 1000,
                filter: Some(f.clone()),
            };
            assert_eq!(
                read(plan, log.as_bytes(), 3).text,
                crate::shaping::log_filter::grep(log, &f).0
            );
        }
    }
}
