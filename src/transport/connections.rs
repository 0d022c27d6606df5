//! Accepted connections, and who may hold them. Each connection takes a
//! place (at most `max` open); one client address holds at most half of
//! them (trusted proxies excepted: every client behind one shares its
//! address). A connection is pending until its first request: it must send
//! a byte within `FIRST_BYTE` (and its whole first request within the
//! server's first-request timeout), and while pending it is the first to
//! go: when the places (or its address's share) are full, a new
//! connection takes the place of the oldest pending one rather than be
//! refused. Silent connections therefore never lock out a client that
//! speaks. TCP_NODELAY is set: answers go out in several writes, and
//! delayed ACKs would hold each call ~40 ms.

use axum_server::accept::Accept;
use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_util::sync::{CancellationToken, WaitForCancellationFutureOwned};

/// A new connection must send its first byte within this time.
pub const FIRST_BYTE: Duration = Duration::from_secs(5);
/// A client must send each request's headers (the first request whole)
/// within this time.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Clone)]
pub struct Acceptor {
    table: Arc<Table>,
}

pub struct Table {
    max: usize,
    per_address: usize,
    /// Addresses with no share of their own (trusted proxies).
    shared: Vec<IpAddr>,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    open: usize,
    by_address: HashMap<IpKey, usize>,
    /// Pending connections, oldest first.
    pending: BTreeMap<u64, Arc<Slot>>,
    next: u64,
}

/// An address as counted: IPv6 clients by their /64, which one host holds.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct IpKey(u128);

fn key(ip: IpAddr) -> IpKey {
    match ip {
        IpAddr::V4(v4) => IpKey(u128::from(u32::from(v4))),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpKey(u128::from(u32::from(v4))),
            None => IpKey(u128::from(v6) >> 64 << 64 | 1),
        },
    }
}

struct Slot {
    seq: u64,
    address: IpKey,
    peer: SocketAddr,
    /// Cancelled when a newer connection takes this one's place.
    evict: CancellationToken,
    /// Its place is given back (closed, or evicted).
    released: AtomicBool,
    /// It has sent a request: no longer pending.
    spoke: AtomicBool,
}

impl Table {
    pub fn new(max: usize, shared: Vec<IpAddr>) -> Arc<Table> {
        let max = max.max(1);
        Arc::new(Table {
            max,
            per_address: (max / 2).max(1),
            shared,
            state: Mutex::new(State::default()),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A place for a connection from `peer`, or an error when every place
    /// (or the address's share) is held by connections that have spoken.
    fn admit(self: &Arc<Self>, peer: SocketAddr) -> io::Result<Place> {
        let address = key(peer.ip());
        let limited = !self.shared.contains(&peer.ip());
        let mut st = self.lock();
        if limited && st.by_address.get(&address).copied().unwrap_or(0) >= self.per_address {
            let oldest = st.pending.values().find(|s| s.address == address).cloned();
            match oldest {
                Some(victim) => Self::evict(&mut st, &victim),
                None => return Err(refused("this address holds its share of connections")),
            }
        }
        if st.open >= self.max {
            match st.pending.values().next().cloned() {
                Some(victim) => Self::evict(&mut st, &victim),
                None => return Err(refused("every connection place is taken")),
            }
        }
        st.next += 1;
        let slot = Arc::new(Slot {
            seq: st.next,
            address,
            peer,
            evict: CancellationToken::new(),
            released: AtomicBool::new(false),
            spoke: AtomicBool::new(false),
        });
        st.open += 1;
        *st.by_address.entry(address).or_insert(0) += 1;
        st.pending.insert(slot.seq, slot.clone());
        Ok(Place {
            table: self.clone(),
            slot,
        })
    }

    /// Gives a pending connection's place to a newer one.
    fn evict(st: &mut State, victim: &Arc<Slot>) {
        if !victim.released.swap(true, Ordering::AcqRel) {
            Self::release(st, victim);
            victim.evict.cancel();
            tracing::debug!(peer = %victim.peer, "a silent connection gave its place to a new one");
        }
    }

    fn release(st: &mut State, slot: &Slot) {
        st.open = st.open.saturating_sub(1);
        if let Some(n) = st.by_address.get_mut(&slot.address) {
            *n -= 1;
            if *n == 0 {
                st.by_address.remove(&slot.address);
            }
        }
        st.pending.remove(&slot.seq);
    }

    /// The connection has sent a request: it keeps its place.
    fn spoken(&self, slot: &Slot) {
        let mut st = self.lock();
        slot.spoke.store(true, Ordering::Release);
        st.pending.remove(&slot.seq);
    }

    /// Open connections (metrics, tests).
    pub fn open(&self) -> usize {
        self.lock().open
    }
}

fn refused(why: &str) -> io::Error {
    tracing::debug!("refusing a connection: {why}");
    io::Error::other(why.to_string())
}

/// A connection's place, given back when it is dropped.
struct Place {
    table: Arc<Table>,
    slot: Arc<Slot>,
}

impl Drop for Place {
    fn drop(&mut self) {
        if !self.slot.released.swap(true, Ordering::AcqRel) {
            Table::release(&mut self.table.lock(), &self.slot);
        }
    }
}

impl Acceptor {
    pub fn new(table: Arc<Table>) -> Self {
        Acceptor { table }
    }
}

/// A connection that frees its place when dropped, and ends when a newer
/// connection takes the place it held while silent.
pub struct Counted {
    stream: TcpStream,
    place: Place,
    evicted: Pin<Box<WaitForCancellationFutureOwned>>,
}

/// The connection's service: its first request marks the connection as
/// spoken, whatever the path (probes and 404s included).
#[derive(Clone)]
pub struct Marked<S> {
    inner: S,
    slot: Arc<Slot>,
    table: Arc<Table>,
}

impl<S, R> tower_service::Service<R> for Marked<S>
where
    S: tower_service::Service<R>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: R) -> Self::Future {
        if !self.slot.spoke.load(Ordering::Acquire) {
            self.table.spoken(&self.slot);
        }
        self.inner.call(req)
    }
}

impl<S: Send + 'static> Accept<TcpStream, S> for Acceptor {
    type Stream = Counted;
    type Service = Marked<S>;
    type Future = Pin<Box<dyn Future<Output = io::Result<(Counted, Marked<S>)>> + Send>>;

