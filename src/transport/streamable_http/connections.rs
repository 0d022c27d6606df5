//! Accepted connections: TCP_NODELAY (responses go out in several writes;
//! without it delayed ACKs hold each call ~40 ms), and a cap on how many are
//! open at once: one over the cap is closed at once rather than held.

use axum_server::accept::Accept;
use std::future::Ready;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

#[derive(Clone)]
pub struct Acceptor {
    open: Arc<Semaphore>,
}

impl Acceptor {
    pub fn new(max: usize) -> Self {
        Acceptor {
            open: Arc::new(Semaphore::new(max.max(1))),
        }
    }
}

/// A connection that frees its place when dropped.
pub struct Counted {
    stream: TcpStream,
    _place: OwnedSemaphorePermit,
}

impl<S> Accept<TcpStream, S> for Acceptor {
    type Stream = Counted;
    type Service = S;
    type Future = Ready<io::Result<(Counted, S)>>;

    fn accept(&self, stream: TcpStream, service: S) -> Self::Future {
        let accepted = match self.open.clone().try_acquire_owned() {
            Ok(place) => stream.set_nodelay(true).map(|()| {
                (
                    Counted {
                        stream,
                        _place: place,
                    },
                    service,
                )
            }),
            Err(_) => {
                tracing::warn!("connection limit reached; closing a new connection");
                Err(io::Error::other("too many open connections"))
            }
        };
        std::future::ready(accepted)
    }
}

impl AsyncRead for Counted {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
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
