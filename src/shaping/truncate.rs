//! The response size cap. A result over the cap is cut at a clean boundary
//! (whole list items, or the largest values), stays valid JSON, and says
//! what was left out and how to narrow the call.

use serde_json::{json, Value};

pub const NOTE_KEY: &str = "_truncated";
const ADVICE: &str = "narrow the call with `select` (a JMESPath expression), filters or paging";

/// Serialized size in characters (what the client receives as text),
/// counted while serializing: the cap measures large results several
/// times, and each measure need not hold a copy of the whole text.
pub fn size(v: &Value) -> usize {
    let mut counter = CharCounter(0);
    match serde_json::to_writer(&mut counter, v) {
        Ok(()) => counter.0,
        Err(_) => usize::MAX,
    }
}

/// Counts UTF-8 characters: every byte that does not continue one.
struct CharCounter(usize);

impl std::io::Write for CharCounter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.iter().filter(|b| (**b & 0xC0) != 0x80).count();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Cuts `v` (an object) to at most `max` characters. `keep_tail` keeps the
/// end of lists and long strings (logs) instead of the start.
pub fn cap(v: Value, max: usize, keep_tail: bool) -> Value {
    cap_counted(v, max, keep_tail, None)
}

/// `cap` for a list of which only some items were read: `of` is how many
/// the page has, so the note can say how many are not shown.
pub fn cap_list(v: Value, max: usize, keep_tail: bool, of: usize) -> Value {
    let shown = v.get("items").and_then(Value::as_array).map_or(0, Vec::len);
    let mut v = cap_counted(v, max, keep_tail, Some(of));
    if shown < of && v.get(NOTE_KEY).is_none() {
        let range = if keep_tail { "last" } else { "first" };
        if let Value::Object(o) = &mut v {
            o.insert(
                NOTE_KEY.into(),
                json!(format!(
                    "the list has {of} items, over the {max}-character limit: showing the {range} {shown}; {ADVICE}"
                )),
            );
        }
    }
    v
}

fn cap_counted(v: Value, max: usize, keep_tail: bool, of: Option<usize>) -> Value {
    let total = size(&v);
    if total <= max {
        return v;
    }
    let v = match cut_items(v, max, keep_tail, total, of) {
        Ok(done) => return done,
        Err(v) => v,
    };
    cut_values(v, max, keep_tail, total)
}

