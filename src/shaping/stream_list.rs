//! Large list answers, shaped while they arrive. A list of 50,000
//! containers is ~60 MB of JSON and at most a few dozen of them fit in a
//! result, so the body is never held whole: a scanner finds where each
//! top-level item starts and ends, counts them all, and parses only those
//! the result can show (the page asked for, within the size cap). Each kept
//! item is redacted and trimmed at once. With `select`, every item is kept,
//! up to a budget of JSON, since the expression may look at any of them.

use super::notes::{redaction_note, REDACTED_KEY};
use super::omit::omit;
use super::{redact, truncate};
use serde_json::{Map, Value};
use std::collections::VecDeque;

/// How to shape one list answer.
#[derive(Debug, Clone)]
pub struct ListPlan {
    /// The page: items before `offset` and after `offset + limit` are only
    /// counted (tools whose API cannot page).
    pub offset: usize,
    pub limit: Option<usize>,
    /// Report `total` (and the page) as client-side paging does.
    pub report_total: bool,
    pub max_chars: usize,
    pub keep_tail: bool,
    pub redact: bool,
    /// Paths removed from each item (the tool's `items[].x` omissions).
    pub omit: Vec<String>,
    /// Keep every item in the page, for a `select` (bounded by SELECT_INPUT).
    pub keep_all: bool,
}

/// The most item JSON kept for a `select`; a larger list must be narrowed
/// first (filters, `limit`/`offset`).
pub const SELECT_INPUT: usize = 16 << 20;

/// What came of a streamed list.
pub enum Streamed {
    /// The list, ready for `select` or already shaped to the cap.
    Items { value: Value, shaped: bool },
    /// The answer is not a JSON array: its bytes, for the ordinary path.
    NotAList(Vec<u8>),
    /// A `select` needs more than SELECT_INPUT of items.
    OverBudget { items: usize },
}

/// Feeds body chunks to the scanner; `finish` builds the result.
pub struct ListStream {
    plan: ListPlan,
    started: bool,
    not_list: Option<Vec<u8>>,
    depth: usize,
    in_string: bool,
    escaped: bool,
    ended: bool,
    /// Index of the item being read, and its bytes if it is wanted.
    index: usize,
    in_item: bool,
    current: Option<Vec<u8>>,
    kept: VecDeque<(Value, usize)>,
    kept_chars: usize,
    hidden: usize,
    over_budget: bool,
}

impl ListStream {
    pub fn new(plan: ListPlan) -> Self {
        ListStream {
            plan,
            started: false,
            not_list: None,
            depth: 0,
            in_string: false,
            escaped: false,
            ended: false,
            index: 0,
            in_item: false,
            current: None,
            kept: VecDeque::new(),
            kept_chars: 0,
            hidden: 0,
            over_budget: false,
        }
    }

    /// One more piece of the body.
    pub fn feed(&mut self, mut chunk: &[u8]) {
        if let Some(buf) = &mut self.not_list {
            buf.extend_from_slice(chunk);
            return;
        }
        if !self.started {
            let Some(first) = chunk.iter().position(|b| !b.is_ascii_whitespace()) else {
                return;
            };
            if chunk[first] != b'[' {
                self.not_list = Some(chunk.to_vec());
                return;
            }
            self.started = true;
            self.depth = 1;
            chunk = &chunk[first + 1..];
        }
        if self.ended {
            return;
        }
        self.scan(chunk);
    }

    fn in_page(&self, i: usize) -> bool {
        i >= self.plan.offset
            && self
                .plan
                .limit
                .is_none_or(|l| i < self.plan.offset.saturating_add(l))
    }

    /// Wanted: in the page, and (unless all are kept, or the tail is) the
    /// result still has room.
    fn wanted(&self, i: usize) -> bool {
        self.in_page(i)
            && !self.over_budget
            && (self.plan.keep_all || self.plan.keep_tail || self.kept_chars <= self.plan.max_chars)
    }

