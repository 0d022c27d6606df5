//! Password flags that clients document with a short or a separate value,
//! which no key names: `mysql -pSECRET`, `sshpass -p SECRET`, `redis-cli
//! -a SECRET`, `mongosh -p SECRET`, `docker login -p SECRET`, `curl -u
//! user:SECRET`, `openssl -passin pass:SECRET`. Read after the program's
//! name, up to the end of its command (`;`, `&&`, `|`, a line break).

use super::spans::{self, Span};

/// How a client takes its password on the command line.
#[derive(Clone, Copy)]
enum Takes {
    /// `-pSECRET`, attached only (`-p NAME` is a database name for mysql).
    Attached(&'static str),
    /// `-p SECRET` or `-pSECRET`.
    Flag(&'static str),
    /// `-u user:SECRET`: the part after the colon.
    UserColon(&'static str),
    /// `-passin pass:SECRET`: after `pass:`.
    PassPrefix(&'static str),
}

/// A program, the subcommand that must follow it (docker's `-p` is a port
/// mapping but for `docker login`), and its password flags.
type Program = (&'static str, Option<&'static str>, &'static [Takes]);

const PROGRAMS: [Program; 15] = [
    ("mysql", None, &[Takes::Attached("-p")]),
    ("mysqldump", None, &[Takes::Attached("-p")]),
    ("mysqladmin", None, &[Takes::Attached("-p")]),
    ("mariadb", None, &[Takes::Attached("-p")]),
    ("mariadb-dump", None, &[Takes::Attached("-p")]),
    ("mariadb-admin", None, &[Takes::Attached("-p")]),
    ("sshpass", None, &[Takes::Flag("-p")]),
    (
        "redis-cli",
        None,
        &[Takes::Flag("-a"), Takes::Flag("--pass")],
    ),
    ("mongosh", None, &[Takes::Flag("-p")]),
    ("mongo", None, &[Takes::Flag("-p")]),
    ("mongodump", None, &[Takes::Flag("-p")]),
    ("mongorestore", None, &[Takes::Flag("-p")]),
    ("docker", Some("login"), &[Takes::Flag("-p")]),
    (
        "curl",
        None,
        &[Takes::UserColon("-u"), Takes::UserColon("--user")],
    ),
    (
        "openssl",
        None,
        &[
            Takes::PassPrefix("-passin"),
            Takes::PassPrefix("-passout"),
            Takes::PassPrefix("-pass"),
        ],
    ),
];

/// The program names, for the free-text automaton.
pub fn names() -> impl Iterator<Item = &'static str> {
    PROGRAMS.iter().map(|(p, _, _)| *p)
}

/// Words that end one command of a script.
fn ends_command(word: &str) -> bool {
    matches!(word, ";" | "&&" | "||" | "|" | "&") || word.ends_with(';')
}

/// The words of `s` (split at white space, one level of quotes taken off)
/// with where each starts.
pub fn words(s: &str) -> Vec<(&str, usize)> {
    let mut out = vec![];
    let mut start = None;
    for (i, c) in s.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(st)) => {
                out.push(word(s, st, i));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(st) = start {
        out.push(word(s, st, s.len()));
    }
    out
}

fn word(s: &str, a: usize, b: usize) -> (&str, usize) {
    let w = &s[a..b];
    let q = w.as_bytes()[0];
    if (q == b'"' || q == b'\'') && w.len() >= 2 && w.as_bytes()[w.len() - 1] == q {
        return (&w[1..w.len() - 1], a + 1);
    }
    (w, a)
}

/// The line of `s` from a program name found at `at`: its password flags.
pub fn after_program(s: &str, at: usize, out: &mut Vec<Span>) {
    let end = s[at..].find(['\n', '\r']).map_or(s.len(), |i| at + i);
    let ws: Vec<(&str, usize)> = words(&s[at..end])
        .into_iter()
        .map(|(w, i)| (w, at + i))
        .collect();
    password_flags(s, &ws, out);
}

/// Password flags of the programs named in `words` (each with its offset
/// in `s`), up to the end of each command.
pub fn password_flags(s: &str, words: &[(&str, usize)], out: &mut Vec<Span>) {
    let mut program: Option<&[Takes]> = None;
    for i in 0..words.len() {
        let (w, at) = words[i];
        let base = w.rsplit('/').next().unwrap_or(w);
        let named = PROGRAMS.iter().find(|(p, sub, _)| {
            *p == base && sub.is_none_or(|sub| words.get(i + 1).is_some_and(|(n, _)| *n == sub))
        });
        if let Some((_, _, takes)) = named {
            program = Some(takes);
        } else if let Some(takes) = program {
            for t in takes.iter().copied() {
                if let Some((a, b)) = flag_value(t, w, at, words.get(i + 1).copied()) {
                    spans::value(s, a, b, out);
                }
            }
        }
        if ends_command(w) {
            program = None;
        }
    }
}

/// The value one documented flag takes, from this word or the next.
fn flag_value(t: Takes, w: &str, at: usize, next: Option<(&str, usize)>) -> Option<Span> {
    let w = w.trim_end_matches(';');
    match t {
        Takes::Attached(f) => (w.len() > f.len() && w.starts_with(f) && !w.starts_with("--"))
            .then(|| (at + f.len(), at + w.len())),
        Takes::Flag(f) if w == f => next.map(|(n, nat)| (nat, nat + n.trim_end_matches(';').len())),
        Takes::Flag(f) => {
            (f.len() == 2 && w.len() > 2 && w.starts_with(f)).then(|| (at + 2, at + w.len()))
        }
        Takes::UserColon(f) => {
            let (v, vat) = if w == f {
                next?
            } else if f.len() == 2 && w.starts_with(f) && w.len() > 2 {
                (&w[2..], at + 2)
            } else {
                return None;
            };
            let colon = v.find(':')?;
            Some((vat + colon + 1, vat + v.trim_end_matches(';').len()))
        }
        Takes::PassPrefix(f) if w == f => {
            let (n, nat) = next?;
            let v = n.strip_prefix("pass:")?;
            Some((nat + 5, nat + 5 + v.trim_end_matches(';').len()))
        }
        Takes::PassPrefix(_) => None,
    }
}
