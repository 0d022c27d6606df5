//! The API server's Table view of a list (`as=Table`), made compact: the
//! column names once, each row as its cells, the columns kubectl shows
//! (all of them for the wide view), and the continue token kept where the
//! size cap looks for it.

use serde_json::{json, Value};

/// `Accept` that asks for a Table and takes a plain list from an API that
/// serves none (some aggregated APIs), as kubectl does.
pub const ACCEPT: &str = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";

/// `wide` keeps the columns of priority above 0 (kubectl's `-o wide`);
/// `with_namespace` adds the Namespace column of a list across namespaces.
/// A body that is not a Table is returned as it came.
pub fn compact(table: Value, wide: bool, with_namespace: bool) -> Value {
    if table["kind"] != "Table" {
        return table;
    }
    let empty = vec![];
    let defs = table["columnDefinitions"].as_array().unwrap_or(&empty);
    let keep: Vec<usize> = (0..defs.len())
        .filter(|&i| wide || defs[i]["priority"].as_i64().unwrap_or(0) == 0)
        .collect();
    let mut columns: Vec<Value> = keep.iter().map(|&i| defs[i]["name"].clone()).collect();
    if with_namespace {
        columns.insert(0, json!("Namespace"));
    }
    let rows: Vec<Value> = table["rows"]
        .as_array()
        .unwrap_or(&empty)
        .iter()
        .map(|row| {
            let cells = row["cells"].as_array().unwrap_or(&empty);
            let mut out: Vec<Value> = keep
                .iter()
                .map(|&i| cells.get(i).cloned().unwrap_or(Value::Null))
                .collect();
            if with_namespace {
                out.insert(0, row["object"]["metadata"]["namespace"].clone());
            }
            Value::Array(out)
        })
        .collect();
    let total = rows.len();
    let mut out = json!({"columns": columns, "items": rows, "total": total});
    let meta = &table["metadata"];
    if meta["continue"].as_str().is_some_and(|c| !c.is_empty()) {
        out["metadata"] =
            json!({"continue": meta["continue"], "remainingItemCount": meta["remainingItemCount"]});
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Value {
        json!({"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": {"resourceVersion": "9", "continue": "tok", "remainingItemCount": 3},
            "columnDefinitions": [
                {"name": "Name", "type": "string", "format": "name", "priority": 0},
                {"name": "Ready", "type": "string", "priority": 0},
                {"name": "IP", "type": "string", "priority": 1}],
            "rows": [{"cells": ["web-1", "1/1", "10.42.0.9"], "object": {"kind": "PartialObjectMetadata", "metadata": {"name": "web-1", "namespace": "shop"}}}]})
    }

    #[test]
    fn narrow_wide_and_across_namespaces() {
        let narrow = compact(table(), false, false);
        assert_eq!(narrow["columns"], json!(["Name", "Ready"]));
        assert_eq!(narrow["items"], json!([["web-1", "1/1"]]));
        assert_eq!(narrow["total"], 1);
        assert_eq!(narrow["metadata"]["continue"], "tok");
        let wide = compact(table(), true, true);
        assert_eq!(wide["columns"], json!(["Namespace", "Name", "Ready", "IP"]));
        assert_eq!(
            wide["items"],
            json!([["shop", "web-1", "1/1", "10.42.0.9"]])
        );
    }

    #[test]
    fn a_plain_list_is_left_alone() {
        let list = json!({"kind": "PodList", "items": []});
        assert_eq!(compact(list.clone(), false, false), list);
    }

    #[test]
    fn short_rows_and_missing_parts_do_not_panic() {
        let odd = json!({"kind": "Table", "columnDefinitions": [{"name": "A"}, {"name": "B"}], "rows": [{"cells": ["x"]}, {}]});
        let out = compact(odd, false, true);
        assert_eq!(out["items"], json!([[null, "x", null], [null, null, null]]));
    }
}
