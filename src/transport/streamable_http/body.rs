//! The body of a POST to /mcp, read before rmcp sees it: within the size
//! limit, one JSON-RPC message (no batch), nested within the parser's
//! limit, UTF-8, and of the shape rmcp reads (`ClientJsonRpcMessage`). What
//! fails gets a JSON-RPC error, under the request's own id whenever it can
//! be read, so that the client's call ends rather than waits: then as a
//! 200 answer with an `application/json` body, which every client matches
//! to its request (the Python SDK, for one, drops a 4xx answer's body).
//! Without a readable id the answer is a 4xx.

use crate::transport::json_input::{self, Envelope, Refused};
use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{header, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use http_body_util::BodyExt;
use serde_json::Value;

/// Past the limit, a body is still read (and dropped) this far to find the
/// request's id; beyond this the connection is closed.
const READ_PAST_LIMIT: usize = 256 << 20;
/// A body must arrive within this time (a trickle holds a connection).
const BODY_TIME: std::time::Duration = std::time::Duration::from_secs(60);

// The refusal is the response itself; once per request, its size is no cost.
#[allow(clippy::result_large_err)]
pub async fn read(max_body: usize, req: Request) -> Result<Request, Response> {
    if req.method() != Method::POST {
        return Ok(req);
    }
    let (parts, body) = req.into_parts();
    match tokio::time::timeout(BODY_TIME, collect(max_body, body)).await {
        Ok(Ok(bytes)) => {
            check(&bytes)?;
            Ok(Request::from_parts(parts, Body::from(bytes)))
        }
        Ok(Err(refused)) => Err(refused),
        Err(_) => Err((
            StatusCode::REQUEST_TIMEOUT,
            [(header::CONNECTION, "close")],
            format!(
                "the request body did not arrive within {} s",
                BODY_TIME.as_secs()
            ),
        )
            .into_response()),
    }
}

/// The body, within the limit; past it, read for the id only.
#[allow(clippy::result_large_err)]
async fn collect(max_body: usize, mut body: Body) -> Result<Bytes, Response> {
    let mut kept: Vec<u8> = vec![];
    let mut over: Option<Envelope> = None;
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else {
            return Err((StatusCode::BAD_REQUEST, "cannot read the request body").into_response());
        };
        let Ok(data) = frame.into_data() else {
            continue;
        };
        match &mut over {
            Some(e) => {
                e.feed(&data);
                if e.size > READ_PAST_LIMIT {
                    return Err(too_large(e, max_body, true));
                }
            }
            None if kept.len() + data.len() > max_body => {
                let mut e = Envelope::default();
                e.feed(&kept);
                e.feed(&data);
                kept = vec![];
                over = Some(e);
            }
            None => kept.extend_from_slice(&data),
        }
    }
    if let Some(e) = over {
        return Err(too_large(&e, max_body, false));
    }
    Ok(Bytes::from(kept))
}

#[allow(clippy::result_large_err)]
fn check(bytes: &[u8]) -> Result<(), Response> {
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    if first == Some(&b'[') {
        let why = Refused {
            code: -32600,
            message: "batch requests are not supported: send one JSON-RPC message per request"
                .into(),
        };
        return Err(refuse(&Envelope::default(), &why, StatusCode::BAD_REQUEST));
    }
    if let Err(why) = json_input::check(bytes) {
        return Err(refuse(&Envelope::of(bytes), &why, StatusCode::BAD_REQUEST));
    }
    if std::str::from_utf8(bytes).is_err() {
        let why = Refused {
            code: -32700,
            message: "parse error: the body is not UTF-8".into(),
        };
        return Err(refuse(&Envelope::default(), &why, StatusCode::BAD_REQUEST));
    }
    // The very type rmcp reads: what passes here, rmcp takes.
    if let Err(e) = serde_json::from_slice::<rmcp::model::ClientJsonRpcMessage>(bytes) {
        let why = Refused {
            code: -32600,
            message: format!("invalid request: not a JSON-RPC message MCP knows: {e}"),
        };
        // The id rmcp could not take (1.5, say) is not echoed.
        return Err(refuse(&Envelope::default(), &why, StatusCode::BAD_REQUEST));
    }
    Ok(())
}

fn too_large(e: &Envelope, max_body: usize, cut: bool) -> Response {
    let why = Refused::too_large(e.size, max_body, "an HTTP request body");
    let mut r = refuse(e, &why, StatusCode::PAYLOAD_TOO_LARGE);
    if cut {
        // The rest of the body is left unread: the connection cannot carry
        // another request.
        r.headers_mut().insert(
            header::CONNECTION,
            header::HeaderValue::from_static("close"),
        );
    }
    r
}

/// The JSON-RPC error: 200 under a readable id, `status` without one.
fn refuse(e: &Envelope, why: &Refused, status: StatusCode) -> Response {
    let (status, id) = match e.id().filter(|id| !id.is_f64()) {
        Some(id) => (StatusCode::OK, id.clone()),
        None => (status, Value::Null),
    };
    let body = why.answer(id, e.method());
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}
