//! `ApiError`: every failure as a status code and a JSON body. 5xx bodies never carry internals;
//! the cause is logged instead.

use std::error::Error as StdError;
use std::fmt;

use actix_web::error::JsonPayloadError;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use lookout_domain::ErrorChain;
use lookout_domain::auth::AuthorizeError;
use lookout_domain::history::HistoryError;
use lookout_domain::node::ListNodesError;
use lookout_domain::website::{
    CreateWebsiteError, DeleteWebsiteError, GetWebsiteError, HealthError, ListWebsitesError,
    UpdateWebsiteError, WebsiteStatusError,
};
use serde::Serialize;

/// Errors that fail only through storage: `Unavailable` → 503, `Unknown` → 500.
macro_rules! storage_only {
    ($($error:ident),* $(,)?) => {$(
        impl From<$error> for ApiError {
            fn from(error: $error) -> Self {
                match &error {
                    $error::Unavailable(_) => Self::unavailable(&error),
                    $error::Unknown(_) => Self::internal(&error),
                }
            }
        }
    )*};
}

/// Errors that fail through storage or because the record does not exist (→ 404).
macro_rules! not_found_or_storage {
    ($($error:ident),* $(,)?) => {$(
        impl From<$error> for ApiError {
            fn from(error: $error) -> Self {
                match &error {
                    $error::NotFound(_) => Self::not_found(error.to_string()),
                    $error::Unavailable(_) => Self::unavailable(&error),
                    $error::Unknown(_) => Self::internal(&error),
                }
            }
        }
    )*};
}

/// Deletions that fail through storage, because the record does not exist (→ 404), or
/// because a document manages it (→ 409 `managed_by_file`).
macro_rules! guarded_deletion {
    ($($error:ident),* $(,)?) => {$(
        impl From<$error> for ApiError {
            fn from(error: $error) -> Self {
                match &error {
                    $error::NotFound(_) => Self::not_found(error.to_string()),
                    $error::ManagedByFile(owner) => Self::deletion_of_managed(owner, &error),
                    $error::Unavailable(_) => Self::unavailable(&error),
                    $error::Unknown(_) => Self::internal(&error),
                }
            }
        }
    )*};
}

mod alerting;
mod maintenance;
mod managed;
mod status_pages;

/// An error response: status, stable machine code, human message, and the offending field.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    body: Box<ErrorBody>,
    /// `WWW-Authenticate` challenge, on 401 and 403.
    challenge: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct ErrorBody {
    code: &'static str,
    message: String,
    /// The offending field or parameter, as a path into the request (`config.to[1]`).
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<String>,
    /// On 409 for deleting a channel: the sites whose alert policies use it.
    #[serde(skip_serializing_if = "Option::is_none")]
    websites: Option<Vec<i64>>,
    /// On 409 `managed_by_file`: the document that manages the item (`file:<name>`).
    #[serde(skip_serializing_if = "Option::is_none")]
    managed_by: Option<String>,
    /// On 422 `invalid_document`: the document's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<String>,
    /// On 422 `invalid_document`: where the first problem is (from 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<usize>,
    /// On 422 `invalid_document`: every problem found, in order.
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<Vec<crate::document::DocumentError>>,
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        let body = Box::new(ErrorBody {
            code,
            message: message.into(),
            field: None,
            websites: None,
            managed_by: None,
            file: None,
            line: None,
            column: None,
            errors: None,
        });
        Self { status, body, challenge: None }
    }

    /// 422: a value that parses as JSON but is not acceptable.
    pub fn validation(field: impl Into<String>, message: impl fmt::Display) -> Self {
        let mut error =
            Self::new(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", message.to_string());
        error.body.field = Some(field.into());
        error
    }

    /// The field a 422 names (for tests).
    #[cfg(test)]
    pub(crate) fn field(&self) -> Option<&str> {
        self.body.field.as_deref()
    }

    /// The field a 422 names and its message (a document's item places them in the file).
    pub(crate) fn field_and_message(&self) -> (Option<&str>, &str) {
        (self.body.field.as_deref(), &self.body.message)
    }

    /// 422: a document that cannot be applied; every problem placed in `file`.
    pub fn invalid_document(file: &str, errors: Vec<crate::document::DocumentError>) -> Self {
        let message = match errors.as_slice() {
            [] => format!("{file}: the document cannot be applied"),
            [only] => only.describe(file),
            [first, rest @ ..] => format!("{} (and {} more)", first.describe(file), rest.len()),
        };
        let mut error = Self::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_document", message);
        if let Some(first) = errors.first() {
            error.body.field.clone_from(&first.field);
            error.body.line = first.line;
            error.body.column = first.column;
        }
        error.body.file = Some(file.to_owned());
        error.body.errors = Some(errors);
        error
    }

    /// 409: the sites kept changing while a document was applied.
    pub(crate) fn contended(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "contended", message)
    }

    /// 404 with a message of the caller's.
    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    /// 404 for a website id that does not exist (or is not an id at all).
    pub fn website_not_found(raw_id: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", format!("website {raw_id} not found"))
    }

    fn duplicate_url(url: &impl fmt::Display) -> Self {
        let mut error = Self::new(
            StatusCode::CONFLICT,
            "duplicate_url",
            format!("a website with url {url} already exists"),
        );
        error.body.field = Some("url".to_owned());
        error
    }

    /// 503: the database does not answer. The cause is logged, not returned.
    pub fn unavailable(cause: &(dyn StdError + 'static)) -> Self {
        tracing::warn!(error = %ErrorChain(cause), "Database unavailable");
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "service_unavailable",
            "the database is unavailable; try again shortly",
        )
    }

    /// 500: something unexpected. The cause is logged, not returned.
    pub fn internal(cause: &(dyn StdError + 'static)) -> Self {
        tracing::error!(error = %ErrorChain(cause), "Request failed");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal_error", "internal server error")
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}): {}", self.status, self.body.code, self.body.message)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status);
        if let Some(challenge) = &self.challenge {
            response.insert_header((actix_web::http::header::WWW_AUTHENTICATE, challenge.as_str()));
        }
        response.json(&self.body)
    }
}

