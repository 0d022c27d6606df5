//! One answer: status, content type, body bytes.

use axum::body::Body;
use axum::http::{header, HeaderValue, Response, StatusCode};
use bytes::Bytes;
use serde_json::{json, Value};

/// The body is `Bytes` so that answers prepared once (the bench lists) are
/// shared between requests rather than copied.
#[derive(Clone)]
pub(crate) struct Answer {
    pub status: u16,
    pub content_type: Option<&'static str>,
    pub body: Bytes,
    /// Portainer's paged lists say how many there are in all.
    pub total_count: Option<usize>,
}

/// Compact JSON, as Portainer's Go server writes it.
pub(crate) fn json(status: u16, body: Value) -> Answer {
    raw(status, "application/json", body.to_string())
}

pub(crate) fn raw(status: u16, content_type: &'static str, body: impl Into<Bytes>) -> Answer {
    Answer {
        status,
        content_type: Some(content_type),
        body: body.into(),
        total_count: None,
    }
}

pub(crate) fn text(status: u16, body: &'static str) -> Answer {
    raw(status, "text/plain", body)
}

/// No body and no content type (204, 304).
pub(crate) fn empty(status: u16) -> Answer {
    Answer {
        status,
        content_type: None,
        body: Bytes::new(),
        total_count: None,
    }
}

/// Portainer's 404 for an id its database does not hold.
pub(crate) fn not_found(what: &str) -> Answer {
    json(
        404,
        json!({"message": format!("Unable to find a {what} with the specified identifier inside the database"), "details": "object not found inside the database"}),
    )
}

/// What Go's mux answers for a route it does not have.
pub(crate) fn no_route() -> Answer {
    text(404, "404 page not found\n")
}

impl Answer {
    pub fn with_total(mut self, n: usize) -> Answer {
        self.total_count = Some(n);
        self
    }

    pub fn into_response(self) -> Response<Body> {
        let mut r = Response::new(Body::from(self.body));
        *r.status_mut() = StatusCode::from_u16(self.status).unwrap_or(StatusCode::OK);
        if let Some(ct) = self.content_type {
            r.headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
        }
        if let Some(n) = self.total_count {
            r.headers_mut()
                .insert("x-total-count", HeaderValue::from(n));
        }
        r
    }
}
