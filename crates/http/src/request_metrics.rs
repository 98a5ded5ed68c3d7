//! The middleware that counts and times every request (`lookout_http_requests_total`,
//! `lookout_http_request_duration_seconds`).

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;

/// Counts requests by method, route pattern (not the raw path: bounded cardinality) and status,
/// and times them.
pub(crate) async fn record_request_metrics(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let method = request.method().as_str().to_owned();
    let route = request.match_pattern().unwrap_or_else(|| "unmatched".to_owned());
    let response = next.call(request).await?;
    let status = response.status().as_u16().to_string();
    metrics::counter!(
        "lookout_http_requests_total",
        "method" => method.clone(),
        "route" => route.clone(),
        "status" => status
    )
    .increment(1);
    metrics::histogram!(
        "lookout_http_request_duration_seconds",
        "method" => method,
        "route" => route
    )
    .record(started.elapsed().as_secs_f64());
    Ok(response)
}