/// Keeps as many whole `items` (or whole elements of a select's list) as fit.
fn cut_items(
    mut v: Value,
    max: usize,
    keep_tail: bool,
    total: usize,
    of: Option<usize>,
) -> Result<Value, Value> {
    // A list answer, or a select that made one.
    let key = match (v.get("items"), v.get("selected")) {
        (Some(Value::Array(_)), _) => "items",
        (_, Some(Value::Array(_))) => "selected",
        _ => return Err(v),
    };
    let Some(Value::Array(items)) = v.get_mut(key).map(std::mem::take) else {
        return Err(v);
    };
    let n = items.len();
    let of = of.unwrap_or(n).max(n);
    let with = |k: usize, v: &Value| -> Value {
        let kept: Vec<Value> = if keep_tail {
            items[n - k..].to_vec()
        } else {
            items[..k].to_vec()
        };
        let mut out = v.clone();
        out[key] = Value::Array(kept);
        let range = if keep_tail {
            format!("the last {k}")
        } else {
            format!("the first {k}")
        };
        out[NOTE_KEY] = json!(format!(
            "result was {total} characters, over the {max} limit: showing {range} of {of} items; {ADVICE}"
        ));
        // A Kubernetes page's continue token points past the items cut
        // here; following it would skip them. It goes, and the note says
        // how to page without a gap.
        if k < n && !keep_tail {
            if let Some(Value::String(_)) = out.pointer("/metadata/continue") {
                out["metadata"]["continue"] = Value::Null;
                out[NOTE_KEY] = json!(format!(
                    "result was {total} characters, over the {max} limit: showing the first {k} of this page's {n} items; \
                     metadata.continue was dropped as it points past the items not shown: call again as before \
                     (same continue, if any) with limit {k}, then follow that answer's continue"
                ));
            }
        }
        out
    };
    // Largest k whose result fits (size grows with k).
    let (mut lo, mut hi) = (0usize, n);
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if size(&with(mid, &v)) <= max {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    if lo == 0 && n > 0 {
        // Not even one item fits whole: cut inside the first one instead.
        v[key] = Value::Array(items);
        return Err(v);
    }
    Ok(with(lo, &v))
}

/// Shortens or drops the largest values until the result fits.
fn cut_values(mut v: Value, max: usize, keep_tail: bool, total: usize) -> Value {
    let mut cut: Vec<String> = vec![];
    // Room for the note itself.
    let budget = max.saturating_sub(400);
    for _ in 0..256 {
        let now = size(&v);
        if now <= budget {
            break;
        }
        let excess = now - budget;
        let Some(path) = largest_path(&v) else { break };
        let Some(node) = pointer_mut(&mut v, &path) else {
            break;
        };
        let label = if path.is_empty() {
            "(root)".to_string()
        } else {
            path.join(".")
        };
        let serialized = size(node);
        let shortened = match node {
            Value::String(s) if serialized > excess + 40 => {
                // Escapes make the serialized form longer than the text:
                // keep the same share of characters.
                let chars = s.chars().count();
                let keep = chars * (serialized - excess - 40) / serialized;
                let short = shorten(s, keep, keep_tail);
                // Each pass must make progress (found by fuzzing: a marker
                // re-added at the same length looped forever).
                if short.chars().count() < chars {
                    *s = short;
                    true
                } else {
                    false
                }
            }
            _ => false,
        };
        let entry = if shortened {
            format!("{label} (shortened)")
        } else {
            *node = Value::Null;
            format!("{label} (omitted)")
        };
        if !cut.contains(&entry) {
            cut.push(entry);
        }
    }
    let listed: Vec<&str> = cut.iter().take(8).map(String::as_str).collect();
    let more = cut.len().saturating_sub(listed.len());
    let what = if more > 0 {
        format!("{} and {more} more", listed.join(", "))
    } else {
        listed.join(", ")
    };
    let note = json!(format!(
        "result was {total} characters, over the {max} limit; cut: {what}; {ADVICE}"
    ));
    if let Value::Object(o) = &mut v {
        o.insert(NOTE_KEY.to_string(), note.clone());
    }
    // The cap holds whatever the shape: as a last resort, only the note.
    if size(&v) > max {
        let mut only = serde_json::Map::new();
        only.insert(NOTE_KEY.to_string(), note);
        v = Value::Object(only);
    }
    v
}

fn shorten(s: &str, keep: usize, keep_tail: bool) -> String {
    let n = s.chars().count();
    if keep_tail {
        let tail: String = s.chars().skip(n - keep).collect();
        // Start at a line boundary when there is one.
        let tail = tail
            .split_once('\n')
            .map(|(_, rest)| rest.to_string())
            .unwrap_or(tail);
        format!("[… {} characters before]\n{tail}", n - tail.chars().count())
    } else {
        let head: String = s.chars().take(keep).collect();
        let head = head
            .rsplit_once('\n')
            .map(|(h, _)| h.to_string())
            .unwrap_or(head);
        format!("{head}\n[… {} characters after]", n - head.chars().count())
    }
}

/// Path of the value to cut: from the root, follow the biggest child while
/// it holds most of its parent's size.
fn largest_path(v: &Value) -> Option<Vec<String>> {
    let mut path = vec![];
    let mut node = v;
    loop {
        let children: Vec<(String, &Value)> = match node {
            Value::Object(o) => o
                .iter()
                .filter(|(k, _)| *k != NOTE_KEY)
                .map(|(k, c)| (k.clone(), c))
                .collect(),
            Value::Array(a) => a
                .iter()
                .enumerate()
                .map(|(i, c)| (i.to_string(), c))
                .collect(),
            _ => vec![],
        };
        let Some((key, child)) = children
            .into_iter()
            .filter(|(_, c)| !c.is_null())
            .max_by_key(|(_, c)| size(c))
        else {
            return (!path.is_empty()).then_some(path);
        };
        let parent_size = size(node);
        if !path.is_empty() && size(child) * 2 < parent_size {
            return Some(path);
        }
        path.push(key);
        node = child;
    }
}

fn pointer_mut<'a>(v: &'a mut Value, path: &[String]) -> Option<&'a mut Value> {
    let mut node = v;
    for k in path {
        node = match node {
            Value::Object(o) => o.get_mut(k)?,
            Value::Array(a) => a.get_mut(k.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(node)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_cut_kubernetes_page_drops_its_continue_token() {
        let items: Vec<Value> = (0..150)
            .map(|i| json!({"metadata": {"name": format!("cm-{i}")}, "data": {"k": "x".repeat(300)}}))
            .collect();
        let page = json!({"kind": "ConfigMapList", "metadata": {"continue": "tok-150", "resourceVersion": "9"}, "items": items});
        let out = cap(page, 20_000, false);
        let kept = out["items"].as_array().unwrap().len();
        assert!(kept > 0 && kept < 150, "{kept}");
        assert_eq!(out["metadata"]["continue"], Value::Null);
        let note = out[NOTE_KEY].as_str().unwrap();
        assert!(note.contains(&format!("with limit {kept}")), "{note}");
        // A page that fits keeps its token.
        let small =
            json!({"kind": "ConfigMapList", "metadata": {"continue": "tok"}, "items": [{"a": 1}]});
        assert_eq!(cap(small, 20_000, false)["metadata"]["continue"], "tok");
    }

    use super::*;

    #[test]
    fn size_counts_characters_of_the_json_text() {
        let v = json!({"k": "é…\n"});
        assert_eq!(size(&v), serde_json::to_string(&v).unwrap().chars().count());
        assert_eq!(size(&v), 12);
    }

    #[test]
    fn small_results_pass_untouched() {
        let v = json!({"items": [1, 2, 3]});
        assert_eq!(cap(v.clone(), 1000, false), v);
    }

    #[test]
    fn lists_keep_whole_items() {
        let items: Vec<Value> = (0..200)
            .map(|i| json!({"Id": i, "Name": format!("container-{i}")}))
            .collect();
        let out = cap(json!({"items": items}), 2000, false);
        assert!(size(&out) <= 2000);
        let kept = out["items"].as_array().unwrap();
        assert!(kept.len() > 10 && kept.len() < 200);
        assert_eq!(kept[0]["Id"], 0);
        let note = out[NOTE_KEY].as_str().unwrap();
        assert!(
            note.contains(&format!("the first {} of 200", kept.len())) && note.contains("select"),
            "{note}"
        );
        let tail = cap(json!({"items": (0..200).collect::<Vec<_>>()}), 300, true);
        assert_eq!(tail["items"].as_array().unwrap().last().unwrap(), 199);
    }

    #[test]
    fn escaped_strings_converge_and_the_cap_holds() {
        // Found by fuzzing: control characters serialize six times longer.
        let nasty: String = "\u{0}".repeat(430) + "0S" + &"\u{0}".repeat(200);
        let out = cap(json!({"selected": nasty}), 2000, false);
        let n = size(&out);
        assert!(n <= 2000, "{n}");
        assert!(
            out[NOTE_KEY].as_str().unwrap().matches("selected").count() <= 1,
            "{out}"
        );
        for max in [1000, 1500, 3000] {
            let big: Vec<Value> = (0..50)
                .map(|i| json!({"k": "\u{1}".repeat(100 + i)}))
                .collect();
            assert!(size(&cap(json!({"a": big, "b": "x".repeat(5000)}), max, true)) <= max);
        }
    }

    #[test]
    fn big_values_are_shortened_or_dropped() {
        let logs: String = (0..5000).map(|i| format!("line {i}\n")).collect();
        let out = cap(json!({"logs": logs, "container": "web"}), 5000, true);
        assert!(size(&out) <= 5000, "{}", size(&out));
        let kept = out["logs"].as_str().unwrap();
        assert!(
            kept.ends_with("line 4999\n") && kept.starts_with("[… "),
            "{}",
            &kept[..60]
        );
        assert_eq!(out["container"], "web");
        let snapshot: Vec<Value> = (0..500)
            .map(|i| json!({"k": i, "v": "x".repeat(20)}))
            .collect();
        let out = cap(
            json!({"Id": 1, "Snapshots": [{"Raw": snapshot}], "Name": "local"}),
            3000,
            false,
        );
        assert!(size(&out) <= 3000, "{}", size(&out));
        assert_eq!(out["Name"], "local");
        assert!(
            out[NOTE_KEY].as_str().unwrap().contains("Snapshots"),
            "{out}"
        );
    }
}

#[cfg(test)]
mod selected_tests {
    use super::*;

    /// A select that makes a long list is cut to the elements that fit,
    /// like a list answer, rather than dropped whole.
    #[test]
    fn a_selected_list_keeps_what_fits() {
        let list: Vec<Value> = (0..500)
            .map(|i| json!({"n": format!("/c{i}"), "r": 0}))
            .collect();
        let v = json!({"selected": list, "total": 500});
        let out = cap(v, 2_000, false);
        let kept = out["selected"].as_array().unwrap();
        assert!(!kept.is_empty() && kept.len() < 500, "{out}");
        assert_eq!(kept[0]["n"], "/c0");
        assert!(out[NOTE_KEY]
            .as_str()
            .unwrap()
            .contains(&format!("the first {} of 500", kept.len())));
        assert!(size(&out) <= 2_000);
    }
}
