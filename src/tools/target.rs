//! Which API description in spec/ a Portainer gets: the nearest at or below
//! its version, of its edition. The tools and arguments served follow it.

use crate::tools::catalogue::{Description, DESCRIPTIONS};

/// The Portainer this server serves, and the description it follows.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// Index into DESCRIPTIONS.
    pub index: usize,
    /// The Portainer as it reported itself: "2.39.0 CE".
    pub portainer: String,
    /// What differs from an exact match, said once at start-up.
    pub note: Option<String>,
}

impl Target {
    pub fn description(&self) -> &'static Description {
        &DESCRIPTIONS[self.index]
    }
}

/// `2.39.0-CE`, `2.45.3-ee` or `2.45.3` (edition unknown), as
/// `tools --portainer` takes it.
pub fn parse_assumed(text: &str) -> Result<(String, Option<String>), String> {
    let text = text.trim();
    let bad = || {
        format!(
            "`{text}` is not a Portainer version: give MAJOR.MINOR[.PATCH][-CE|-EE], e.g. 2.39.0-CE"
        )
    };
    let (version, edition) = match text.rsplit_once(['-', ' ']) {
        Some((v, e)) if e.chars().all(|c| c.is_ascii_alphabetic()) => {
            (v, Some(edition(e).ok_or_else(bad)?.to_string()))
        }
        _ => (text, None),
    };
    if numbers(version).len() < 2 {
        return Err(bad());
    }
    Ok((version.to_string(), edition))
}

/// "CE" or "EE" from what Portainer or a user wrote; None for anything else.
pub fn edition(text: &str) -> Option<&'static str> {
    match text.trim().to_ascii_uppercase().as_str() {
        "CE" => Some("CE"),
        "EE" | "BE" => Some("EE"),
        _ => None,
    }
}

/// The description for Portainer `version` of `edition` (None: unknown),
/// among `all` (oldest first): the nearest at or below it, of its edition.
/// Ok(None): the version cannot be read (every tool is served then);
/// another major version is refused.
pub fn choose(
    version: &str,
    edition: Option<&str>,
    all: &[Description],
) -> Result<Option<Target>, String> {
    let v = numbers(version);
    let shown = match edition {
        Some(e) => format!("{version} {e}"),
        None => version.to_string(),
    };
    let Some(&major) = v.first() else {
        return Ok(None);
    };
    let here = (
        v.get(1).copied().unwrap_or(0),
        v.get(2).copied().unwrap_or(0),
    );
    let same_major: Vec<usize> = (0..all.len())
        .filter(|&i| numbers(all[i].version).first() == Some(&major))
        .collect();
    if same_major.is_empty() {
        let known: Vec<String> = all.iter().map(|d| d.to_string()).collect();
        return Err(format!(
            "Portainer {shown} is major version {major}, but this server's tools were generated for {}; \
             refusing to start (use --disable-version-check to override)",
            known.join(", ")
        ));
    }
    let mut notes = vec![];
    // Of the edition if spec/ has it; without an edition, CE (the smaller set).
    let wanted = edition.unwrap_or("CE");
    let mut pool: Vec<usize> = same_major
        .iter()
        .copied()
        .filter(|&i| all[i].edition == wanted)
        .collect();
    if pool.is_empty() {
        pool = same_major;
        notes.push(match edition {
            Some(e) => format!("spec/ has no {e} description"),
            None => "its edition is unknown".to_string(),
        });
    } else if edition.is_none() {
        notes.push("its edition is unknown, so CE's tools are served".to_string());
    }
    let key = |i: &usize| {
        let n = numbers(all[*i].version);
        (
            n.get(1).copied().unwrap_or(0),
            n.get(2).copied().unwrap_or(0),
        )
    };
    // Same minor first (patch releases keep the API): the nearest patch at
    // or below, else the nearest above; then the nearest older minor; else
    // the oldest, with a warning.
    let same_minor = |i: &&usize| key(i).0 == here.0;
    let below = pool
        .iter()
        .filter(same_minor)
        .filter(|i| key(i) <= here)
        .max_by_key(|i| key(i))
        .or_else(|| pool.iter().filter(same_minor).min_by_key(|i| key(i)));
    let older = pool
        .iter()
        .filter(|i| key(i).0 < here.0)
        .max_by_key(|i| key(i));
    let index = match (below, older) {
        (Some(&i), _) => i,
        (None, Some(&i)) => {
            if pool.iter().all(|j| key(j) <= key(&i)) {
                notes.push("it is newer than every description in spec/".to_string());
            }
            i
        }
        (None, None) => {
            let &i = pool
                .iter()
                .min_by_key(|i| key(i))
                .expect("pool is not empty");
            notes.push(
                "it is older than every description in spec/; some tools may meet missing routes"
                    .to_string(),
            );
            i
        }
    };
    let note = (!notes.is_empty()).then(|| {
        format!(
            "Portainer {shown}: {}; serving the tools of {}",
            notes.join("; "),
            all[index]
        )
    });
    Ok(Some(Target {
        index,
        portainer: shown,
        note,
    }))
}

