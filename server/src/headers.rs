//! Security headers on every response the router makes (API, app shell, files, errors).
//!
//! The Content-Security-Policy allows the app's own code, styles, images, worker, manifest and
//! sync socket, and nothing else: no other origin, no framing, no plugins. Trunk writes one inline
//! module script into `index.html` (it loads the wasm); that script is allowed by its SHA-256
//! hash, computed from the built `index.html` when the server starts, never by `'unsafe-inline'`.
//! WebAssembly compilation needs `'wasm-unsafe-eval'` (not `'unsafe-eval'`). Yew writes `style`
//! attributes (the accounts list's virtual scrolling), so inline style *attributes* are allowed
//! (`style-src-attr`), while style sheets must still come from the app.
//!
//! This module only builds and sets headers; `Cache-Control` stays with the app shell.

use std::path::Path;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use sha2::{Digest, Sha256};

/// The headers set on every response.
#[derive(Clone, Debug)]
pub struct SecurityHeaders {
    content_security_policy: HeaderValue,
}

impl SecurityHeaders {
    /// The policy for the build in `dist_dir` (its `index.html`'s inline scripts allowed by hash;
    /// none when the client is not built).
    pub async fn for_build(dist_dir: &Path) -> Self {
        let index = dist_dir.join("index.html");
        let html = match tokio::fs::read_to_string(&index).await {
            Ok(html) => html,
            Err(error) => {
                tracing::warn!(path = %index.display(), %error, "no built client: the policy allows no inline script");
                String::new()
            }
        };
        Self::for_index(&html)
    }

    /// The policy for a build whose index page is `html`.
    pub fn for_index(html: &str) -> Self {
        let policy = content_security_policy(&inline_script_hashes(html));
        Self {
            // Hashes are base64 and the rest is ASCII: the value is always a valid header.
            content_security_policy: HeaderValue::from_str(&policy)
                .unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'")),
        }
    }

    /// The Content-Security-Policy value.
    pub fn content_security_policy(&self) -> &HeaderValue {
        &self.content_security_policy
    }
}

/// Sets the security headers on `request`'s response (keeping any a handler chose itself).
pub async fn set_security_headers(
    State(headers): State<Arc<SecurityHeaders>>,
    request: Request,
    next: Next,
) -> Response {
    let mut response = next.run(request).await;
    let fixed: [(HeaderName, HeaderValue); 5] = [
        (
            header::CONTENT_SECURITY_POLICY,
            headers.content_security_policy.clone(),
        ),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ),
        // For browsers that predate `frame-ancestors`.
        (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        ),
    ];
    let response_headers = response.headers_mut();
    for (name, value) in fixed {
        response_headers.entry(name).or_insert(value);
    }
    response
}

/// The policy text, allowing the inline scripts whose hashes are given.
fn content_security_policy(script_hashes: &[String]) -> String {
    let mut script_src = String::from("'self' 'wasm-unsafe-eval'");
    for hash in script_hashes {
        script_src.push_str(&format!(" 'sha256-{hash}'"));
    }
    [
        "default-src 'self'".to_owned(),
        format!("script-src {script_src}"),
        "style-src 'self'".to_owned(),
        "style-src-elem 'self'".to_owned(),
        "style-src-attr 'unsafe-inline'".to_owned(),
        "img-src 'self'".to_owned(),
        "font-src 'self'".to_owned(),
        "connect-src 'self'".to_owned(),
        "worker-src 'self'".to_owned(),
        "manifest-src 'self'".to_owned(),
        "object-src 'none'".to_owned(),
        "base-uri 'none'".to_owned(),
        "form-action 'self'".to_owned(),
        "frame-ancestors 'none'".to_owned(),
    ]
    .join("; ")
}

/// The base64 SHA-256 of the text of each inline `<script>` (one without `src`) of `html`,
/// exactly as the browser hashes it: the characters between the opening and closing tags.
pub fn inline_script_hashes(html: &str) -> Vec<String> {
    let lower = html.to_ascii_lowercase();
    let mut hashes = Vec::new();
    let mut rest = 0;
    while let Some(found) = lower[rest..].find("<script") {
        let tag_start = rest + found;
        let Some(tag_length) = lower[tag_start..].find('>') else {
            break;
        };
        let content_start = tag_start + tag_length + 1;
        let Some(content_length) = lower[content_start..].find("</script") else {
            break;
        };
        let content_end = content_start + content_length;
        let attributes = &lower[tag_start + "<script".len()..content_start - 1];
        if !has_src(attributes) {
            // The HTML parser turns every line break into a line feed before the browser hashes.
            let text = html[content_start..content_end]
                .replace("\r\n", "\n")
                .replace('\r', "\n");
            let digest = Sha256::digest(text.as_bytes());
            hashes.push(base64(&digest));
        }
        rest = content_end;
    }
    hashes
}

/// Whether a (lower-cased) tag's attributes include `src`.
fn has_src(attributes: &str) -> bool {
    attributes
        .split(|character: char| character.is_ascii_whitespace())
        .any(|attribute| attribute == "src" || attribute.starts_with("src="))
}

/// Standard base64 with padding (the encoding CSP hash sources use).
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut text = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let group = chunk
            .iter()
            .enumerate()
            .fold(0_u32, |group, (index, byte)| {
                group | (u32::from(*byte) << (16 - 8 * index))
            });
        for index in 0..4 {
            if index <= chunk.len() {
                let sextet = (group >> (18 - 6 * index)) & 0x3f;
                text.push(char::from(ALPHABET[sextet as usize]));
            } else {
                text.push('=');
            }
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_standard_vectors() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn only_inline_scripts_are_hashed_over_their_exact_text() {
        let html = "<head><script src=\"/pwa.js\" defer></script>\
                    <script type=\"module\">\nimport init from '/client.js';\n</script></head>";
        let hashes = inline_script_hashes(html);
        let expected = base64(&Sha256::digest(b"\nimport init from '/client.js';\n"));
        assert_eq!(hashes, vec![expected]);
    }

    #[test]
    fn the_policy_allows_the_hashed_script_and_forbids_framing() {
        let headers = SecurityHeaders::for_index("<script>boot()</script>");
        let policy = headers
            .content_security_policy()
            .to_str()
            .unwrap_or_default();
        let hash = base64(&Sha256::digest(b"boot()"));
        assert!(policy.contains(&format!("'sha256-{hash}'")));
        assert!(policy.contains("frame-ancestors 'none'"));
        assert!(policy.contains("'wasm-unsafe-eval'"));
        assert!(!policy.contains("script-src 'self' 'unsafe-inline'"));
    }
}
