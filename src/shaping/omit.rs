//! Removing parts of a result by path (a tool's default omissions).

use serde_json::Value;

/// Removes a dotted path; `name[]` steps into every element of a list.
pub fn omit(v: &mut Value, path: &str) {
    let steps: Vec<&str> = path.split('.').collect();
    omit_steps(v, &steps);
}

fn omit_steps(v: &mut Value, steps: &[&str]) {
    let Some((first, rest)) = steps.split_first() else {
        return;
    };
    let (key, each) = match first.strip_suffix("[]") {
        Some(k) => (k, true),
        None => (*first, false),
    };
    let Value::Object(o) = v else { return };
    if rest.is_empty() && !each {
        o.remove(key);
        return;
    }
    let Some(child) = o.get_mut(key) else { return };
    match (each, child) {
        (true, Value::Array(items)) => items.iter_mut().for_each(|i| omit_steps(i, rest)),
        (false, child) => omit_steps(child, rest),
        _ => {}
    }
}