impl From<CreateWebsiteError> for ApiError {
    fn from(error: CreateWebsiteError) -> Self {
        match &error {
            CreateWebsiteError::DuplicateUrl(url) => Self::duplicate_url(url),
            CreateWebsiteError::BlockedAddress(_) => Self::validation("url", &error),
            CreateWebsiteError::UnknownChannels(_) => Self::validation("alerts.channels", &error),
            CreateWebsiteError::Unavailable(_) => Self::unavailable(&error),
            CreateWebsiteError::Unknown(_) => Self::internal(&error),
        }
    }
}

impl From<ListWebsitesError> for ApiError {
    fn from(error: ListWebsitesError) -> Self {
        match &error {
            ListWebsitesError::Unavailable(_) => Self::unavailable(&error),
            ListWebsitesError::Unknown(_) => Self::internal(&error),
        }
    }
}

impl From<GetWebsiteError> for ApiError {
    fn from(error: GetWebsiteError) -> Self {
        match &error {
            GetWebsiteError::NotFound(id) => Self::website_not_found(&id.to_string()),
            GetWebsiteError::Unavailable(_) => Self::unavailable(&error),
            GetWebsiteError::Unknown(_) => Self::internal(&error),
        }
    }
}

impl From<UpdateWebsiteError> for ApiError {
    fn from(error: UpdateWebsiteError) -> Self {
        match &error {
            UpdateWebsiteError::NotFound(id) => Self::website_not_found(&id.to_string()),
            UpdateWebsiteError::DuplicateUrl(url) => Self::duplicate_url(url),
            UpdateWebsiteError::BlockedAddress(_) => Self::validation("url", &error),
            UpdateWebsiteError::UnknownChannels(_) => Self::validation("alerts.channels", &error),
            UpdateWebsiteError::Regions(regions) => Self::validation(regions.field(), regions),
            UpdateWebsiteError::ManagedByFile(owner) => Self::edit_of_managed(owner, &error),
            UpdateWebsiteError::Unavailable(_) => Self::unavailable(&error),
            UpdateWebsiteError::Unknown(_) => Self::internal(&error),
        }
    }
}

impl From<DeleteWebsiteError> for ApiError {
    fn from(error: DeleteWebsiteError) -> Self {
        match &error {
            DeleteWebsiteError::NotFound(id) => Self::website_not_found(&id.to_string()),
            DeleteWebsiteError::ManagedByFile(owner) => Self::deletion_of_managed(owner, &error),
            DeleteWebsiteError::Unavailable(_) => Self::unavailable(&error),
            DeleteWebsiteError::Unknown(_) => Self::internal(&error),
        }
    }
}

