//! The middleware that asks for a bearer token: every `/api/...` request needs one (read scope
//! for GET and HEAD, write scope for everything else) once any token exists; `/metrics` needs a
//! read token when `metrics.require_token` is on; `/health` is always open.

use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, header};
use actix_web::middleware::Next;
use actix_web::{ResponseError, web};
use lookout_domain::auth::{AccessControl, Scope};

use crate::ApiError;

/// Who may call what: the token checker and whether `/metrics` needs a token.
#[derive(Clone)]
pub struct ApiAccess {
    pub control: Arc<dyn AccessControl>,
    /// `metrics.require_token`: `/metrics` needs a read token (once any token exists).
    pub metrics_require_token: bool,
}

impl std::fmt::Debug for ApiAccess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiAccess")
            .field("metrics_require_token", &self.metrics_require_token)
            .finish_non_exhaustive()
    }
}

impl ApiAccess {
    /// The scope a request needs, or `None` when its path is open.
    fn required_scope(&self, method: &Method, path: &str) -> Option<Scope> {
        let is_api = path == "/api" || path.starts_with("/api/");
        let is_metrics = path == "/metrics" && self.metrics_require_token;
        if !(is_api || is_metrics) {
            return None;
        }
        Some(if matches!(*method, Method::GET | Method::HEAD) { Scope::Read } else { Scope::Write })
    }
}

/// The token from `Authorization: Bearer <token>` (scheme case-insensitive); `None` when the
/// header is missing, not UTF-8, of another scheme or empty.
fn bearer_token(request: &ServiceRequest) -> Option<&str> {
    let value = request.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Lets a request through or answers 401 / 403 (or 503 when the token store does not answer)
/// with the API's JSON error body and a `WWW-Authenticate` challenge.
pub(crate) async fn check_access(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let Some(access) = request.app_data::<web::Data<ApiAccess>>().cloned() else {
        return next.call(request).await.map(ServiceResponse::map_into_left_body);
    };
    let Some(required) = access.required_scope(request.method(), request.path()) else {
        return next.call(request).await.map(ServiceResponse::map_into_left_body);
    };
    let decision = access.control.authorize(bearer_token(&request), required).await;
    match decision {
        Ok(_) => next.call(request).await.map(ServiceResponse::map_into_left_body),
        Err(error) => {
            tracing::info!(
                method = %request.method(),
                path = %request.path(),
                reason = %error,
                "Request refused"
            );
            let response = ApiError::from(error).error_response();
            Ok(request.into_response(response).map_into_right_body())
        }
    }
}

#[cfg(test)]
mod tests {
    use std::future::Future;
    use std::pin::Pin;

    use actix_web::{App, HttpResponse, middleware::from_fn, test};
    use lookout_domain::auth::{Access, AuthorizeError};

    use super::*;

    /// Accepts "r" as a read token and "w" as a write token; nothing else.
    struct TwoTokens;

    impl AccessControl for TwoTokens {
        fn authorize<'a>(
            &'a self,
            presented: Option<&'a str>,
            required: Scope,
        ) -> Pin<Box<dyn Future<Output = Result<Access, AuthorizeError>> + Send + 'a>> {
            let granted = match presented {
                None => Err(AuthorizeError::MissingToken),
                Some("r") => Ok(Scope::Read),
                Some("w") => Ok(Scope::Write),
                Some(_) => Err(AuthorizeError::UnknownToken),
            };
            Box::pin(async move {
                let granted = granted?;
                if granted.allows(required) {
                    Ok(Access::Token(granted))
                } else {
                    Err(AuthorizeError::InsufficientScope { required, granted })
                }
            })
        }
    }

    /// Status and `WWW-Authenticate` of one request with the given `Authorization` value.
    async fn call(
        metrics_require_token: bool,
        method: Method,
        path: &str,
        authorization: Option<&str>,
    ) -> (u16, Option<String>) {
        let access = ApiAccess { control: Arc::new(TwoTokens), metrics_require_token };
        let app = test::init_service(
            App::new()
                .app_data(web::Data::new(access))
                .wrap(from_fn(check_access))
                .default_service(web::to(HttpResponse::Ok)),
        )
        .await;
        let mut request = test::TestRequest::default().method(method).uri(path);
        if let Some(value) = authorization {
            request = request.insert_header((header::AUTHORIZATION, value));
        }
        let response = test::call_service(&app, request.to_request()).await;
        let challenge = response
            .headers()
            .get(header::WWW_AUTHENTICATE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        (response.status().as_u16(), challenge)
    }

    async fn status(
        metrics_require_token: bool,
        method: Method,
        path: &str,
        token: Option<&str>,
    ) -> u16 {
        let authorization = token.map(|t| format!("Bearer {t}"));
        call(metrics_require_token, method, path, authorization.as_deref()).await.0
    }

    #[actix_web::test]
    async fn api_calls_need_a_token_of_the_right_scope() {
        let (code, challenge) = call(false, Method::GET, "/api/websites", None).await;
        assert_eq!(code, 401);
        assert!(challenge.is_some_and(|c| c.starts_with("Bearer")));
        assert_eq!(status(false, Method::GET, "/api/websites", Some("x")).await, 401);
        assert_eq!(status(false, Method::GET, "/api/websites", Some("r")).await, 200);
        assert_eq!(status(false, Method::POST, "/api/websites", Some("r")).await, 403);
        assert_eq!(status(false, Method::DELETE, "/api/websites/1", Some("r")).await, 403);
        assert_eq!(status(false, Method::PATCH, "/api/websites/1", Some("w")).await, 200);
        assert_eq!(status(false, Method::GET, "/api/no/such/route", None).await, 401);
    }

    #[actix_web::test]
    async fn health_is_open_and_metrics_only_when_configured() {
        assert_eq!(status(true, Method::GET, "/health", None).await, 200);
        assert_eq!(status(false, Method::GET, "/metrics", None).await, 200);
        assert_eq!(status(true, Method::GET, "/metrics", None).await, 401);
        assert_eq!(status(true, Method::GET, "/metrics", Some("r")).await, 200);
        // Paths that merely start like the API are not the API.
        assert_eq!(status(false, Method::GET, "/apis", None).await, 200);
    }

    #[actix_web::test]
    async fn the_scheme_must_be_bearer() {
        for (value, expected) in
            [("Basic r", 401), ("bearer r", 200), ("BEARER   w  ", 200), ("Bearer", 401)]
        {
            let code = call(false, Method::GET, "/api/websites", Some(value)).await.0;
            assert_eq!(code, expected, "{value}");
        }
    }
}
