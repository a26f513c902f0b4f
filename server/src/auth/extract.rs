//! `AuthUser`: the extractor handlers use to require a signed-in user.

use super::{sessions, AuthError, User};
use crate::http::{ApiError, AppState};
use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::http::HeaderMap;

/// The signed-in user of a request, from its `Authorization: Bearer <token>` header;
/// a missing, unknown or expired token is rejected with 401.
#[derive(Debug, Clone)]
pub struct AuthUser {
    /// Whose session the token is.
    pub user: User,
    token_hash: String,
}

impl AuthUser {
    /// The stored form of this request's token, to end just this session.
    pub(super) fn token_hash(&self) -> &str {
        &self.token_hash
    }
}

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer_token(&parts.headers).ok_or(AuthError::InvalidToken)?;
        let token_hash = sessions::hash_token(token);
        let user = sessions::user_of_session(state.database(), &token_hash).await?;
        Ok(Self { user, token_hash })
    }
}

/// The token of an `Authorization: Bearer <token>` header (scheme in any case).
fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, HeaderValue::from_str(value).expect("header"));
        headers
    }

    #[test]
    fn only_bearer_tokens_are_read() {
        assert_eq!(bearer_token(&headers("Bearer abc")), Some("abc"));
        assert_eq!(bearer_token(&headers("bearer  abc ")), Some("abc"));
        assert_eq!(bearer_token(&headers("Basic abc")), None);
        assert_eq!(bearer_token(&headers("Bearer ")), None);
        assert_eq!(bearer_token(&HeaderMap::new()), None);
    }
}