    fn accept(&self, stream: TcpStream, service: S) -> Self::Future {
        let table = self.table.clone();
        Box::pin(async move {
            let peer = stream.peer_addr()?;
            let place = table.admit(peer)?;
            stream.set_nodelay(true)?;
            // The first byte (of a request, or of a TLS hello), unread.
            let mut one = [0u8; 1];
            tokio::select! {
                got = tokio::time::timeout(FIRST_BYTE, stream.peek(&mut one)) => match got {
                    Ok(Ok(n)) if n > 0 => {}
                    _ => return Err(io::Error::new(io::ErrorKind::TimedOut, "no byte within the first-byte timeout")),
                },
                _ = place.slot.evict.cancelled() => {
                    return Err(io::Error::new(io::ErrorKind::ConnectionAborted, "place taken by a newer connection"));
                }
            }
            let evicted = Box::pin(place.slot.evict.clone().cancelled_owned());
            let service = Marked {
                inner: service,
                slot: place.slot.clone(),
                table: table.clone(),
            };
            Ok((
                Counted {
                    stream,
                    place,
                    evicted,
                },
                service,
            ))
        })
    }
}

impl AsyncRead for Counted {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        // Only a pending connection can be evicted: while it is, the
        // eviction wakes its read.
        let pending = !self.place.slot.spoke.load(Ordering::Acquire);
        if pending && self.evicted.as_mut().poll(cx).is_ready() {
            return Poll::Ready(Err(io::Error::new(
                io::ErrorKind::ConnectionAborted,
                "place taken by a newer connection",
            )));
        }
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Counted {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn peer(last: u8, port: u16) -> SocketAddr {
        SocketAddr::from(([10, 0, 0, last], port))
    }

    #[test]
    fn silent_connections_give_way_and_spoken_ones_stay() {
        let t = Table::new(4, vec![]);
        let a1 = t.admit(peer(1, 1)).unwrap();
        let a2 = t.admit(peer(1, 2)).unwrap();
        // The address's share (half of 4) is full of pending connections:
        // a third takes the oldest one's place.
        let a3 = t.admit(peer(1, 3)).unwrap();
        assert!(a1.slot.evict.is_cancelled());
        assert_eq!(t.open(), 2);
        // Once spoken, a connection keeps its place.
        t.spoken(&a2.slot);
        t.spoken(&a3.slot);
        assert!(
            t.admit(peer(1, 4)).is_err(),
            "the share is held by live connections"
        );
        let b1 = t.admit(peer(2, 1)).unwrap();
        let b2 = t.admit(peer(2, 2)).unwrap();
        assert_eq!(t.open(), 4);
        // Full: another address's new connection takes the oldest pending.
        let _c = t.admit(peer(3, 1)).unwrap();
        assert!(b1.slot.evict.is_cancelled() && !b2.slot.evict.is_cancelled());
        drop((a1, a2, a3, b1));
        assert_eq!(t.open(), 2);
    }

    #[test]
    fn a_trusted_proxy_has_no_share_of_its_own() {
        let proxy = peer(9, 1).ip();
        let t = Table::new(4, vec![proxy]);
        let held: Vec<_> = (0..4).map(|p| t.admit(peer(9, p)).unwrap()).collect();
        assert_eq!(t.open(), 4);
        assert!(held.iter().all(|p| !p.slot.evict.is_cancelled()));
    }
}
