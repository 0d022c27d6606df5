//! Which tools and arguments exist in which Portainer description, computed
//! from the routes themselves, and the reviewable table of it.

use crate::catalogue::{problem, Catalogue, ToolEntry};
use crate::descriptions::Description;
use crate::plan::{Kind, Planned};
use crate::schema::{Arg, Location};
use crate::spec::{plain, Operation, Spec};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// One tool across the descriptions (indexes into the description list).
#[derive(Debug, Default, Clone)]
pub struct ToolAvailability {
    /// Descriptions without the tool, and why.
    pub missing: BTreeMap<usize, String>,
    /// Arguments some descriptions lack (the tool exists there without them).
    pub gaps: Vec<Gap>,
}

#[derive(Debug, Clone)]
pub struct Gap {
    /// Name in the request (query parameter or body field).
    pub wire: String,
    /// Name the model sees; None for a hidden argument.
    pub exposed: Option<String>,
    /// Hidden, but sent with its default where it exists.
    pub defaulted: bool,
    pub missing: BTreeSet<usize>,
    /// Of those, descriptions where it exists with another type (which).
    pub retyped: BTreeMap<usize, String>,
}

/// How a description has one of our arguments.
enum Presence {
    Same,
    Absent,
    /// Same name, another type (CE 2.39.0's EndpointList `order` is an
    /// integer, EE 2.45.3's a string): sending ours would be wrong there.
    OtherType(String),
}