    fn scan(&mut self, chunk: &[u8]) {
        let mut i = 0;
        // Where the current item's bytes in this chunk begin.
        let mut from = 0;
        while i < chunk.len() {
            if self.in_string {
                if self.escaped {
                    // The character after a backslash ended the last chunk.
                    self.escaped = false;
                    i += 1;
                    continue;
                }
                // Jump to the next quote or backslash.
                match memchr::memchr2(b'"', b'\\', &chunk[i..]) {
                    None => {
                        i = chunk.len();
                        continue;
                    }
                    Some(j) => {
                        i += j;
                        if chunk[i] == b'\\' {
                            self.escaped = true;
                            i += 1;
                            continue;
                        }
                        self.in_string = false;
                        i += 1;
                        continue;
                    }
                }
            }
            let b = chunk[i];
            match b {
                b'"' => {
                    self.start_item(i, &mut from);
                    self.in_string = true;
                }
                b'[' | b'{' => {
                    self.start_item(i, &mut from);
                    self.depth += 1;
                }
                b']' | b'}' if self.depth > 1 => self.depth -= 1,
                b',' | b']' if self.depth == 1 => {
                    if self.in_item {
                        self.end_item(&chunk[from..i]);
                    }
                    if b == b']' {
                        self.ended = true;
                        return;
                    }
                }
                _ if b.is_ascii_whitespace() => {}
                _ => self.start_item(i, &mut from),
            }
            i += 1;
        }
        if self.in_item {
            if let Some(cur) = &mut self.current {
                cur.extend_from_slice(&chunk[from.min(chunk.len())..]);
            }
        }
    }

    fn start_item(&mut self, at: usize, from: &mut usize) {
        if self.depth == 1 && !self.in_item {
            self.in_item = true;
            *from = at;
            self.current = self.wanted(self.index).then(Vec::new);
        }
    }

    fn end_item(&mut self, tail: &[u8]) {
        self.in_item = false;
        self.index += 1;
        let Some(mut bytes) = self.current.take() else {
            return;
        };
        bytes.extend_from_slice(tail);
        let mut item: Value = match serde_json::from_slice(&bytes) {
            Ok(v) => v,
            Err(_) => Value::String(String::from_utf8_lossy(&bytes).into_owned()),
        };
        if self.plan.redact {
            self.hidden += redact::redact(&mut item);
        }
        for path in &self.plan.omit {
            omit(&mut item, path);
        }
        let chars = truncate::size(&item) + 1;
        self.kept_chars += chars;
        self.kept.push_back((item, chars));
        if self.plan.keep_all && self.kept_chars > SELECT_INPUT {
            self.over_budget = true;
            self.kept.clear();
        }
        // Logs and the like keep the end: forget the oldest beyond the cap.
        while self.plan.keep_tail && !self.plan.keep_all && self.kept.len() > 1 {
            let first = self.kept.front().map_or(0, |(_, c)| *c);
            if self.kept_chars - first <= self.plan.max_chars {
                break;
            }
            self.kept.pop_front();
            self.kept_chars -= first;
        }
    }

    /// Bytes held for an answer that is not a list.
    pub fn buffered(&self) -> usize {
        self.not_list.as_ref().map_or(0, Vec::len)
    }

