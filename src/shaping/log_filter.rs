//! `grep` for the log tools: lines matching a regular expression, with a
//! few lines of context around each, as `grep -C` prints them.

use crate::error::ToolError;
use serde_json::Value;

/// Longest pattern taken, and the compiled size allowed: a log filter has
/// no business being large, and a huge one costs the server.
const MAX_PATTERN: usize = 500;
const MAX_COMPILED: usize = 1 << 20;
/// Most context lines either side.
pub const MAX_CONTEXT: usize = 20;

/// A checked `grep`: the expression compiled, before any request is sent.
#[derive(Clone, Debug)]
pub struct Filter {
    re: regex::Regex,
    context: usize,
}

impl Filter {
    pub fn is_match(&self, line: &str) -> bool {
        self.re.is_match(line)
    }

    /// Lines shown around each match.
    pub fn context(&self) -> usize {
        self.context
    }
}

/// Compiles `grep`; a bad or oversized expression is refused here, so a
/// tool checks it with its other arguments, before fetching anything.
pub fn filter(pattern: Option<&str>, context: usize) -> Result<Option<Filter>, ToolError> {
    let Some(pattern) = pattern else {
        return Ok(None);
    };
    if pattern.len() > MAX_PATTERN {
        return Err(ToolError::BadArguments(format!(
            "`grep` is {} characters; at most {MAX_PATTERN}",
            pattern.len()
        )));
    }
    let re = regex::RegexBuilder::new(pattern)
        .size_limit(MAX_COMPILED)
        .build()
        .map_err(|e| ToolError::BadArguments(format!("`grep` is not a regular expression: {e}")))?;
    Ok(Some(Filter {
        re,
        context: context.min(MAX_CONTEXT),
    }))
}

/// The matching lines of `text` (and context lines around them); groups
/// that are not adjacent are separated by `--`. The count is of matching
/// lines.
pub fn grep(text: &str, f: &Filter) -> (String, usize) {
    let context = f.context;
    let lines: Vec<&str> = text.lines().collect();
    let hits: Vec<usize> = (0..lines.len())
        .filter(|&i| f.re.is_match(lines[i]))
        .collect();
    let mut out = String::new();
    let mut next = 0; // first line not yet printed
    for (k, &i) in hits.iter().enumerate() {
        let from = i.saturating_sub(context).max(next);
        if k > 0 && from > next && context > 0 {
            out.push_str("--\n");
        }
        let to = (i + context).min(lines.len().saturating_sub(1));
        if from > to {
            continue; // already printed as the context of the match before
        }
        for line in &lines[from..=to] {
            out.push_str(line);
            out.push('\n');
        }
        next = to + 1;
    }
    (out, hits.len())
}

/// The log, or with a filter its matching lines; a filter that matches
/// nothing says so rather than answering an empty text.
pub fn filtered(text: String, f: Option<&Filter>) -> Value {
    let Some(f) = f else {
        return Value::String(text);
    };
    let (lines, hits) = grep(&text, f);
    if hits == 0 {
        return Value::String(format!(
            "(no line of the {} read matches `grep`)",
            text.lines().count()
        ));
    }
    Value::String(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(text: &str, pattern: &str, context: usize) -> Result<(String, usize), ToolError> {
        let f = filter(Some(pattern), context)?.unwrap();
        Ok(grep(text, &f))
    }

    #[test]
    fn matches_with_context_like_grep() {
        let log = "a\nb ERROR 1\nc\nd\ne\nf ERROR 2\ng\n";
        assert_eq!(
            g(log, "ERROR", 0).unwrap(),
            ("b ERROR 1\nf ERROR 2\n".into(), 2)
        );
        assert_eq!(
            g(log, "ERROR", 1).unwrap().0,
            "a\nb ERROR 1\nc\n--\ne\nf ERROR 2\ng\n"
        );
        // Overlapping context prints each line once.
        assert_eq!(
            g(log, "ERROR", 2).unwrap().0,
            "a\nb ERROR 1\nc\nd\ne\nf ERROR 2\ng\n"
        );
        assert_eq!(g(log, "nothing", 3).unwrap(), (String::new(), 0));
        // Matches at the end whose context reaches the last line.
        assert_eq!(
            g("a\nERR\nERR", "ERR", 1).unwrap(),
            ("a\nERR\nERR\n".into(), 2)
        );
        assert_eq!(g("ERR\nERR\nERR\n", "ERR", 5).unwrap().1, 3);
        assert_eq!(g("", "x", 2).unwrap(), (String::new(), 0));
        assert!(g(log, "(", 0).unwrap_err().to_string().contains("`grep`"));
        assert!(g(log, &"a".repeat(501), 0).is_err());
        // A pattern that would compile to something huge is refused.
        assert!(g(log, "\\w{1000}\\w{1000}\\w{1000}", 0).is_err());
    }
}
