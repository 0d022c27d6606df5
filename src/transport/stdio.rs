//! The stdio transport: newline-delimited JSON-RPC on stdin and stdout, as
//! an rmcp `Transport` of its own. Each line is checked (size, nesting,
//! JSON) and parsed once, straight into rmcp's message type; one that
//! cannot be handed on gets an error under its own id when it has one
//! (see `json_input`), so a client is never left waiting. Answers are
//! written whole, one at a time, straight to stdout.
//!
//! When stdin and stdout are pipes (as an MCP client starts us), they are
//! read and written without blocking, by the runtime's own event loop:
//! tokio's stdin and stdout hand every read and write to a blocking thread,
//! a thread switch per message each way. Anything else (a file, a
//! terminal) goes through tokio's.

use crate::transport::json_input::{self, Envelope, Refused};
use rmcp::service::{RoleServer, RxJsonRpcMessage, TxJsonRpcMessage};
use rmcp::transport::Transport;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader, ReadBuf};
use tokio::sync::Mutex;

/// The longest line read from stdin; a longer one is answered and dropped.
pub const MAX_LINE: usize = 16 << 20;

type Output = Arc<Mutex<Pin<Box<dyn AsyncWrite + Send>>>>;

/// The transport over this process's stdin and stdout.
pub fn transport() -> Stdio<Pin<Box<dyn AsyncRead + Send>>> {
    let input: Pin<Box<dyn AsyncRead + Send>> = match pipe::Pipe::new(0) {
        Some(p) => Box::pin(p),
        None => Box::pin(tokio::io::stdin()),
    };
    let output: Pin<Box<dyn AsyncWrite + Send>> = match pipe::Pipe::new(1) {
        Some(p) => Box::pin(p),
        None => Box::pin(tokio::io::stdout()),
    };
    Stdio {
        input: BufReader::with_capacity(1 << 16, input),
        output: Arc::new(Mutex::new(output)),
    }
}

/// The same transport over any input and output (tests, fuzzing).
pub fn front<R, W>(input: R, output: W) -> Stdio<R>
where
    R: AsyncRead + Unpin + Send + 'static,
    W: AsyncWrite + Send + 'static,
{
    Stdio {
        input: BufReader::with_capacity(1 << 16, input),
        output: Arc::new(Mutex::new(Box::pin(output))),
    }
}

pub struct Stdio<R> {
    input: BufReader<R>,
    output: Output,
}

async fn write_line(output: &Output, mut line: Vec<u8>) -> io::Result<()> {
    line.push(b'\n');
    let mut out = output.lock().await;
    out.write_all(&line).await?;
    out.flush().await
}

impl<R: AsyncRead + Unpin + Send + 'static> Transport<RoleServer> for Stdio<R> {
    type Error = io::Error;

    fn send(
        &mut self,
        item: TxJsonRpcMessage<RoleServer>,
    ) -> impl Future<Output = Result<(), Self::Error>> + Send + 'static {
        let output = self.output.clone();
        async move {
            let line = serde_json::to_vec(&item).map_err(io::Error::other)?;
            write_line(&output, line).await
        }
    }

    async fn receive(&mut self) -> Option<RxJsonRpcMessage<RoleServer>> {
        {
            loop {
                let refused = match read_line(&mut self.input).await? {
                    Line::TooLong(envelope) => refusal(&envelope, too_long(envelope.size)),
                    Line::Text(l) if l.iter().all(u8::is_ascii_whitespace) => None,
                    Line::Text(l) => match json_input::check(&l) {
                        Ok(()) => {
                            match serde_json::from_slice::<RxJsonRpcMessage<RoleServer>>(&l) {
                                Ok(message) => return Some(message),
                                Err(e) => refusal(
                                    &Envelope::of(&l),
                                    Refused {
                                        code: -32600,
                                        message: format!(
                                        "invalid request: not a JSON-RPC message MCP knows: {e}"
                                    ),
                                    },
                                ),
                            }
                        }
                        Err(e) => refusal(&Envelope::of(&l), e),
                    },
                };
                if let Some(error) = refused {
                    if write_line(&self.output, error.to_string().into_bytes())
                        .await
                        .is_err()
                    {
                        return None;
                    }
                }
            }
        }
    }

    fn close(&mut self) -> impl Future<Output = Result<(), Self::Error>> + Send {
        let output = self.output.clone();
        async move { output.lock().await.flush().await }
    }
}

/// The answer to a message refused here: under its own id when it has
/// one, none for a notification (JSON-RPC answers those never), and under
/// a null id when no id could be read.
fn refusal(envelope: &Envelope, why: Refused) -> Option<serde_json::Value> {
    match envelope.id() {
        Some(id) => Some(why.answer(id.clone(), envelope.method())),
        None if envelope.method().is_some() => {
            tracing::warn!(method = envelope.method(), "{}", why.message);
            None
        }
        None => Some(why.answer(serde_json::Value::Null, None)),
    }
}

fn too_long(size: usize) -> Refused {
    Refused::too_large(size, MAX_LINE, "a stdio line")
}

enum Line {
    Text(Vec<u8>),
    /// Over the limit: only what the message says of itself was kept.
    TooLong(Envelope),
}