    pub fn finish(mut self) -> Streamed {
        if let Some(buf) = self.not_list.take() {
            return Streamed::NotAList(buf);
        }
        if !self.started {
            return Streamed::NotAList(vec![]);
        }
        if self.over_budget {
            return Streamed::OverBudget { items: self.index };
        }
        let total = self.index;
        let start = self.plan.offset.min(total);
        let end = self
            .plan
            .limit
            .map_or(total, |l| start.saturating_add(l).min(total));
        let in_page = end - start;
        let items: Vec<Value> = self.kept.into_iter().map(|(v, _)| v).collect();
        let mut o = Map::new();
        o.insert("items".into(), Value::Array(items));
        if self.plan.report_total {
            o.insert("total".into(), total.into());
            if start > 0 || end < total {
                o.insert("offset".into(), start.into());
                o.insert("returned".into(), in_page.into());
            }
        }
        if self.plan.keep_all {
            return Streamed::Items {
                value: Value::Object(o),
                shaped: false,
            };
        }
        let marked = if self.hidden > 0 {
            redact::count_marked(&o["items"])
        } else {
            0
        };
        if marked > 0 {
            o.insert(REDACTED_KEY.into(), redaction_note(marked).into());
        }
        let value = truncate::cap_list(
            Value::Object(o),
            self.plan.max_chars,
            self.plan.keep_tail,
            in_page,
        );
        Streamed::Items {
            value,
            shaped: true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn plan(max_chars: usize) -> ListPlan {
        ListPlan {
            offset: 0,
            limit: None,
            report_total: true,
            max_chars,
            keep_tail: false,
            redact: true,
            omit: vec!["Big".into()],
            keep_all: false,
        }
    }

    fn run(p: ListPlan, body: &[u8], chunk: usize) -> Streamed {
        let mut s = ListStream::new(p);
        for c in body.chunks(chunk) {
            s.feed(c);
        }
        s.finish()
    }

    fn items(n: usize) -> Vec<u8> {
        let v: Vec<Value> = (0..n)
            .map(|i| json!({"Id": i, "Name": format!("c-{i} \"q\" [x]"), "Big": "x".repeat(500), "Password": "hunter2"}))
            .collect();
        serde_json::to_vec(&v).unwrap()
    }

    #[test]
    fn counts_all_keeps_what_fits_in_any_chunking() {
        let body = items(5000);
        for chunk in [1, 7, 4096, body.len()] {
            let Streamed::Items { value, shaped } = run(plan(2000), &body, chunk) else {
                panic!("a list")
            };
            assert!(shaped);
            assert_eq!(value["total"], 5000);
            let kept = value["items"].as_array().unwrap();
            assert!(!kept.is_empty() && kept.len() < 100, "{}", kept.len());
            assert_eq!(kept[0]["Id"], 0);
            assert!(kept[0].get("Big").is_none());
            assert_eq!(kept[0]["Password"], "<redacted>");
            assert!(truncate::size(&value) <= 2000);
            let note = value[truncate::NOTE_KEY].as_str().unwrap();
            assert!(note.contains("of 5000"), "{note}");
            assert!(value[REDACTED_KEY].is_string());
        }
    }

    #[test]
    fn pages_and_tails() {
        let body = items(100);
        let mut p = plan(100_000);
        p.offset = 10;
        p.limit = Some(5);
        let Streamed::Items { value, .. } = run(p, &body, 333) else {
            panic!()
        };
        let ids: Vec<i64> = value["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["Id"].as_i64().unwrap())
            .collect();
        assert_eq!(ids, vec![10, 11, 12, 13, 14]);
        assert_eq!(
            (value["total"].clone(), value["returned"].clone()),
            (json!(100), json!(5))
        );
        let mut p = plan(3000);
        p.keep_tail = true;
        let Streamed::Items { value, .. } = run(p, &body, 100) else {
            panic!()
        };
        assert_eq!(value["items"].as_array().unwrap().last().unwrap()["Id"], 99);
    }

    #[test]
    fn objects_and_scalars_and_budgets() {
        assert!(
            matches!(run(plan(1000), b" {\"a\": [1]}", 3), Streamed::NotAList(b) if b == b" {\"a\": [1]}")
        );
        let Streamed::Items { value, .. } = run(plan(1000), b"[1, \"a,b\", null, [2,3]]", 2) else {
            panic!()
        };
        assert_eq!(value["items"], json!([1, "a,b", null, [2, 3]]));
        let Streamed::Items { value, .. } = run(plan(1000), b"[]", 1) else {
            panic!()
        };
        assert_eq!(value["total"], 0);
        let mut p = plan(1000);
        p.keep_all = true;
        p.omit.clear();
        let big = items(40_000);
        assert!(matches!(run(p, &big, 65536), Streamed::OverBudget { .. }));
    }
}
