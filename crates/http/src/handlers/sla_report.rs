//! `GET /api/reports/sla?from=&to=&target=99.9&format=json|csv&region=`: per site, uptime over
//! the range, downtime, and whether the target was missed (the sites' views, or one region's).

use actix_web::{HttpResponse, web};
use lookout_domain::history::{SlaEntry, SlaTarget};
use lookout_domain::website::{WebsiteManagement, WebsiteStats};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::get_stats::UptimeBasisBody;
use super::history_query::parse_region;
use crate::ApiError;
use crate::state::ApiState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct SlaQuery {
    /// RFC 3339 start (default: 30 days before `to`).
    #[param(format = DateTime)]
    from: Option<String>,
    /// RFC 3339 end (default now).
    #[param(format = DateTime)]
    to: Option<String>,
    /// Uptime target in percent, above 0 and at most 100 (default 99.9).
    target: Option<String>,
    /// `json` (default) or `csv`.
    format: Option<String>,
    /// A region name: each site's uptime from that region's checks (the percent of those made
    /// outside maintenance that were available), breached against it. Default: the sites'
    /// views (uptime from the quorum's downtime windows). The CSV's columns are the same.
    region: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
struct SlaSite {
    website_id: i64,
    name: String,
    url: String,
    /// On the report's `uptime_basis`. `windows`: `null` when the site did not exist during
    /// the range (or all of it was maintenance); `checks`: `null` when the region made no check
    /// outside maintenance. Maintenance is left out.
    uptime_percent: Option<f64>,
    /// Seconds, outside maintenance windows (the quorum's downtime windows, also with `region`).
    downtime: f64,
    /// Seconds inside maintenance windows.
    maintenance_seconds: f64,
    breached: bool,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
struct SlaBody {
    #[serde(with = "time::serde::rfc3339")]
    from: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    to: OffsetDateTime,
    target: f64,
    /// The region the report was seen from; `null`: the sites' views (the quorum's).
    region: Option<String>,
    /// What every `uptime_percent` was worked out from (`checks` with `region`).
    uptime_basis: UptimeBasisBody,
    sites: Vec<SlaSite>,
}

fn parse_instant(field: &'static str, raw: &str) -> Result<OffsetDateTime, ApiError> {
    OffsetDateTime::parse(raw, &Rfc3339).map_err(|_| {
        ApiError::validation(field, format!("{field} must be an RFC 3339 timestamp, got {raw:?}"))
    })
}

impl From<SlaEntry> for SlaSite {
    fn from(entry: SlaEntry) -> Self {
        Self {
            website_id: entry.website.id.get(),
            name: entry.website.name.as_str().to_owned(),
            url: entry.website.url.given().to_owned(),
            uptime_percent: entry.uptime_percent,
            downtime: entry.downtime.as_secs_f64(),
            maintenance_seconds: entry.maintenance.as_secs_f64(),
            breached: entry.breached,
        }
    }
}

/// One CSV field: quoted when it holds a separator, a quote or a line break; a leading
/// `= + - @` is defused so that spreadsheets do not run it as a formula.
fn csv_field(raw: &str) -> String {
    let defused =
        if raw.starts_with(['=', '+', '-', '@']) { format!("'{raw}") } else { raw.to_owned() };
    if defused.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", defused.replace('"', "\"\""))
    } else {
        defused
    }
}

fn to_csv(sites: &[SlaSite]) -> String {
    let mut out = String::from(
        "website_id,name,url,uptime_percent,downtime_seconds,breached,maintenance_seconds\n",
    );
    for site in sites {
        let uptime = site.uptime_percent.map(|u| format!("{u:.4}")).unwrap_or_default();
        out.push_str(&format!(
            "{},{},{},{uptime},{:.3},{},{:.3}\n",
            site.website_id,
            csv_field(&site.name),
            csv_field(&site.url),
            site.downtime,
            site.breached,
            site.maintenance_seconds
        ));
    }
    out
}

#[utoipa::path(get, operation_id = "sla_report", path = "/api/reports/sla", tag = "history", params(SlaQuery),
    responses((status = 200, description = "The report (JSON, or CSV with format=csv)", body = SlaBody),
        (status = 422, description = "Bad parameter", body = crate::error::ErrorBody)))]
pub(crate) async fn handle<W: WebsiteManagement + WebsiteStats, C, I, M>(
    state: web::Data<ApiState<W, C, I, M>>,
    query: web::Query<SlaQuery>,
) -> Result<HttpResponse, ApiError> {
    let now = OffsetDateTime::now_utc();
    let to = query.to.as_deref().map(|raw| parse_instant("to", raw)).transpose()?.unwrap_or(now);
    let from = match query.from.as_deref() {
        Some(raw) => parse_instant("from", raw)?,
        None => to - time::Duration::days(30),
    };
    if from > to {
        return Err(ApiError::validation("from", "from must not be after to"));
    }
    let target = match query.target.as_deref() {
        None => SlaTarget::default(),
        Some(raw) => {
            raw.parse::<f64>().ok().and_then(|t| SlaTarget::new(t).ok()).ok_or_else(|| {
                ApiError::validation(
                    "target",
                    format!("target must be a percentage above 0 and at most 100, got {raw:?}"),
                )
            })?
        }
    };
    let csv = match query.format.as_deref() {
        None | Some("json") => false,
        Some("csv") => true,
        Some(other) => {
            return Err(ApiError::validation(
                "format",
                format!("format must be json or csv, got {other:?}"),
            ));
        }
    };
    let region = parse_region(query.region.as_deref())?;
    let uptime_basis =
        if region.is_some() { UptimeBasisBody::Checks } else { UptimeBasisBody::Windows };
    let entries = state.websites.sla_report(from, to, target, region.clone()).await?;
    let sites: Vec<SlaSite> = entries.into_iter().map(SlaSite::from).collect();
    if csv {
        return Ok(HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header(("content-disposition", "attachment; filename=\"sla.csv\""))
            .body(to_csv(&sites)));
    }
    let region = region.map(|r| r.as_str().to_owned());
    Ok(HttpResponse::Ok().json(SlaBody {
        from,
        to,
        target: target.percent(),
        region,
        uptime_basis,
        sites,
    }))
}

#[cfg(test)]
mod tests {
    use super::csv_field;

    #[test]
    fn csv_fields_are_quoted_and_defused() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a, b"), "\"a, b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(csv_field("-1,2"), "\"'-1,2\"");
    }
}
