//! A JSON body extractor whose rejections are `ApiError`s, so a malformed body gets the
//! same `{error:{code,message}}` shape as every other API error.

use super::ApiError;
use axum::extract::{FromRequest, Request};

/// Like `axum::Json` for request bodies, but rejects with a JSON `ApiError`.
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

impl<S, T> FromRequest<S> for JsonBody<T>
where
    axum::Json<T>: FromRequest<S, Rejection = axum::extract::rejection::JsonRejection>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let axum::Json(value) = axum::Json::<T>::from_request(request, state).await?;
        Ok(Self(value))
    }
}
