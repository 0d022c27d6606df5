//! Limits on a `select` expression's text, checked before it is parsed.
//! The JMESPath parser, its evaluator and every walk over its syntax tree
//! recurse once per level: 3,000 nested parentheses or a 5,000-step `a.a.a`
//! chain overflow a worker thread's stack and take the process down. The
//! tree can be no deeper than the brackets' nesting plus the operators, so
//! bounding both (and the length) bounds every recursion.

/// Characters in one expression.
pub const MAX_LENGTH: usize = 2_000;
/// Brackets, parentheses and braces open at once.
pub const MAX_NESTING: usize = 24;
/// Operators and brackets in all (`.`, `|`, `!`, `&&`, comparisons, `[`...).
pub const MAX_OPERATORS: usize = 160;

pub fn check(expr: &str) -> Result<(), String> {
    let len = expr.chars().count();
    if len > MAX_LENGTH {
        return Err(format!(
            "is {len} characters long; the limit is {MAX_LENGTH}: select fewer fields"
        ));
    }
    let (mut depth, mut deepest, mut ops) = (0usize, 0usize, 0usize);
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for c in expr.chars() {
        if let Some(q) = quote {
            // Inside 'raw', "quoted" or `literal` text nothing nests.
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '\'' | '"' | '`' => quote = Some(c),
            '(' | '[' | '{' => {
                depth += 1;
                deepest = deepest.max(depth);
                ops += 1;
            }
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            '.' | '|' | '!' | '&' | '<' | '>' | '=' | ',' | ':' | '@' | '*' | '?' => ops += 1,
            _ => {}
        }
    }
    if deepest > MAX_NESTING {
        return Err(format!(
            "nests brackets {deepest} deep; the limit is {MAX_NESTING}"
        ));
    }
    if ops > MAX_OPERATORS {
        return Err(format!(
            "has {ops} operators and brackets; the limit is {MAX_OPERATORS}: split it or select less"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_expressions_pass() {
        for e in [
            "items[?State=='running'].{id: Id, name: Names[0], image: Image, status: Status}",
            "sort_by(items, &Created)[-5:].Names",
            "items[?contains(Image, '((((((((((((((((((((((((((((')]",
        ] {
            assert!(check(e).is_ok(), "{e}");
        }
    }

    #[test]
    fn hostile_expressions_are_refused_with_the_limit_named() {
        let cases = [
            "(".repeat(3000) + "a" + &")".repeat(3000),
            vec!["a"; 5000].join("."),
            "!".repeat(50_000) + "a",
            "[".repeat(100) + &"]".repeat(100),
            vec!["a"; 200].join("."),
        ];
        for e in cases {
            let err = check(&e).unwrap_err();
            assert!(err.contains("limit is"), "{err}");
        }
    }
}
