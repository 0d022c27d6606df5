//! Change windows and a freeze switch: writes leave only inside a window
//! (`--change-window "Mon-Fri 08:00-18:00"`, UTC) and while no freeze file
//! exists (`--freeze-file`). Judged in the HTTP layer for every write that
//! would leave (a held one is only shown); a refusal says when writes are
//! next allowed.

use std::path::PathBuf;

/// One weekly window: the days it opens (0 Sunday .. 6 Saturday) and its
/// minutes of the day, from inclusive to exclusive (to < from: past midnight).
#[derive(Debug, Clone, PartialEq)]
pub struct Window {
    days: [bool; 7],
    from: u32,
    to: u32,
    text: String,
}

const DAYS: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

impl Window {
    /// `DAYS HH:MM-HH:MM`: days as `Mon-Fri`, `Sat,Sun`, `*` (every day).
    pub fn parse(spec: &str) -> Result<Window, String> {
        let bad = |why: &str| {
            format!("--change-window `{spec}`: {why} (e.g. \"Mon-Fri 08:00-18:00\", UTC)")
        };
        let (days_s, hours) = spec
            .trim()
            .split_once(' ')
            .ok_or_else(|| bad("days, a space, then hours"))?;
        let mut days = [false; 7];
        for part in days_s.split(',') {
            let part = part.trim().to_ascii_lowercase();
            if part == "*" {
                days = [true; 7];
                continue;
            }
            let day = |d: &str| {
                DAYS.iter()
                    .position(|x| d.starts_with(x) && d.len() >= 3)
                    .ok_or_else(|| bad(&format!("`{d}` is not a day")))
            };
            match part.split_once('-') {
                Some((a, b)) => {
                    let (a, b) = (day(a)?, day(b)?);
                    let mut d = a;
                    loop {
                        days[d] = true;
                        if d == b {
                            break;
                        }
                        d = (d + 1) % 7;
                    }
                }
                None => days[day(&part)?] = true,
            }
        }
        let (f, t) = hours
            .trim()
            .split_once('-')
            .ok_or_else(|| bad("hours as HH:MM-HH:MM"))?;
        let minutes = |s: &str| -> Result<u32, String> {
            let (h, m) = s
                .trim()
                .split_once(':')
                .ok_or_else(|| bad("hours as HH:MM-HH:MM"))?;
            let (h, m): (u32, u32) = (
                h.parse().map_err(|_| bad("hours as HH:MM-HH:MM"))?,
                m.parse().map_err(|_| bad("hours as HH:MM-HH:MM"))?,
            );
            if h > 24 || m > 59 || (h == 24 && m > 0) {
                return Err(bad("a time past 24:00"));
            }
            Ok(h * 60 + m)
        };
        let (from, to) = (minutes(f)?, minutes(t)?);
        if from == to {
            return Err(bad("an empty window"));
        }
        Ok(Window {
            days,
            from,
            to,
            text: spec.trim().to_string(),
        })
    }

    /// Whether the minute `m` of the week (0: Sunday 00:00 UTC) is inside.
    fn holds(&self, m: u32) -> bool {
        let (day, minute) = ((m / 1440) as usize, m % 1440);
        if self.from < self.to {
            self.days[day] && (self.from..self.to).contains(&minute)
        } else {
            // Past midnight: opened the day before, or opening today.
            (self.days[day] && minute >= self.from)
                || (self.days[(day + 6) % 7] && minute < self.to)
        }
    }
}

#[derive(Debug, Default)]
pub struct ChangeControl {
    pub windows: Vec<Window>,
    pub freeze: Option<PathBuf>,
}

impl ChangeControl {
    pub fn is_empty(&self) -> bool {
        self.windows.is_empty() && self.freeze.is_none()
    }

    /// Whether a write may leave at `now` (Unix seconds); the refusal says
    /// why and when writes are next allowed.
    pub fn allows(&self, now: i64) -> Result<(), String> {
        // A freeze file that cannot be looked at (permissions) freezes too.
        if let Some(f) = self
            .freeze
            .as_ref()
            .filter(|f| f.try_exists().unwrap_or(true))
        {
            let reason = std::fs::read_to_string(f).unwrap_or_default();
            let reason = reason.lines().next().unwrap_or_default().trim();
            let said = if reason.is_empty() {
                String::new()
            } else {
                format!(" ({})", crate::error::cap_text(reason.to_string(), 200))
            };
            return Err(format!(
                "a change freeze is in force{said}: writes are next allowed once {} is removed",
                f.display()
            ));
        }
        if self.windows.is_empty() {
            return Ok(());
        }
        let week_minute = |t: i64| {
            // 1970-01-01 was a Thursday (day 4 of a week starting Sunday).
            let minutes = t.div_euclid(60);
            ((minutes + 4 * 1440).rem_euclid(7 * 1440)) as u32
        };
        let open = |t: i64| self.windows.iter().any(|w| w.holds(week_minute(t)));
        if open(now) {
            return Ok(());
        }
        let next = (1..=7 * 1440)
            .map(|k| (now.div_euclid(60) + k) * 60)
            .find(|t| open(*t));
        let windows: Vec<&str> = self.windows.iter().map(|w| w.text.as_str()).collect();
        Err(format!(
            "outside the change windows ({}, UTC): writes are next allowed at {}",
            windows.join("; "),
            next.map_or("no time".into(), |t| crate::clock::rfc3339(t.max(0) as u64))
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-12-07 is a Monday.
    const MONDAY_0900: i64 = 1_796_634_000;

    #[test]
    fn windows_open_and_say_when_next() {
        assert_eq!(
            crate::clock::rfc3339(MONDAY_0900 as u64),
            "2026-12-07T09:00:00Z"
        );
        let office = ChangeControl {
            windows: vec![Window::parse("Mon-Fri 08:00-18:00").unwrap()],
            freeze: None,
        };
        assert!(office.allows(MONDAY_0900).is_ok());
        let e = office.allows(MONDAY_0900 + 10 * 3600).unwrap_err();
        assert!(e.contains("next allowed at 2026-12-08T08:00:00Z"), "{e}");
        // Friday evening: next Monday.
        let e = office
            .allows(MONDAY_0900 + 4 * 86400 + 10 * 3600)
            .unwrap_err();
        assert!(e.contains("2026-12-14T08:00:00Z"), "{e}");
        let night = ChangeControl {
            windows: vec![Window::parse("Sat 22:00-02:00").unwrap()],
            freeze: None,
        };
        // Sunday 01:00 is inside Saturday night's window.
        assert!(night.allows(MONDAY_0900 - 32 * 3600).is_ok());
        assert!(
            night.allows(MONDAY_0900 - 8 * 3600).is_err(),
            "Monday 01:00 is not"
        );
        for bad in [
            "Mon 8-9",
            "Funday 08:00-09:00",
            "Mon 08:00-08:00",
            "Mon 25:00-26:00",
            "08:00-09:00",
        ] {
            assert!(Window::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_freeze_file_stops_writes_while_it_exists() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("FREEZE");
        let c = ChangeControl {
            windows: vec![],
            freeze: Some(f.clone()),
        };
        assert!(c.allows(MONDAY_0900).is_ok());
        std::fs::write(&f, "year-end freeze, ask ops\n").unwrap();
        let e = c.allows(MONDAY_0900).unwrap_err();
        assert!(e.contains("year-end freeze") && e.contains("once"), "{e}");
    }
}
