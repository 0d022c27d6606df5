//! The parts of a request the routes look at, and how they read a body.

use serde_json::Value;

/// The parts of a request the routes look at.
pub(crate) struct Req<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub query: Option<&'a str>,
    pub body: &'a [u8],
    pub key: Option<&'a str>,
    pub content_type: Option<&'a str>,
    pub accept: Option<&'a str>,
    pub registry_auth: Option<&'a str>,
}

impl Req<'_> {
    /// The JSON body, or null (routes echo fields of what they were sent).
    pub fn json(&self) -> Value {
        serde_json::from_slice(self.body).unwrap_or(Value::Null)
    }

    /// The text fields of a multipart/form-data body, as Portainer's form
    /// handlers read them; None when the body is not such a form.
    pub fn form(&self) -> Option<Vec<(String, String)>> {
        let ct = self.content_type?;
        let boundary = ct.strip_prefix("multipart/form-data; boundary=")?;
        let body = std::str::from_utf8(self.body).ok()?;
        let delimiter = format!("--{boundary}");
        let mut fields = vec![];
        for part in body.split(delimiter.as_str()).skip(1) {
            if part.starts_with("--") {
                return Some(fields);
            }
            let (head, value) = part.strip_prefix("\r\n")?.split_once("\r\n\r\n")?;
            let name = head.split("name=\"").nth(1)?.split('"').next()?;
            fields.push((name.to_string(), value.strip_suffix("\r\n")?.to_string()));
        }
        None
    }
}
