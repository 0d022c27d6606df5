//! Docker's multiplexed log stream: frames of an 8-byte header (stream id
//! 0/1/2, three zero bytes, big-endian length) followed by the payload.
//! Containers with a TTY send raw text instead.

/// The frames' payloads as text in arrival order, or `None` when the bytes
/// are not a multiplexed stream (the caller then reads them as text).
pub fn demultiplex(bytes: &[u8]) -> Option<String> {
    let mut out = Vec::with_capacity(bytes.len());
    frames(bytes, |_, payload| out.extend_from_slice(payload))?;
    Some(String::from_utf8_lossy(&out).into_owned())
}

/// stdout and stderr apart (an exec's output), or `None` when the bytes
/// are not a multiplexed stream. A last frame cut short keeps what came.
pub fn split_streams(bytes: &[u8]) -> Option<(String, String)> {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    frames(bytes, |stream, payload| {
        let to = if stream == 2 { &mut err } else { &mut out };
        to.extend_from_slice(payload);
    })?;
    let text = |b: Vec<u8>| String::from_utf8_lossy(&b).into_owned();
    Some((text(out), text(err)))
}

/// Calls `each(stream id, payload)` per frame; `None` when the bytes are
/// not a multiplexed stream.
fn frames(bytes: &[u8], mut each: impl FnMut(u8, &[u8])) -> Option<()> {
    if !looks_multiplexed(bytes) {
        return None;
    }
    let mut rest = bytes;
    while rest.len() >= 8 {
        if !matches!(rest[0], 0..=2) || rest[1..4] != [0, 0, 0] {
            return None;
        }
        let len = u32::from_be_bytes([rest[4], rest[5], rest[6], rest[7]]) as usize;
        let end = (8 + len).min(rest.len());
        each(rest[0], &rest[8..end]);
        rest = &rest[end..];
    }
    Some(())
}

fn looks_multiplexed(bytes: &[u8]) -> bool {
    bytes.len() >= 8 && matches!(bytes[0], 0..=2) && bytes[1..4] == [0, 0, 0]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(stream: u8, text: &str) -> Vec<u8> {
        let mut f = vec![stream, 0, 0, 0];
        f.extend_from_slice(&(text.len() as u32).to_be_bytes());
        f.extend_from_slice(text.as_bytes());
        f
    }

    #[test]
    fn streams_apart_and_a_cut_frame_kept() {
        let mut b = frame(1, "out\n");
        b.extend(frame(2, "err\n"));
        b.extend(&frame(1, "partial line")[..12]);
        let (out, err) = split_streams(&b).unwrap();
        assert_eq!((out.as_str(), err.as_str()), ("out\npart", "err\n"));
        assert_eq!(split_streams(b"plain text output"), None);
    }

    #[test]
    fn joins_frames_in_order() {
        let mut bytes = frame(1, "starting\n");
        bytes.extend(frame(2, "warning: low disk\n"));
        bytes.extend(frame(1, "ready\n"));
        assert_eq!(
            demultiplex(&bytes).unwrap(),
            "starting\nwarning: low disk\nready\n"
        );
    }

    #[test]
    fn raw_text_is_not_a_stream() {
        assert_eq!(demultiplex(b"plain tty output\n"), None);
        assert_eq!(demultiplex(b""), None);
    }

    #[test]
    fn a_cut_frame_keeps_what_arrived() {
        let mut bytes = frame(1, "complete\n");
        bytes.extend(&frame(1, "partial line")[..12]);
        assert_eq!(demultiplex(&bytes).unwrap(), "complete\npart");
    }
}