fn numbers(v: &str) -> Vec<u64> {
    v.trim()
        .trim_start_matches('v')
        .split('.')
        .map_while(|part| {
            let digits: String = part.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TWO: &[Description] = &[
        Description {
            edition: "CE",
            version: "2.39.0",
        },
        Description {
            edition: "EE",
            version: "2.45.3",
        },
    ];

    fn pick(v: &str, e: Option<&str>) -> Target {
        choose(v, e, TWO).unwrap().unwrap()
    }

    #[test]
    fn exact_and_patch_releases_match_without_a_note() {
        assert_eq!(pick("2.39.0", Some("CE")).index, 0);
        assert_eq!(pick("2.39.4", Some("CE")).note, None);
        assert_eq!(pick("2.45.1", Some("EE")).index, 1);
        assert_eq!(pick("2.45.0-rc1", Some("EE")).note, None);
    }

    #[test]
    fn newer_minors_get_the_newest_of_their_edition_and_say_so() {
        let t = pick("2.41.0", Some("CE"));
        assert_eq!(t.index, 0);
        assert!(t.note.unwrap().contains("newer than every description"));
        let t = pick("2.47.0", Some("EE"));
        assert_eq!(t.index, 1);
        assert!(t.note.unwrap().contains("serving the tools of EE 2.45.3"));
    }

    #[test]
    fn older_and_missing_editions_fall_back_with_a_note() {
        let t = pick("2.30.0", Some("EE"));
        assert_eq!(t.index, 1);
        assert!(t.note.unwrap().contains("older than every description"));
        let t = pick("2.39.0", None);
        assert_eq!(t.index, 0);
        assert!(t.note.unwrap().contains("edition is unknown"));
        let only_ee = &TWO[1..];
        let t = choose("2.45.3", Some("CE"), only_ee).unwrap().unwrap();
        assert_eq!(t.index, 0);
        assert!(t.note.unwrap().contains("no CE description"));
    }

    #[test]
    fn another_major_is_refused() {
        let e = choose("3.0.0", Some("EE"), TWO).unwrap_err();
        assert!(e.contains("major version 3") && e.contains("CE 2.39.0, EE 2.45.3"));
        // An unreadable version is not a refusal: every tool is served.
        assert_eq!(choose("develop", Some("EE"), TWO), Ok(None));
    }

    #[test]
    fn patches_pick_the_nearest_at_or_below() {
        const PATCHES: &[Description] = &[
            Description {
                edition: "CE",
                version: "2.39.0",
            },
            Description {
                edition: "CE",
                version: "2.39.4",
            },
            Description {
                edition: "CE",
                version: "2.41.2",
            },
        ];
        let at = |v: &str| choose(v, Some("CE"), PATCHES).unwrap().unwrap();
        assert_eq!(at("2.39.1").index, 0);
        assert_eq!(at("2.39.4").index, 1);
        assert_eq!(at("2.40.0").index, 1);
        // Below the only 2.41 patch: that minor's description, no warning.
        let t = at("2.41.0");
        assert_eq!((t.index, t.note), (2, None));
        // Only EE known and no edition reported: said so.
        let t = choose("2.45.3", None, &TWO[1..]).unwrap().unwrap();
        assert!(t.note.unwrap().contains("edition is unknown"));
    }

    #[test]
    fn parses_assumed_versions() {
        assert_eq!(
            parse_assumed("2.39.0-CE").unwrap(),
            ("2.39.0".into(), Some("CE".into()))
        );
        assert_eq!(
            parse_assumed("2.45.3-ee").unwrap(),
            ("2.45.3".into(), Some("EE".into()))
        );
        assert_eq!(parse_assumed("2.45").unwrap(), ("2.45".into(), None));
        assert!(parse_assumed("latest").unwrap_err().contains("MAJOR.MINOR"));
        assert!(parse_assumed("2.39.0-XE")
            .unwrap_err()
            .contains("MAJOR.MINOR"));
        assert_eq!(edition(" ce "), Some("CE"));
        assert_eq!(edition("Business"), None);
    }
}
