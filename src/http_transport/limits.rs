//! A token bucket per client address.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Instant;

pub struct RateLimiter {
    rate: f64,
    burst: f64,
    buckets: Mutex<HashMap<IpAddr, (f64, Instant)>>,
}

impl RateLimiter {
    pub fn new(per_second: u32) -> Self {
        let rate = f64::from(per_second.max(1));
        RateLimiter {
            rate,
            burst: rate * 2.0,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    pub fn allow(&self, client: IpAddr) -> bool {
        let Ok(mut buckets) = self.buckets.lock() else {
            return true;
        };
        let now = Instant::now();
        if buckets.len() > 10_000 {
            // Forget idle clients rather than grow without bound.
            buckets.retain(|_, (_, at)| now.duration_since(*at).as_secs() < 60);
        }
        let (tokens, at) = buckets.entry(client).or_insert((self.burst, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * self.rate).min(self.burst);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bursts_then_limits() {
        let l = RateLimiter::new(5);
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        let allowed = (0..30).filter(|_| l.allow(ip)).count();
        assert_eq!(allowed, 10, "burst of twice the rate");
        let other: IpAddr = "127.0.0.2".parse().unwrap();
        assert!(l.allow(other), "each client has its own bucket");
    }
}
