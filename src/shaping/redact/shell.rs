//! Secrets in command lines, beyond what free text shows: variables set on
//! the command line (`DB_PASSWORD=x app`, upper-case names in a script),
//! the environment `ps e` prints after a process's arguments, and, in a
//! command given as words, a flag whose value is the next word. Shell text
//! around values (`;`, quotes, `$refs`) stays.

use super::flags::{password_flags, words};
use super::names::{is_harmless_env, is_variable_name};
use super::spans::{self, Span};
use super::text;

/// A command line as one string (Docker's `Command`, a `ps` line).
pub fn command_line(s: &str, out: &mut Vec<Span>) {
    // Free text finds secret-named keys and the documented password flags.
    text::scan(s, out);
    // What follows reads assignments only.
    if !s.contains('=') {
        return;
    }
    let texts = words(s);
    // `ps e` prints the environment after the arguments: the trailing run
    // of NAME=value words is the process's environment, shown by name.
    let env_from = texts
        .iter()
        .rposition(|(w, _)| assignment(w).is_none())
        .map_or(0, |i| i + 1);
    for (i, (w, at)) in texts.iter().enumerate() {
        let Some(eq) = assignment(w) else { continue };
        let name = &w[..eq];
        let whole = i >= env_from;
        // In the script before it, upper-case names are settings
        // (`DB_PASSWORD=x app`); lower-case ones are the script's own
        // variables (`i=0`).
        if is_harmless_env(name) || !(whole || is_upper(name)) {
            continue;
        }
        let vstart = at + eq + 1;
        let vend = if whole {
            at + w.len()
        } else {
            vstart
                + w[eq + 1..]
                    .find(ends_shell_value)
                    .unwrap_or(w.len() - eq - 1)
        };
        spans::value(s, vstart, vend, out);
    }
}

/// A command as its words (`Cmd`, `Entrypoint`, `Args`): the spans of each.
pub fn argv(items: &[&str]) -> Vec<Vec<Span>> {
    let mut per: Vec<Vec<Span>> = items
        .iter()
        .map(|w| {
            let mut out = vec![];
            if w.contains(char::is_whitespace) {
                // A script (`sh -c "..."`) or a line of words.
                command_line(w, &mut out);
            } else {
                text::scan(w, &mut out);
                // A word that is a whole assignment sets a variable.
                if let Some(eq) = assignment(w) {
                    if !is_harmless_env(&w[..eq]) {
                        spans::value(w, eq + 1, w.len(), &mut out);
                    }
                }
            }
            out
        })
        .collect();
    // A secret-named flag takes the next word as its value.
    for i in 1..items.len() {
        let flag = items[i - 1];
        if flag.starts_with('-') && !flag.contains('=') && is_secret_flag(flag) {
            spans::value(items[i], 0, items[i].len(), &mut per[i]);
        }
    }
    // Documented flags across words: offsets per word.
    let mut joined = String::new();
    let mut starts = vec![];
    for w in items {
        starts.push(joined.len());
        joined.push_str(w);
        joined.push(' ');
    }
    let texts: Vec<(&str, usize)> = items.iter().copied().zip(starts.iter().copied()).collect();
    let mut found = vec![];
    password_flags(&joined, &texts, &mut found);
    for (a, b) in found {
        let i = starts.iter().rposition(|st| *st <= a).unwrap_or(0);
        per[i].push((a - starts[i], (b - starts[i]).min(items[i].len())));
    }
    per
}

fn is_secret_flag(flag: &str) -> bool {
    super::names::is_secret_key(flag)
}

/// `NAME=` at the start of a word: the position of `=`.
fn assignment(w: &str) -> Option<usize> {
    let eq = w.find('=')?;
    is_variable_name(&w[..eq]).then_some(eq)
}

fn is_upper(name: &str) -> bool {
    name.bytes().any(|c| c.is_ascii_uppercase()) && !name.bytes().any(|c| c.is_ascii_lowercase())
}

/// Where an assigned value ends inside a script word.
fn ends_shell_value(c: char) -> bool {
    matches!(
        c,
        ';' | '&' | '|' | '<' | '>' | '(' | ')' | '`' | '"' | '\''
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(s: &str) -> String {
        let mut out = vec![];
        command_line(s, &mut out);
        let mut s = s.to_string();
        spans::apply(&mut s, out);
        s
    }

    fn args(items: &[&str]) -> Vec<String> {
        argv(items)
            .into_iter()
            .zip(items)
            .map(|(sp, w)| {
                let mut w = w.to_string();
                spans::apply(&mut w, sp);
                w
            })
            .collect()
    }

    #[test]
    fn shell_text_stays() {
        let s = r#"sh -c i=0; while true; do i=$((i+1)); echo "n=$i"; sleep 1; done"#;
        assert_eq!(line(s), s);
        assert_eq!(
            line("sh -c DB_PASSWORD=hunter2; run"),
            "sh -c DB_PASSWORD=<redacted>; run"
        );
    }

    #[test]
    fn ps_e_environment_after_the_arguments() {
        assert_eq!(
            line("sleep 9 HOME=/root DB_PASS=S-1 X=S-2 lower=S-3"),
            "sleep 9 HOME=/root DB_PASS=<redacted> X=<redacted> lower=<redacted>"
        );
        assert_eq!(line("app --x=1 LS=a;b"), "app --x=1 LS=<redacted>");
    }

    #[test]
    fn documented_password_flags() {
        assert_eq!(
            line("mysql -uroot -phunter2 db"),
            "mysql -uroot -p<redacted> db"
        );
        assert_eq!(line("mysql -p db"), "mysql -p db");
        assert_eq!(line("sshpass -p pw ssh h"), "sshpass -p <redacted> ssh h");
        assert_eq!(
            line("redis-cli -a s3cret ping"),
            "redis-cli -a <redacted> ping"
        );
        assert_eq!(
            line("curl -u bob:pw https://x"),
            "curl -u bob:<redacted> https://x"
        );
        assert_eq!(line("ls -p x; mysql -pA"), "ls -p x; mysql -p<redacted>");
        assert_eq!(
            args(&["sshpass", "-p", "pw", "ssh"]),
            ["sshpass", "-p", "<redacted>", "ssh"]
        );
        assert_eq!(
            args(&[
                "/bin/app",
                "--password",
                "x",
                "SECRET=S",
                "AUTH=a",
                "PATH=/bin"
            ]),
            [
                "/bin/app",
                "--password",
                "<redacted>",
                "SECRET=<redacted>",
                "AUTH=<redacted>",
                "PATH=/bin"
            ]
        );
    }
}
