//! `GET /api/stats?window=|from=&to=&limit=&cursor=&region=`: the statistics of every site, a
//! page of sites (by id) at a time, for dashboards (the sites' views, or one region's).

use actix_web::{HttpResponse, web};
use lookout_domain::WebsiteId;
use lookout_domain::website::WebsiteStats;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::get_stats::{StatsBody, StatsWindow, stats_range};
use super::history_query::{parse_limit, parse_region};
use crate::ApiError;
use crate::dto::WebsiteResponse;
use crate::state::ApiState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct AllStatsQuery {
    /// `24h`, `7d` or `30d` (default `24h` when neither window nor from is given).
    #[param(value_type = Option<StatsWindow>)]
    window: Option<String>,
    /// RFC 3339 start (instead of window).
    #[param(format = DateTime)]
    from: Option<String>,
    #[param(format = DateTime)]
    to: Option<String>,
    /// Sites per page, 1..=1000, default 100.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 1000)]
    limit: Option<String>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
    /// A region name: each site's figures as seen from that region (as on
    /// `/api/websites/{id}/stats`). Default: the sites' views (the regions' quorum).
    region: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
struct SiteStatsBody {
    website: WebsiteResponse,
    stats: StatsBody,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
struct StatsPageBody {
    items: Vec<SiteStatsBody>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    next_cursor: Option<String>,
}

fn parse_cursor(raw: &str) -> Result<WebsiteId, ApiError> {
    raw.parse::<i64>().ok().and_then(|id| WebsiteId::new(id).ok()).ok_or_else(|| {
        ApiError::validation("cursor", format!("cursor must be a next_cursor value, got {raw:?}"))
    })
}

#[utoipa::path(get, operation_id = "list_stats", path = "/api/stats", tag = "history",
    params(AllStatsQuery),
    responses((status = 200, description = "Statistics of a page of sites", body = StatsPageBody),
        (status = 422, description = "Bad parameter", body = crate::error::ErrorBody)))]
pub(crate) async fn handle<W: WebsiteStats, C, I, M>(
    state: web::Data<ApiState<W, C, I, M>>,
    query: web::Query<AllStatsQuery>,
) -> Result<HttpResponse, ApiError> {
    let (from, to) = stats_range(
        query.window.as_deref(),
        query.from.as_deref(),
        query.to.as_deref(),
        OffsetDateTime::now_utc(),
    )?;
    let limit = parse_limit(query.limit.as_deref())?;
    let after = query.cursor.as_deref().map(parse_cursor).transpose()?;
    let region = parse_region(query.region.as_deref())?;
    let page = state.websites.all_stats(from, to, after, limit, region.clone()).await?;
    let items = page
        .items
        .into_iter()
        .map(|(website, stats)| SiteStatsBody {
            stats: StatsBody::new(website.id, stats, region.as_ref()),
            website: WebsiteResponse::from(website),
        })
        .collect();
    let next_cursor = page.next.map(|id| id.get().to_string());
    Ok(HttpResponse::Ok().json(StatsPageBody { items, next_cursor }))
}
