//! Token buckets keyed by caller: failed authentications per client
//! address, and (when configured) calls per Portainer user.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct RateLimiter<K> {
    rate: f64,
    burst: f64,
    buckets: Mutex<HashMap<K, (f64, Instant)>>,
}

impl<K: Hash + Eq + Clone> RateLimiter<K> {
    /// `per_second` tokens a second, up to `burst` saved up.
    pub fn new(per_second: f64, burst: f64) -> Self {
        let rate = per_second.max(0.001);
        RateLimiter {
            rate,
            burst: burst.max(1.0),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes a token, or says how long until one is free.
    pub fn take(&self, key: &K) -> Result<(), Duration> {
        self.with(key, |tokens, rate| {
            if *tokens >= 1.0 {
                *tokens -= 1.0;
                Ok(())
            } else {
                Err(Duration::from_secs_f64((1.0 - *tokens) / rate))
            }
        })
    }

    /// How long until `key` has a token, without taking one.
    pub fn wait(&self, key: &K) -> Option<Duration> {
        self.with(key, |tokens, rate| {
            (*tokens < 1.0).then(|| Duration::from_secs_f64((1.0 - *tokens) / rate))
        })
    }

    fn with<T>(&self, key: &K, f: impl FnOnce(&mut f64, f64) -> T) -> T {
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        if buckets.len() > 10_000 {
            // Forget idle callers rather than grow without bound.
            let full = Duration::from_secs_f64(self.burst / self.rate);
            buckets.retain(|_, (_, at)| now.duration_since(*at) < full);
        }
        let (tokens, at) = buckets.entry(key.clone()).or_insert((self.burst, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * self.rate).min(self.burst);
        *at = now;
        f(tokens, self.rate)
    }
}

/// Seconds for a Retry-After header: at least one.
pub fn retry_after(d: Duration) -> String {
    d.as_secs_f64().ceil().max(1.0).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bursts_then_limits_and_says_when_to_retry() {
        let l = RateLimiter::new(5.0, 10.0);
        let allowed = (0..30).filter(|_| l.take(&1u8).is_ok()).count();
        assert_eq!(allowed, 10, "the burst");
        let wait = l.take(&1u8).unwrap_err();
        assert!(wait <= Duration::from_millis(200), "{wait:?}");
        assert_eq!(retry_after(wait), "1");
        assert!(l.take(&2u8).is_ok(), "each caller has its own bucket");
        assert!(l.wait(&2u8).is_none());
    }
}