impl From<HistoryError> for ApiError {
    fn from(error: HistoryError) -> Self {
        match &error {
            HistoryError::NotFound(id) => Self::website_not_found(&id.to_string()),
            HistoryError::Unavailable(_) => Self::unavailable(&error),
            HistoryError::Unknown(_) => Self::internal(&error),
        }
    }
}

impl From<WebsiteStatusError> for ApiError {
    fn from(error: WebsiteStatusError) -> Self {
        match &error {
            WebsiteStatusError::NotFound(id) => Self::website_not_found(&id.to_string()),
            WebsiteStatusError::Unavailable(_) => Self::unavailable(&error),
            WebsiteStatusError::Unknown(_) => Self::internal(&error),
        }
    }
}

impl From<ListNodesError> for ApiError {
    fn from(error: ListNodesError) -> Self {
        match &error {
            ListNodesError::Unavailable(_) => Self::unavailable(&error),
            ListNodesError::Unknown(_) => Self::internal(&error),
        }
    }
}

impl From<AuthorizeError> for ApiError {
    fn from(error: AuthorizeError) -> Self {
        const REALM: &str = "Bearer realm=\"lookout\"";
        let (status, code, challenge) = match &error {
            AuthorizeError::MissingToken => {
                (StatusCode::UNAUTHORIZED, "unauthorized", REALM.to_owned())
            }
            AuthorizeError::UnknownToken => (
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                format!("{REALM}, error=\"invalid_token\""),
            ),
            AuthorizeError::InsufficientScope { required, .. } => (
                StatusCode::FORBIDDEN,
                "forbidden",
                format!("{REALM}, error=\"insufficient_scope\", scope=\"{required}\""),
            ),
            AuthorizeError::Unavailable(_) => return Self::unavailable(&error),
            AuthorizeError::Unknown(_) => return Self::internal(&error),
        };
        let mut api_error = Self::new(status, code, error.to_string());
        api_error.challenge = Some(challenge);
        api_error
    }
}

impl From<HealthError> for ApiError {
    fn from(error: HealthError) -> Self {
        Self::unavailable(&error)
    }
}

/// Maps JSON body failures: wrong content type → 415, too large → 413, not JSON → 400,
/// JSON of the wrong shape (unknown field, wrong type, missing field) → 422.
pub(crate) fn json_error_handler(error: JsonPayloadError, _: &HttpRequest) -> actix_web::Error {
    let api_error = match &error {
        JsonPayloadError::ContentType => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "request body must be JSON (Content-Type: application/json)",
        ),
        JsonPayloadError::Overflow { limit }
        | JsonPayloadError::OverflowKnownLength { limit, .. } => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("request body must be at most {limit} bytes"),
        ),
        JsonPayloadError::Deserialize(e) if e.is_data() => {
            let message = e.to_string();
            let mut api_error = ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
                message.clone(),
            );
            api_error.body.field = named_field(&message);
            api_error
        }
        JsonPayloadError::Deserialize(e) => {
            ApiError::new(StatusCode::BAD_REQUEST, "invalid_json", format!("malformed JSON: {e}"))
        }
        other => ApiError::new(StatusCode::BAD_REQUEST, "invalid_body", other.to_string()),
    };
    api_error.into()
}

/// The field serde names in "unknown field `x`" or "missing field `x`".
fn named_field(message: &str) -> Option<String> {
    ["unknown field `", "missing field `"].iter().find_map(|prefix| {
        let rest = &message[message.find(prefix)? + prefix.len()..];
        Some(rest[..rest.find('`')?].to_owned())
    })
}

/// A query string that does not fit the endpoint's parameters → 422.
pub(crate) fn query_error_handler(
    error: actix_web::error::QueryPayloadError,
    _: &HttpRequest,
) -> actix_web::Error {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
        format!("invalid query: {error}"),
    )
    .into()
}

/// 404 for any path lookout does not serve.
pub(crate) async fn not_found(request: HttpRequest) -> HttpResponse {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("no route for {}", request.path()))
        .error_response()
}

/// 405 for a known path with a method it does not take, with the `Allow` header (`allow`: the
/// methods the path takes, as `server.rs` registered them).
pub(crate) fn method_not_allowed(request: &HttpRequest, allow: &str) -> HttpResponse {
    let mut response = ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!("{} is not allowed on {}", request.method(), request.path()),
    )
    .error_response();
    if let Ok(allow) = actix_web::http::header::HeaderValue::from_str(allow) {
        response.headers_mut().insert(actix_web::http::header::ALLOW, allow);
    }
    response
}
