//! A point in time as a caller writes it: Unix seconds, RFC 3339, or a span
//! back from now ("10m", "2h", "1d 6h"), so asking for the last ten minutes
//! of a log needs no call for the engine's clock first. Spans count back
//! from this server's clock.

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::Deserialize;
use serde_json::Value;
use std::borrow::Cow;
use std::time::{Duration, UNIX_EPOCH};

impl When {
    /// Seconds from this point until now, at least 1 (Kubernetes'
    /// sinceSeconds): the span as given when there was one.
    pub fn seconds_ago(self) -> i64 {
        self.ago
            .unwrap_or_else(|| crate::clock::unix_now() - self.at)
            .max(1)
    }
}

/// A point in time: Unix seconds, and the span ago when the caller gave
/// one (an API that takes a span, as Kubernetes' sinceSeconds, gets it as
/// given, free of any skew between this server's clock and the cluster's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct When {
    pub at: i64,
    pub ago: Option<i64>,
}

/// Reads `text` as Unix seconds, RFC 3339 (any offset), or a span ago.
pub fn parse(text: &str, now: i64) -> Result<i64, String> {
    read(text, now).map(|w| w.at)
}

fn read(text: &str, now: i64) -> Result<When, String> {
    let t = text.trim();
    let at = |at| When { at, ago: None };
    if let Ok(n) = t.parse::<i64>() {
        return Ok(at(n));
    }
    if let Ok(span) = humantime::parse_duration(t) {
        let ago = clamp(span);
        return Ok(When {
            at: now - ago,
            ago: Some(ago),
        });
    }
    rfc3339(t).map(at).ok_or_else(|| {
        format!(
            "`{}` is not a time: give Unix seconds, RFC 3339 (2026-12-07T08:00:00Z) or a span ago (10m, 2h, 1d)",
            crate::error::cap_text(t.to_string(), 60)
        )
    })
}

fn clamp(d: Duration) -> i64 {
    i64::try_from(d.as_secs())
        .unwrap_or(i64::MAX / 2)
        .min(i64::MAX / 2)
}

/// humantime reads UTC only ("Z"); an offset such as +01:00 is applied here.
fn rfc3339(t: &str) -> Option<i64> {
    let utc = |s: &str| {
        humantime::parse_rfc3339_weak(s)
            .ok()
            .and_then(|st| st.duration_since(UNIX_EPOCH).ok())
            .map(clamp)
    };
    if let Some(s) = t.strip_suffix(['Z', 'z']) {
        return utc(s);
    }
    let (stamp, offset) = t.split_at(t.len().checked_sub(6)?);
    let sign = match offset.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return utc(t),
    };
    let (h, m) = offset[1..].split_once(':')?;
    let minutes = h.parse::<i64>().ok()? * 60 + m.parse::<i64>().ok()?;
    Some(utc(stamp)? - sign * minutes * 60)
}

impl<'de> Deserialize<'de> for When {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Value::deserialize(d)?;
        let got = match &v {
            Value::Number(n) => n
                .as_i64()
                .map(|at| When { at, ago: None })
                .ok_or_else(|| format!("{n} is not a time")),
            Value::String(s) => read(s, crate::clock::unix_now()),
            other => Err(format!(
                "a time is a number or a text, not {}",
                crate::error::cap_text(other.to_string(), 60)
            )),
        };
        got.map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for When {
    fn schema_name() -> Cow<'static, str> {
        "When".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": ["integer", "string"], "description": "Unix, RFC 3339 or ago: \"10m\"."})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_765_094_400; // 2025-12-07T08:00:00Z

    #[test]
    fn reads_every_form() {
        assert_eq!(parse("1765094400", NOW), Ok(NOW));
        assert_eq!(parse("10m", NOW), Ok(NOW - 600));
        assert_eq!(parse("1h 30m", NOW), Ok(NOW - 5400));
        assert_eq!(parse("2d", NOW), Ok(NOW - 172_800));
        assert_eq!(parse("2025-12-07T08:00:00Z", NOW), Ok(NOW));
        assert_eq!(parse("2025-12-07T09:00:00+01:00", NOW), Ok(NOW));
        assert_eq!(parse("2025-12-07T03:00:00-05:00", NOW), Ok(NOW));
        assert_eq!(parse("2025-12-07T08:00:00.250Z", NOW), Ok(NOW));
    }

    #[test]
    fn refuses_the_rest_clearly() {
        for bad in [
            "yesterday",
            "10 parsecs",
            "2025-13-40T00:00:00Z",
            "",
            "+01:00",
        ] {
            let e = parse(bad, NOW).unwrap_err();
            assert!(e.contains("is not a time"), "{bad}: {e}");
        }
        let huge = "9".repeat(5000) + "y";
        let e = parse(&huge, NOW).unwrap_err();
        assert!(e.len() < 300, "{e}");
        // A span longer than the clock reaches: an answer, never an overflow panic.
        if let Ok(t) = parse("100000000000y", NOW) {
            assert!(t < NOW);
        }
    }

    #[test]
    fn decodes_numbers_and_text() {
        let w: When = serde_json::from_value(serde_json::json!(1700000000)).unwrap();
        assert_eq!(
            w,
            When {
                at: 1_700_000_000,
                ago: None
            }
        );
        assert!(serde_json::from_value::<When>(serde_json::json!(true)).is_err());
        let ago: When = serde_json::from_value(serde_json::json!("5m")).unwrap();
        assert!((crate::clock::unix_now() - ago.at - 300).abs() <= 2);
        assert_eq!(ago.ago, Some(300));
        assert_eq!(ago.seconds_ago(), 300);
        let at = When {
            at: crate::clock::unix_now() - 90,
            ago: None,
        };
        assert!((at.seconds_ago() - 90).abs() <= 2);
        let future = When {
            at: crate::clock::unix_now() + 1000,
            ago: None,
        };
        assert_eq!(future.seconds_ago(), 1);
    }
}
