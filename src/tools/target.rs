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
    let (version, edition) = match text.rsplit_once(['-', ' ']) {
        Some((v, e)) if ["CE", "EE"].contains(&e.to_ascii_uppercase().as_str()) => {
            (v, Some(e.to_ascii_uppercase()))
        }
        _ => (text, None),
    };
    if numbers(version).len() < 2 {
        return Err(format!(
            "`{text}` is not a Portainer version: give MAJOR.MINOR[.PATCH][-CE|-EE], e.g. 2.39.0-CE"
        ));
    }
    Ok((version.to_string(), edition))
}

/// The description for Portainer `version` of `edition` (None: unknown),
/// among `all` (oldest first). Another major version is refused.
pub fn choose(version: &str, edition: Option<&str>, all: &[Description]) -> Result<Target, String> {
    let v = numbers(version);
    let shown = match edition {
        Some(e) => format!("{version} {e}"),
        None => version.to_string(),
    };
    let Some(&major) = v.first() else {
        return Err(format!("cannot read Portainer's version `{version}`"));
    };
    let minor = v.get(1).copied().unwrap_or(0);
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
        if let Some(e) = edition {
            notes.push(format!("spec/ has no {e} description"));
        }
    } else if edition.is_none() {
        notes.push("its edition is unknown, so CE's tools are served".to_string());
    }
    // Patch releases keep the API: compare major.minor.
    let key = |i: &usize| {
        let n = numbers(all[*i].version);
        (n.get(1).copied().unwrap_or(0), all[*i].edition == wanted)
    };
    let at_or_below = pool
        .iter()
        .filter(|i| key(i).0 <= minor)
        .max_by_key(|i| key(i));
    let index = match at_or_below {
        Some(&i) => {
            if key(&i).0 < minor && Some(&i) == pool.iter().max_by_key(|i| key(i)) {
                notes.push("it is newer than every description in spec/".to_string());
            }
            i
        }
        None => {
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
    Ok(Target {
        index,
        portainer: shown,
        note,
    })
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
        choose(v, e, TWO).unwrap()
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
        let t = choose("2.45.3", Some("CE"), only_ee).unwrap();
        assert_eq!(t.index, 0);
        assert!(t.note.unwrap().contains("no CE description"));
    }

    #[test]
    fn another_major_is_refused() {
        let e = choose("3.0.0", Some("EE"), TWO).unwrap_err();
        assert!(e.contains("major version 3") && e.contains("CE 2.39.0, EE 2.45.3"));
        assert!(choose("", None, TWO).is_err());
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
    }
}
