//! multipart/form-data bodies of text fields, for the Portainer routes that
//! read forms (environment creation). Written here rather than taken from
//! reqwest's `multipart` feature: that one builds a streaming body, which a
//! dry run cannot show and the call record cannot capture; text fields need
//! only a boundary that no value contains.

/// The body and its Content-Type for `fields` (name, value), in order.
pub fn multipart(fields: &[(&str, String)]) -> (Vec<u8>, String) {
    let mut n = 0u32;
    let boundary = loop {
        let b = format!("portainer-mcp-form-{n:08x}");
        if fields
            .iter()
            .all(|(k, v)| !k.contains(&b) && !v.contains(&b))
        {
            break b;
        }
        n += 1;
    };
    let mut body = Vec::new();
    for (name, value) in fields {
        // Field names are ours (fixed ASCII words), so no quoting is needed.
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (body, format!("multipart/form-data; boundary={boundary}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_in_order_with_a_boundary_no_value_holds() {
        let tricky = "x--portainer-mcp-form-00000000y".to_string();
        let (body, ct) = multipart(&[("Name", "prod".into()), ("URL", tricky.clone())]);
        let text = String::from_utf8(body).unwrap();
        let boundary = ct.strip_prefix("multipart/form-data; boundary=").unwrap();
        assert_eq!(boundary, "portainer-mcp-form-00000001");
        let parts: Vec<&str> = text.split(&format!("--{boundary}")).collect();
        assert_eq!(parts.len(), 4, "{text}");
        assert!(parts[1].contains("name=\"Name\"\r\n\r\nprod\r\n"));
        assert!(parts[2].ends_with(&format!("\r\n\r\n{tricky}\r\n")));
        assert_eq!(parts[3], "--\r\n");
    }
}