/// One line without its newline; None at the end of input. A line over
/// the limit is read to its end through an `Envelope` and not kept.
async fn read_line<R: AsyncRead + Unpin>(r: &mut BufReader<R>) -> Option<Line> {
    let mut line = Vec::new();
    let mut over: Option<Envelope> = None;
    loop {
        let buf = r.fill_buf().await.ok()?;
        if buf.is_empty() {
            return match over {
                Some(e) => Some(Line::TooLong(e)),
                None if line.is_empty() => None,
                None => Some(Line::Text(line)),
            };
        }
        let (chunk, done) = match memchr::memchr(b'\n', buf) {
            Some(i) => (&buf[..i], Some(i + 1)),
            None => (buf, None),
        };
        match &mut over {
            Some(e) => e.feed(chunk),
            None if line.len() + chunk.len() > MAX_LINE => {
                let mut e = Envelope::default();
                e.feed(&line);
                e.feed(chunk);
                line = Vec::new();
                over = Some(e);
            }
            None => line.extend_from_slice(chunk),
        }
        let used = done.unwrap_or(buf.len());
        r.consume(used);
        if done.is_some() {
            return Some(match over {
                Some(e) => Line::TooLong(e),
                None => Line::Text(line),
            });
        }
    }
}

/// Stdin and stdout as non-blocking pipes on the runtime's event loop.
mod pipe {
    use super::*;
    use std::os::fd::{AsRawFd, RawFd};
    use tokio::io::unix::AsyncFd;
    use tokio::io::Interest;

    /// A file descriptor this process does not own (0 or 1): never closed.
    struct Fd(RawFd);

    impl AsRawFd for Fd {
        fn as_raw_fd(&self) -> RawFd {
            self.0
        }
    }

    pub struct Pipe {
        fd: AsyncFd<Fd>,
    }

    impl Pipe {
        /// The descriptor as a pipe or socket read without blocking; None
        /// for anything else (a file, a terminal, /dev/null), which the
        /// event loop cannot wait on or which others share.
        pub fn new(fd: RawFd) -> Option<Pipe> {
            // SAFETY: fstat and fcntl only read and set this descriptor's
            // status; the descriptor stays open for the process's life.
            unsafe {
                let mut st: libc::stat = std::mem::zeroed();
                if libc::fstat(fd, &mut st) != 0 {
                    return None;
                }
                let kind = st.st_mode & libc::S_IFMT;
                if kind != libc::S_IFIFO && kind != libc::S_IFSOCK {
                    return None;
                }
                let flags = libc::fcntl(fd, libc::F_GETFL);
                if flags < 0 || libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK) < 0 {
                    return None;
                }
            }
            let interest = if fd == 0 {
                Interest::READABLE
            } else {
                Interest::WRITABLE
            };
            // SAFETY: 0 and 1 stay open, and stay these pipes, for the
            // life of the process, which outlives the transport.
            unsafe { AsyncFd::register_with_interest(Fd(fd), interest) }
                .ok()
                .map(|fd| Pipe { fd })
        }
    }

    impl AsyncRead for Pipe {
        fn poll_read(
            self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &mut ReadBuf<'_>,
        ) -> Poll<io::Result<()>> {
            loop {
                let mut guard = std::task::ready!(self.fd.poll_read_ready(cx))?;
                let unfilled = buf.initialize_unfilled();
                let got = guard.try_io(|fd| {
                    // SAFETY: reads into the initialized, unfilled part of buf.
                    let n = unsafe {
                        libc::read(fd.as_raw_fd(), unfilled.as_mut_ptr().cast(), unfilled.len())
                    };
                    if n < 0 {
                        Err(io::Error::last_os_error())
                    } else {
                        Ok(n as usize)
                    }
                });
                match got {
                    Ok(Ok(n)) => {
                        buf.advance(n);
                        return Poll::Ready(Ok(()));
                    }
                    Ok(Err(e)) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Ok(Err(e)) => return Poll::Ready(Err(e)),
                    Err(_would_block) => continue,
                }
            }
        }
    }

    impl AsyncWrite for Pipe {
        fn poll_write(
            self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            data: &[u8],
        ) -> Poll<io::Result<usize>> {
            loop {
                let mut guard = std::task::ready!(self.fd.poll_write_ready(cx))?;
                let done = guard.try_io(|fd| {
                    // SAFETY: writes from a valid slice.
                    let n =
                        unsafe { libc::write(fd.as_raw_fd(), data.as_ptr().cast(), data.len()) };
                    if n < 0 {
                        Err(io::Error::last_os_error())
                    } else {
                        Ok(n as usize)
                    }
                });
                match done {
                    Ok(Ok(n)) => return Poll::Ready(Ok(n)),
                    Ok(Err(e)) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Ok(Err(e)) => return Poll::Ready(Err(e)),
                    Err(_would_block) => continue,
                }
            }
        }

        fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
            Poll::Ready(Ok(()))
        }

        fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
            Poll::Ready(Ok(()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncReadExt;

    #[tokio::test]
    async fn bad_lines_are_answered_and_good_ones_handed_on() {
        let (mut client, server_side) = tokio::io::duplex(1 << 16);
        let (input, output) = tokio::io::split(server_side);
        let mut t = front(input, output);
        client
            .write_all(b"not json\n{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\"}\n")
            .await
            .unwrap();
        let got = t.receive().await.expect("the ping");
        assert!(serde_json::to_string(&got).unwrap().contains("ping"));
        let mut answer = vec![0u8; 256];
        let n = client.read(&mut answer).await.unwrap();
        let v: serde_json::Value = serde_json::from_slice(&answer[..n]).unwrap();
        assert_eq!(v["error"]["code"], -32700);
        assert_eq!(v["id"], serde_json::Value::Null);
    }
}
