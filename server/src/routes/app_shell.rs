//! The built client (the PWA shell) with the cache headers an offline app needs.
//!
//! - Content-hashed assets (`client-<hash>_bg.wasm`, …) never change: cached for a year, immutable.
//! - `index.html`, the web manifest, the service worker and the workspace worker's files (Trunk
//!   does not hash workers) must be revalidated on every load, or a new build would never reach
//!   the rep: `no-cache`.
//! - App routes (deep links such as `/accounts/42`) answer 200 with the index page; an unknown path
//!   that looks like a file (has an extension) answers 404.
//! - `cargo xtask build-client` writes `.br` and `.gz` copies beside each text and wasm file: a
//!   browser gets the one its `Accept-Encoding` prefers (brotli first), any other client the file
//!   itself, and every answer says `Vary: Accept-Encoding` so caches keep them apart. The
//!   Content-Security-Policy hashes the plain `index.html` (`crate::headers`), never a copy.

use std::path::Path;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

use crate::state::AppState;

const NO_CACHE: &str = "no-cache";
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const ONE_DAY: &str = "public, max-age=86400";

/// Files that name the current build, or that Trunk does not hash (the workspace worker's, which
/// the page starts by name), and so must always be revalidated: a worker of an older build must
/// never answer a newer page.
const REVALIDATED_FILES: &[&str] = &[
    "index.html",
    "sw.js",
    "manifest.webmanifest",
    "carnet-worker_loader.js",
    "carnet-worker.js",
    "carnet-worker_bg.wasm",
];

/// Serves the `dist` folder, falling back to the index page for app routes.
pub fn router(state: &AppState) -> Router<AppState> {
    let files = ServeDir::new(state.dist_dir.as_path())
        .append_index_html_on_directories(true)
        // The build writes `.br` and `.gz` siblings; browsers that accept them get them.
        .precompressed_br()
        .precompressed_gzip()
        .fallback(axum::routing::get(app_route).with_state(state.clone()));
    Router::new()
        .fallback_service(files)
        .layer(middleware::from_fn(set_cache_headers))
}

/// A path that names no file: the index page for an app route (compressed as the browser
/// accepts, like every other file), 404 for anything file-like.
async fn app_route(State(state): State<AppState>, request: Request) -> Response {
    let path = request.uri().path();
    if looks_like_a_file(path) || path.starts_with("/api/") || path == "/api" {
        return (StatusCode::NOT_FOUND, "Not found").into_response();
    }
    let index = state.dist_dir.join("index.html");
    let Ok(response) = ServeFile::new(&index)
        .precompressed_br()
        .precompressed_gzip()
        .oneshot(request)
        .await;
    if response.status() == StatusCode::NOT_FOUND {
        return not_built(&index);
    }
    response.into_response()
}

/// The answer when the client's index page is missing.
fn not_built(index: &Path) -> Response {
    tracing::error!(path = %index.display(), "the client's index page is missing");
    (
        StatusCode::SERVICE_UNAVAILABLE,
        "The Carnet client is not built: run `cargo xtask run`.",
    )
        .into_response()
}

/// Sets `Cache-Control` from the request path once the response is known.
async fn set_cache_headers(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let mut response = next.run(request).await;
    if !response.status().is_success() && response.status() != StatusCode::NOT_MODIFIED {
        return response;
    }
    let file_name = path.rsplit('/').next().unwrap_or_default();
    let policy = if file_name.is_empty()
        || !looks_like_a_file(&path)
        || REVALIDATED_FILES.contains(&file_name)
    {
        NO_CACHE
    } else if is_content_hashed(file_name) {
        IMMUTABLE
    } else {
        ONE_DAY
    };
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    response
}

/// Whether the last segment of `path` has an extension, as files do and app routes do not.
fn looks_like_a_file(path: &str) -> bool {
    Path::new(path).extension().is_some()
}

/// Whether a file name carries Trunk's content hash: `name-<hex digest>` before the extension (or
/// before `_bg` for the wasm). The digest is a 64-bit hash printed without leading zeros, so it
/// has up to 16 digits; short all-digit suffixes such as `icon-192` are not digests.
fn is_content_hashed(file_name: &str) -> bool {
    let stem = file_name.split('.').next().unwrap_or_default();
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-').is_some_and(|(_, hash)| {
        (12..=16).contains(&hash.len())
            && hash.chars().all(|character| character.is_ascii_hexdigit())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trunk_hashed_names_are_recognised() {
        assert!(is_content_hashed("client-3f9a0c1d2e4b5a69_bg.wasm"));
        assert!(is_content_hashed("client-3f9a0c1d2e4b5a69.js"));
        assert!(is_content_hashed("style-00aa11bb22cc33dd.css"));
        assert!(is_content_hashed("style-8011daa0357522c.css"));
    }

    #[test]
    fn plain_names_are_not_hashed() {
        assert!(!is_content_hashed("sw.js"));
        assert!(!is_content_hashed("icon-192.png"));
        assert!(!is_content_hashed("manifest.webmanifest"));
    }

    #[test]
    fn app_routes_have_no_extension() {
        assert!(!looks_like_a_file("/accounts/0b8e"));
        assert!(looks_like_a_file("/missing.js"));
    }
}
