//! A JSON text inside a string (kubectl's last-applied-configuration, a
//! label holding a document) as a `Doc`, each string keeping its place in
//! the source, escapes included.

use super::tree::{Doc, Node, Scalar, Source, MAX_DEPTH};

/// The document, or None when `text` is not one JSON value.
pub fn parse(text: &str) -> Option<Doc> {
    let mut p = P {
        b: text.as_bytes(),
        s: text,
        i: 0,
        doc: Doc::default(),
    };
    let root = p.value(0)?;
    p.ws();
    if p.i != p.b.len() {
        return None;
    }
    p.doc.roots.push(root);
    Some(p.doc)
}

struct P<'a> {
    b: &'a [u8],
    s: &'a str,
    i: usize,
    doc: Doc,
}

impl P<'_> {
    fn ws(&mut self) {
        while self.i < self.b.len() && matches!(self.b[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }

    fn push(&mut self, n: Node) -> usize {
        self.doc.nodes.push(n);
        self.doc.nodes.len() - 1
    }

    fn value(&mut self, depth: usize) -> Option<usize> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.ws();
        match *self.b.get(self.i)? {
            b'{' => {
                self.i += 1;
                let mut entries = vec![];
                self.ws();
                if self.b.get(self.i) == Some(&b'}') {
                    self.i += 1;
                    return Some(self.push(Node::Map(entries)));
                }
                loop {
                    self.ws();
                    let key = self.string()?.value;
                    self.ws();
                    (self.b.get(self.i) == Some(&b':')).then_some(())?;
                    self.i += 1;
                    let v = self.value(depth + 1)?;
                    entries.push((key, v));
                    self.ws();
                    match self.b.get(self.i)? {
                        b',' => self.i += 1,
                        b'}' => {
                            self.i += 1;
                            return Some(self.push(Node::Map(entries)));
                        }
                        _ => return None,
                    }
                }
            }
            b'[' => {
                self.i += 1;
                let mut items = vec![];
                self.ws();
                if self.b.get(self.i) == Some(&b']') {
                    self.i += 1;
                    return Some(self.push(Node::Seq(items)));
                }
                loop {
                    items.push(self.value(depth + 1)?);
                    self.ws();
                    match self.b.get(self.i)? {
                        b',' => self.i += 1,
                        b']' => {
                            self.i += 1;
                            return Some(self.push(Node::Seq(items)));
                        }
                        _ => return None,
                    }
                }
            }
            b'"' => {
                let s = self.string()?;
                Some(self.push(Node::Str(s)))
            }
            _ => {
                let start = self.i;
                while self.i < self.b.len()
                    && (self.b[self.i].is_ascii_alphanumeric()
                        || matches!(self.b[self.i], b'-' | b'+' | b'.'))
                {
                    self.i += 1;
                }
                let word = &self.s[start..self.i];
                let ok = matches!(word, "true" | "false" | "null") || word.parse::<f64>().is_ok();
                ok.then(|| self.push(Node::Other))
            }
        }
    }

    /// A string at `i` (its opening quote), unescaped, with its source.
    fn string(&mut self) -> Option<Scalar> {
        (self.b.get(self.i) == Some(&b'"')).then_some(())?;
        let start = self.i + 1;
        let mut j = start;
        while j < self.b.len() && self.b[j] != b'"' && self.b[j] != b'\\' {
            j += 1;
        }
        if self.b.get(j) == Some(&b'"') {
            self.i = j + 1;
            return Some(Scalar {
                value: self.s[start..j].to_string(),
                at: Source::Exact(start),
            });
        }
        // Escapes: map each byte of the value to the source.
        let mut value = Vec::new();
        let mut table = vec![];
        let mut j = start;
        loop {
            let c = *self.b.get(j)?;
            match c {
                b'"' => break,
                b'\\' => {
                    let e = *self.b.get(j + 1)?;
                    let (text, used): (Vec<u8>, usize) = match e {
                        b'n' => (b"\n".to_vec(), 2),
                        b't' => (b"\t".to_vec(), 2),
                        b'r' => (b"\r".to_vec(), 2),
                        b'b' => (vec![8], 2),
                        b'f' => (vec![12], 2),
                        b'"' | b'\\' | b'/' => (vec![e], 2),
                        b'u' => {
                            let hex = self.s.get(j + 2..j + 6)?;
                            let code = u32::from_str_radix(hex, 16).ok()?;
                            let ch = char::from_u32(code).unwrap_or('\u{fffd}');
                            (ch.to_string().into_bytes(), 6)
                        }
                        _ => return None,
                    };
                    for byte in text {
                        value.push(byte);
                        table.push(j);
                    }
                    j += used;
                }
                _ => {
                    value.push(c);
                    table.push(j);
                    j += 1;
                }
            }
        }
        table.push(j);
        self.i = j + 1;
        Some(Scalar {
            value: String::from_utf8(value).ok()?,
            at: Source::Table(table),
        })
    }
}