/// Availability of every planned tool, in catalogue order; or every
/// problem found, each naming its tool and description.
pub fn compute(
    planned: &[Planned],
    union: &Spec,
    descriptions: &[Description],
) -> Result<Vec<ToolAvailability>, Vec<String>> {
    let mut errors = vec![];
    let mut out = vec![];
    for p in planned {
        let e = p.entry;
        let mut avail = ToolAvailability::default();
        let calls: Vec<(String, Vec<Arg>)> = match &p.kind {
            Kind::Generated { calls, .. } => calls
                .iter()
                .map(|c| (c.operation.clone(), c.args.clone()))
                .collect(),
            Kind::Handler(_) => e.uses.iter().map(|id| (id.clone(), vec![])).collect(),
        };
        for (id, args) in &calls {
            let Some(op) = union.operation(id) else {
                errors.push(problem(
                    &e.name,
                    format!("operation `{id}` is not in spec/"),
                ));
                continue;
            };
            for (i, d) in descriptions.iter().enumerate() {
                let Some(theirs) = d.spec.operation_at(&op.route()) else {
                    avail.missing.insert(
                        i,
                        format!("no {} /api{}", op.method.to_uppercase(), op.path),
                    );
                    continue;
                };
                for a in args {
                    check_arg(e, a, &op, &theirs, d, &mut errors);
                    let retyped = match presence(&op, &theirs, a) {
                        Presence::Same => continue,
                        Presence::Absent => None,
                        Presence::OtherType(t) => Some(t),
                    };
                    if op.is_required(plain(&a.wire)) {
                        avail.missing.insert(
                            i,
                            format!("needs `{}` as we send it, which it lacks", a.wire),
                        );
                        continue;
                    }
                    let at = match avail.gaps.iter().position(|g| g.wire == a.wire) {
                        Some(at) => at,
                        None => {
                            avail.gaps.push(Gap {
                                wire: a.wire.clone(),
                                exposed: (!a.hidden).then(|| a.exposed.clone()),
                                defaulted: a.hidden && a.default.is_some(),
                                missing: BTreeSet::new(),
                                retyped: BTreeMap::new(),
                            });
                            avail.gaps.len() - 1
                        }
                    };
                    avail.gaps[at].missing.insert(i);
                    if let Some(t) = retyped {
                        avail.gaps[at].retyped.insert(i, t);
                    }
                }
            }
        }
        // Where the tool is missing, its arguments' gaps say nothing more.
        for g in &mut avail.gaps {
            g.missing.retain(|i| !avail.missing.contains_key(i));
        }
        avail.gaps.retain(|g| !g.missing.is_empty());
        match (&e.edition_note, avail.missing.len()) {
            (Some(_), 0) => errors.push(problem(
                &e.name,
                "edition_note is given, but every description in spec/ has the tool",
            )),
            (_, n) if n == descriptions.len() => errors.push(problem(
                &e.name,
                "no description in spec/ has all its operations",
            )),
            _ => {}
        }
        out.push(avail);
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// The schema of argument `a` in `op`; Some({}) for path parameters and
/// whole bodies, which every description of the route has.
fn arg_schema(op: &Operation, a: &Arg) -> Option<Value> {
    let name = plain(&a.wire);
    match a.location {
        Location::Path | Location::Body => Some(Value::Null),
        Location::Query => op
            .params
            .iter()
            .find(|p| p.location == "query" && plain(&p.name) == name)
            .map(|p| p.schema.clone()),
        Location::BodyField => op.body.as_ref().and_then(|b| {
            op.body_fields(b)
                .into_iter()
                .find(|(f, _)| f == name)
                .map(|(_, s)| s)
        }),
    }
}

fn has_arg(op: &Operation, a: &Arg) -> bool {
    arg_schema(op, a).is_some()
}

fn presence(ours: &Operation, theirs: &Operation, a: &Arg) -> Presence {
    let Some(t) = arg_schema(theirs, a) else {
        return Presence::Absent;
    };
    // Compared by JSON type (and item type): what decides whether the
    // value we send is read as meant. Untyped schemas ($ref'd objects) agree.
    let kind = |s: &Value| {
        let of = |s: &Value| s.get("type").and_then(Value::as_str).map(str::to_string);
        of(s).map(|t| match (t.as_str(), s.get("items").and_then(of)) {
            ("array", Some(item)) => format!("array of {item}"),
            _ => t,
        })
    };
    match (arg_schema(ours, a).as_ref().and_then(kind), kind(&t)) {
        (Some(o), Some(t)) if o != t => Presence::OtherType(t),
        _ => Presence::Same,
    }
}

/// An argument a description requires but ours makes optional must have a
/// default, or a call that leaves it out fails there (hidden ones are only
/// ever their default).
fn check_arg(
    e: &ToolEntry,
    a: &Arg,
    ours: &Operation,
    theirs: &Operation,
    d: &Description,
    errors: &mut Vec<String>,
) {
    let name = plain(&a.wire);
    let forced = e.params.get(name).is_some_and(|o| o.required);
    if a.default.is_none()
        && !forced
        && !ours.is_required(name)
        && has_arg(theirs, a)
        && theirs.is_required(name)
    {
        let why = if a.hidden {
            "hiding it needs a default"
        } else {
            "an optional argument needs a default (or required = true)"
        };
        errors.push(problem(
            &e.name,
            format!(
                "params.{name} is required by Portainer {}, so {why}",
                d.label()
            ),
        ));
    }
}

/// One line per description: how many tools it has, and how many of
/// those lack some argument (printed by `cargo xtask generate`).
pub fn summary(descriptions: &[Description], avail: &[ToolAvailability]) -> Vec<String> {
    (0..descriptions.len())
        .map(|i| {
            let served = avail.iter().filter(|a| !a.missing.contains_key(&i)).count();
            let fewer = avail
                .iter()
                .filter(|a| !a.missing.contains_key(&i))
                .filter(|a| {
                    a.gaps
                        .iter()
                        .any(|g| g.exposed.is_some() && g.missing.contains(&i))
                })
                .count();
            format!(
                "Portainer {}: {served} of {} tools, {fewer} of them without some arguments",
                descriptions[i].label(),
                avail.len()
            )
        })
        .collect()
}

/// The generated table: tool x description.
pub fn table(cat: &Catalogue, descriptions: &[Description], avail: &[ToolAvailability]) -> String {
    let labels: Vec<String> = descriptions.iter().map(Description::label).collect();
    let mut out = String::from(
        "# Tools by Portainer description\n\n\
         Generated by build.rs from tools.toml and spec/ (`cargo xtask generate`); do not edit.\n\
         A version bump shows up as a diff of this file.\n\n\
         ✓ served · ✓ −N served without N of its arguments (listed below) · — not served\n\n",
    );
    out += &format!("| tool | toolset | {} |\n", labels.join(" | "));
    out += &format!("|---|---|{}\n", "---|".repeat(labels.len()));
    for (t, a) in cat.tools.iter().zip(avail) {
        let cells: Vec<String> = (0..descriptions.len())
            .map(|i| {
                if a.missing.contains_key(&i) {
                    return "—".into();
                }
                let n = a
                    .gaps
                    .iter()
                    .filter(|g| g.exposed.is_some() && g.missing.contains(&i))
                    .count();
                if n == 0 {
                    "✓".into()
                } else {
                    format!("✓ −{n}")
                }
            })
            .collect();
        out += &format!("| {} | {} | {} |\n", t.name, t.toolset, cells.join(" | "));
    }
    out += "\n| served | |";
    for i in 0..descriptions.len() {
        let n = avail.iter().filter(|a| !a.missing.contains_key(&i)).count();
        out += &format!(" {n} of {} |", avail.len());
    }
    out += "\n\n## Not served, and why\n\n";
    let mut any = false;
    for (t, a) in cat.tools.iter().zip(avail) {
        for (i, why) in &a.missing {
            any = true;
            out += &format!("- `{}` on {}: {why}", t.name, labels[*i]);
            if let Some(note) = &t.edition_note {
                out += &format!(" ({})", note.trim());
            }
            out += "\n";
        }
    }
    if !any {
        out += "(none)\n";
    }
    out += "\n## Arguments some descriptions lack\n\n\
             Not offered to the model there, and never sent. Hidden arguments are offered\n\
             nowhere; those listed are sent with their default where they exist.\n\n";
    any = false;
    for (t, a) in cat.tools.iter().zip(avail) {
        for g in a.gaps.iter().filter(|g| g.exposed.is_some() || g.defaulted) {
            any = true;
            let name = match &g.exposed {
                Some(x) => format!("`{x}`"),
                None => format!("`{}` (hidden)", g.wire),
            };
            let on: Vec<String> = g
                .missing
                .iter()
                .map(|i| match g.retyped.get(i) {
                    Some(ty) => format!("{} (there: {ty})", labels[*i]),
                    None => labels[*i].clone(),
                })
                .collect();
            out += &format!("- `{}`: {name}: not in {}\n", t.name, on.join(", "));
        }
    }
    if !any {
        out += "(none)\n";
    }
    out
}
