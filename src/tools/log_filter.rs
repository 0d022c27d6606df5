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

/// The matching lines of `text` (and `context` lines around them); groups
/// that are not adjacent are separated by `--`. The count is of matching
/// lines.
pub fn grep(text: &str, pattern: &str, context: usize) -> Result<(String, usize), ToolError> {
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
    let context = context.min(MAX_CONTEXT);
    let lines: Vec<&str> = text.lines().collect();
    let hits: Vec<usize> = (0..lines.len())
        .filter(|&i| re.is_match(lines[i]))
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
    Ok((out, hits.len()))
}

/// The log, or with `grep` its matching lines; a filter that matches
/// nothing says so rather than answering an empty text.
pub fn filtered(text: String, pattern: Option<&str>, context: usize) -> Result<Value, ToolError> {
    let Some(pattern) = pattern else {
        return Ok(Value::String(text));
    };
    let (lines, hits) = grep(&text, pattern, context)?;
    if hits == 0 {
        return Ok(Value::String(format!(
            "(no line of the {} read matches `grep`)",
            text.lines().count()
        )));
    }
    Ok(Value::String(lines))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_with_context_like_grep() {
        let log = "a\nb ERROR 1\nc\nd\ne\nf ERROR 2\ng\n";
        assert_eq!(
            grep(log, "ERROR", 0).unwrap(),
            ("b ERROR 1\nf ERROR 2\n".into(), 2)
        );
        assert_eq!(
            grep(log, "ERROR", 1).unwrap().0,
            "a\nb ERROR 1\nc\n--\ne\nf ERROR 2\ng\n"
        );
        // Overlapping context prints each line once.
        assert_eq!(
            grep(log, "ERROR", 2).unwrap().0,
            "a\nb ERROR 1\nc\nd\ne\nf ERROR 2\ng\n"
        );
        assert_eq!(grep(log, "nothing", 3).unwrap(), (String::new(), 0));
        // Matches at the end whose context reaches the last line.
        assert_eq!(
            grep("a\nERR\nERR", "ERR", 1).unwrap(),
            ("a\nERR\nERR\n".into(), 2)
        );
        assert_eq!(grep("ERR\nERR\nERR\n", "ERR", 5).unwrap().1, 3);
        assert_eq!(grep("", "x", 2).unwrap(), (String::new(), 0));
        assert!(grep(log, "(", 0)
            .unwrap_err()
            .to_string()
            .contains("`grep`"));
        assert!(grep(log, &"a".repeat(501), 0).is_err());
        // A pattern that would compile to something huge is refused.
        assert!(grep(log, "\\w{1000}\\w{1000}\\w{1000}", 0).is_err());
    }
}
