//! The `Authenticated` extractor: the principal behind `Authorization: Bearer <access token>`.
//!
//! A missing, malformed or unknown token answers 401 `unauthorised`; a token that was valid and
//! has expired answers 401 `token_expired`, so the client knows to refresh rather than sign in.

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

use crate::accounts::AccountsError;
use crate::error::AppError;
use crate::identity::Principal;
use crate::state::AppState;

/// The authenticated device making the request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Authenticated(pub Principal);

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(bearer_token)
            .ok_or(AccountsError::Unauthorised)?;
        Ok(Self(state.accounts.authenticate(token).await?))
    }
}

/// The token of a `Bearer` authorization (the scheme is case-insensitive).
fn bearer_token(authorization: &str) -> Option<&str> {
    let (scheme, token) = authorization.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_tokens_are_read_whatever_the_scheme_case() {
        assert_eq!(bearer_token("Bearer abc"), Some("abc"));
        assert_eq!(bearer_token("bearer  abc "), Some("abc"));
        assert_eq!(bearer_token("Basic abc"), None);
        assert_eq!(bearer_token("Bearer "), None);
        assert_eq!(bearer_token("abc"), None);
    }
}
