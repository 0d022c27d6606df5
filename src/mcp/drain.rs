//! Calls in flight, and refusing new ones once shutdown has begun: a
//! stopping server lets running calls finish (a write's outcome is
//! audited) instead of cutting them off.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

#[derive(Default)]
pub struct Drain {
    draining: AtomicBool,
    in_flight: AtomicUsize,
    idle: Notify,
}

/// Held for the length of one call.
pub struct InFlight(Arc<Drain>);

impl Drop for InFlight {
    fn drop(&mut self) {
        if self.0.in_flight.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.0.idle.notify_waiters();
        }
    }
}

impl Drain {
    /// A new call may start: None once shutdown has begun.
    pub fn enter(self: &Arc<Self>) -> Option<InFlight> {
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        let call = InFlight(self.clone());
        // Checked after counting, so a drain that saw zero cannot miss it.
        (!self.draining.load(Ordering::SeqCst)).then_some(call)
    }

    pub fn start(&self) {
        self.draining.store(true, Ordering::SeqCst);
    }

    pub fn is_draining(&self) -> bool {
        self.draining.load(Ordering::SeqCst)
    }

    pub fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::SeqCst)
    }

    /// Waits until no call runs, at most `grace`; true if none is left.
    pub async fn wait_idle(&self, grace: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + grace;
        loop {
            let idle = self.idle.notified();
            if self.in_flight() == 0 {
                return true;
            }
            if tokio::time::timeout_at(deadline, idle).await.is_err() {
                return self.in_flight() == 0;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn draining_refuses_new_calls_and_waits_for_running_ones() {
        let d = Arc::new(Drain::default());
        let running = d.enter().unwrap();
        d.start();
        assert!(d.enter().is_none());
        assert!(!d.wait_idle(Duration::from_millis(20)).await);
        let later = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(30)).await;
            drop(running);
        });
        assert!(d.wait_idle(Duration::from_secs(5)).await);
        later.await.unwrap();
        assert_eq!(d.in_flight(), 0);
    }
}
