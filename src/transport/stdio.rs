//! The stdio transport: rmcp's newline-delimited JSON-RPC over stdin and
//! stdout, with a front that answers what rmcp would skip in silence. A
//! line that is not JSON (or is longer than the limit) gets JSON-RPC's
//! -32700 parse error, so a client is never left waiting. Output lines from
//! rmcp and from the front are written whole, one at a time.

use crate::transport::json_input::{self, Envelope, Refused};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader, DuplexStream};
use tokio::sync::mpsc;

/// The longest line read from stdin; a longer one is answered and dropped.
pub const MAX_LINE: usize = 16 << 20;

/// The (reader, writer) pair to give rmcp instead of stdin/stdout.
pub fn transport() -> (DuplexStream, DuplexStream) {
    front(tokio::io::stdin(), tokio::io::stdout())
}

/// The same front over any input and output (tests, fuzzing).
pub fn front<R, W>(input: R, output: W) -> (DuplexStream, DuplexStream)
where
    R: AsyncRead + Unpin + Send + 'static,
    W: AsyncWrite + Unpin + Send + 'static,
{
    let (mut to_rmcp, rmcp_in) = tokio::io::duplex(1 << 16);
    let (rmcp_out, from_rmcp) = tokio::io::duplex(1 << 16);
    let (lines, mut out) = mpsc::channel::<Vec<u8>>(64);
    let errors = lines.clone();
    tokio::spawn(async move {
        let mut input = BufReader::with_capacity(1 << 16, input);
        while let Some(line) = read_line(&mut input).await {
            let answer = match line {
                Line::TooLong(envelope) => refusal(&envelope, too_long(envelope.size)),
                Line::Text(l) if l.iter().all(u8::is_ascii_whitespace) => None,
                Line::Text(l) => match json_input::check(&l) {
                    Ok(()) => {
                        if to_rmcp.write_all(&l).await.is_err()
                            || to_rmcp.write_all(b"\n").await.is_err()
                        {
                            break;
                        }
                        None
                    }
                    Err(e) => refusal(&json_input::Envelope::of(&l), e),
                },
            };
            if let Some(error) = answer {
                if errors.send(error.to_string().into_bytes()).await.is_err() {
                    break;
                }
            }
        }
        // End of input: rmcp sees it and stops.
        let _ = to_rmcp.shutdown().await;
    });
    tokio::spawn(async move {
        let mut from_rmcp = BufReader::new(from_rmcp);
        loop {
            let mut l = Vec::new();
            match from_rmcp.read_until(b'\n', &mut l).await {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    if l.last() == Some(&b'\n') {
                        l.pop();
                    }
                    if lines.send(l).await.is_err() {
                        break;
                    }
                }
            }
        }
    });
    tokio::spawn(async move {
        let mut output = output;
        while let Some(mut l) = out.recv().await {
            l.push(b'\n');
            if output.write_all(&l).await.is_err() || output.flush().await.is_err() {
                break;
            }
        }
    });
    (rmcp_in, rmcp_out)
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

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncReadExt;

    #[tokio::test]
    async fn bad_lines_get_a_parse_error_and_good_ones_pass() {
        let (mut client, server_side) = tokio::io::duplex(1 << 16);
        let (input, output) = tokio::io::split(server_side);
        let (mut rmcp_in, mut rmcp_out) = front(input, output);
        client.write_all(b"not json\n{\"a\":1}\n").await.unwrap();
        let mut got = vec![0u8; 8];
        rmcp_in.read_exact(&mut got).await.unwrap();
        assert_eq!(&got, b"{\"a\":1}\n");
        let mut answer = vec![0u8; 256];
        let n = client.read(&mut answer).await.unwrap();
        let v: serde_json::Value = serde_json::from_slice(&answer[..n]).unwrap();
        assert_eq!(v["error"]["code"], -32700);
        assert_eq!(v["id"], serde_json::Value::Null);
        rmcp_out.write_all(b"{\"b\":2}\n").await.unwrap();
        let n = client.read(&mut answer).await.unwrap();
        assert_eq!(&answer[..n], b"{\"b\":2}\n");
    }
}
