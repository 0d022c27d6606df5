//! A bound on how much larger than its input a JMESPath expression's result
//! can grow. The evaluator has no limits of its own, and `[@, @][][@, @]...`
//! doubles at every step (found by fuzzing `select`): such expressions are
//! refused before they run.

use jmespath::ast::Ast;

/// Upper bound of result size / input size.
pub fn growth(ast: &Ast) -> f64 {
    match ast {
        Ast::Identity { .. }
        | Ast::Field { .. }
        | Ast::Index { .. }
        | Ast::Slice { .. }
        | Ast::Literal { .. } => 1.0,
        Ast::Not { node, .. } | Ast::Flatten { node, .. } | Ast::ObjectValues { node, .. } => {
            growth(node)
        }
        Ast::Expref { ast, .. } => growth(ast),
        // Both sides exist at once while evaluated.
        Ast::Comparison { lhs, rhs, .. } | Ast::And { lhs, rhs, .. } | Ast::Or { lhs, rhs, .. } => {
            growth(lhs) + growth(rhs)
        }
        Ast::Condition {
            predicate, then, ..
        } => growth(predicate) + growth(then),
        // The right side runs on (each element of) the left side's result.
        Ast::Projection { lhs, rhs, .. } | Ast::Subexpr { lhs, rhs, .. } => {
            growth(lhs) * growth(rhs)
        }
        Ast::MultiList { elements, .. } => elements.iter().map(growth).sum::<f64>().max(1.0),
        Ast::MultiHash { elements, .. } => elements
            .iter()
            .map(|kv| growth(&kv.value))
            .sum::<f64>()
            .max(1.0),
        Ast::Function { name, args, .. } => {
            let sum = args.iter().map(growth).sum::<f64>().max(1.0);
            match name.as_str() {
                "map" => args.iter().map(growth).product::<f64>().max(1.0),
                // JSON escaping can make a string six times longer.
                "to_string" => 6.0 * sum,
                _ => sum,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(expr: &str) -> f64 {
        growth(jmespath::compile(expr).unwrap().as_ast())
    }

    #[test]
    fn ordinary_selects_stay_small() {
        assert_eq!(g("items[].Name"), 1.0);
        assert_eq!(g("items[?State=='running'].{id: Id, name: Names[0]}"), 4.0);
        assert!(g("sort_by(items, &Created)[-5:].Names") <= 4.0);
    }

    #[test]
    fn doubling_grows_exponentially() {
        assert_eq!(g("[@, @]"), 2.0);
        assert_eq!(g("[@, @][][@, @][][@, @]"), 8.0);
        let nasty = "[@,@,@,@]".to_string() + &"[][@,@,@,@]".repeat(12);
        assert!(g(&nasty) > 1e7);
    }
}
