//! Token buckets keyed by caller: failed authentications per client
//! address, and (when configured) calls per Portainer user; and each
//! user's share of what is open at once (requests, event streams).

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
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

/// How many requests (an event stream counts until it ends) each user may
/// have open at once, so that one caller cannot hold every connection.
pub struct Shares {
    max: usize,
    held: Mutex<HashMap<i64, usize>>,
}

/// One open request's part of its user's share; given back when dropped.
pub struct Share {
    shares: Arc<Shares>,
    user: i64,
}

impl Shares {
    pub fn new(max: usize) -> Arc<Shares> {
        Arc::new(Shares {
            max: max.max(1),
            held: Mutex::new(HashMap::new()),
        })
    }

    /// A part of `user`'s share, or None when all of it is held.
    pub fn take(self: &Arc<Self>, user: i64) -> Option<Share> {
        let mut held = self.held.lock().unwrap_or_else(|p| p.into_inner());
        let n = held.entry(user).or_insert(0);
        if *n >= self.max {
            return None;
        }
        *n += 1;
        Some(Share {
            shares: self.clone(),
            user,
        })
    }

    pub fn max(&self) -> usize {
        self.max
    }
}

impl Drop for Share {
    fn drop(&mut self) {
        let mut held = self.shares.held.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = held.get_mut(&self.user) {
            *n -= 1;
            if *n == 0 {
                held.remove(&self.user);
            }
        }
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

    #[test]
    fn each_user_holds_at_most_its_share() {
        let s = Shares::new(2);
        let a = s.take(1).unwrap();
        let _b = s.take(1).unwrap();
        assert!(s.take(1).is_none());
        assert!(s.take(2).is_some(), "another user has a share of its own");
        drop(a);
        assert!(s.take(1).is_some());
    }
}
