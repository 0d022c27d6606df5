//! "Is this tool a write, here, now?" is answered here and only here. The
//! selection gives every served tool its `Mode` once, at start-up; tools/list,
//! the `tools` subcommand, confirmation (which also refuses a proxy call
//! pinned to GET with another method) and the audit log all read that value.
//! The HTTP layer's read-only guard stays as an independent last line.

use crate::error::ToolError;
use crate::tools::args::Args;
use crate::tools::catalogue::{Access, ToolDef};
use crate::tools::operations::{self, Access as OpAccess, OperationDef};

/// The operation an api_call names.
fn operation(args: &Args, arg: &str) -> Result<&'static OperationDef, ToolError> {
    let id: String = args.get(arg, None)?;
    operations::lookup(&id)
}

/// Which write tools need `confirm: true` before they act.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Confirm {
    /// Destructive tools (deletes, removals) need confirm: true.
    Destructive,
    /// Every write tool needs confirm: true.
    Writes,
    /// No confirmation.
    None,
}

/// How one served tool may act under this server's configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// It only reads.
    Read,
    /// A passthrough served in read-only mode: its method argument accepts GET only.
    GetOnly { method_arg: &'static str },
    /// A passthrough: a GET reads, any other method writes.
    Passthrough {
        method_arg: &'static str,
        confirm: bool,
    },
    /// It writes; `confirm`: a real call needs confirm: true.
    Write { confirm: bool },
    /// api_call: the operation its `arg` names decides (GET/HEAD read,
    /// others write, DELETE destructive); `read_only` refuses writes.
    ByOperation {
        arg: &'static str,
        read_only: bool,
        policy: Confirm,
    },
}

impl Mode {
    /// The tool's mode, or `None` when it is not served (a write tool on a
    /// read-only server).
    pub fn of(def: &ToolDef, read_only: bool, policy: Confirm) -> Option<Mode> {
        if let Some(arg) = def.operation_argument {
            return Some(Mode::ByOperation {
                arg,
                read_only,
                policy,
            });
        }
        if def.access == Access::Read {
            return Some(Mode::Read);
        }
        let confirm = match policy {
            Confirm::Destructive => def.destructive,
            Confirm::Writes => true,
            Confirm::None => false,
        };
        match (def.method_argument, read_only) {
            (Some(method_arg), true) => Some(Mode::GetOnly { method_arg }),
            (Some(method_arg), false) => Some(Mode::Passthrough {
                method_arg,
                confirm,
            }),
            (None, true) => None,
            (None, false) => Some(Mode::Write { confirm }),
        }
    }

    /// Whether some call of the tool can change something: such tools take
    /// `dry_run`, and the audit log files them as writes.
    pub fn can_write(self) -> bool {
        matches!(
            self,
            Mode::Passthrough { .. }
                | Mode::Write { .. }
                | Mode::ByOperation {
                    read_only: false,
                    ..
                }
        )
    }

    /// Whether a real (non-GET) call needs `confirm: true`. api_call reaches
    /// any operation an agent found by searching, so under any confirmation
    /// policy but `none` each of its writes waits for `confirm: true`, as a
    /// proxy's do.
    pub fn needs_confirm(self) -> bool {
        match self {
            Mode::Passthrough { confirm, .. } | Mode::Write { confirm } => confirm,
            Mode::ByOperation {
                read_only, policy, ..
            } => !read_only && policy != Confirm::None,
            Mode::Read | Mode::GetOnly { .. } => false,
        }
    }

    /// Whether this call writes: a passthrough by its method argument,
    /// refused outright when the tool is pinned to GET.
    pub fn call_writes(self, args: &Args) -> Result<bool, ToolError> {
        let method_arg = match self {
            Mode::Read => return Ok(false),
            Mode::Write { .. } => return Ok(true),
            Mode::ByOperation { arg, read_only, .. } => {
                let op = operation(args, arg)?;
                return match (op.access(), read_only) {
                    (OpAccess::Read, _) => Ok(false),
                    (_, true) => Err(ToolError::Refused(format!(
                        "read-only mode: {} is {} /api{}, a write",
                        op.id, op.method, op.path
                    ))),
                    (_, false) => Ok(true),
                };
            }
            Mode::GetOnly { method_arg } | Mode::Passthrough { method_arg, .. } => method_arg,
        };
        let method: Option<String> = args.get(method_arg, None)?;
        let get = method
            .as_deref()
            .is_none_or(|m| m.eq_ignore_ascii_case("GET"));
        match (get, self) {
            (true, _) => Ok(false),
            (false, Mode::GetOnly { .. }) => Err(ToolError::Refused(format!(
                "read-only mode: `{method_arg}` must be GET, not {}",
                method.unwrap_or_default()
            ))),
            (false, _) => Ok(true),
        }
    }

    /// As the `tools` subcommand and the audit log name it.
    pub fn label(self) -> &'static str {
        if self.can_write() {
            "write"
        } else {
            "read"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tools::catalogue::find;
    use serde_json::json;

    fn args(v: serde_json::Value) -> Args {
        Args::new(v.as_object().unwrap().clone())
    }

    #[test]
    fn modes_by_configuration() {
        let read = find("stack_list").unwrap();
        let delete = find("stack_delete").unwrap();
        let update = find("stack_update").unwrap();
        let proxy = find("docker_proxy").unwrap();
        assert_eq!(Mode::of(read, true, Confirm::Writes), Some(Mode::Read));
        assert_eq!(Mode::of(delete, true, Confirm::Destructive), None);
        assert_eq!(
            Mode::of(delete, false, Confirm::Destructive),
            Some(Mode::Write { confirm: true })
        );
        assert_eq!(
            Mode::of(update, false, Confirm::Destructive),
            Some(Mode::Write { confirm: false })
        );
        assert_eq!(
            Mode::of(update, false, Confirm::Writes),
            Some(Mode::Write { confirm: true })
        );
        assert_eq!(
            Mode::of(proxy, true, Confirm::None),
            Some(Mode::GetOnly {
                method_arg: "method"
            })
        );
    }

    #[test]
    fn a_passthrough_writes_by_its_method() {
        let open = Mode::Passthrough {
            method_arg: "method",
            confirm: true,
        };
        assert!(!open.call_writes(&args(json!({"path": "x"}))).unwrap());
        assert!(!open.call_writes(&args(json!({"method": "get"}))).unwrap());
        assert!(open
            .call_writes(&args(json!({"method": "DELETE"})))
            .unwrap());
        let pinned = Mode::GetOnly {
            method_arg: "method",
        };
        assert!(!pinned.call_writes(&args(json!({}))).unwrap());
        let e = pinned
            .call_writes(&args(json!({"method": "POST"})))
            .unwrap_err()
            .to_string();
        assert!(e.contains("read-only mode") && e.contains("POST"), "{e}");
    }
}
