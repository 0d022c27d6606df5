//! The Portainer token as a request header, marked sensitive so that no
//! debug output of a request shows it.

/// The X-API-Key header, marked sensitive so that no Debug output shows it.
pub fn api_key_header(token: &str) -> Result<reqwest::header::HeaderValue, String> {
    let mut key = reqwest::header::HeaderValue::from_str(token).map_err(|_| {
        "the Portainer token contains characters not allowed in an HTTP header".to_string()
    })?;
    key.set_sensitive(true);
    Ok(key)
}
