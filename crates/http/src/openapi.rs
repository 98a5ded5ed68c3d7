//! The OpenAPI 3 description of the whole API, generated from the handlers' annotations and
//! the DTOs' schemas (so it cannot drift from them), served at `GET /api/openapi.json`.

use actix_web::{HttpResponse, web};
use lookout_domain::IntervalBounds;
use utoipa::Number;
use utoipa::openapi::link::LinkBuilder;
use utoipa::openapi::schema::Schema;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi};

use crate::handlers::{
    acknowledge_incident, apply_document, create_channel, create_maintenance, create_status_page,
    create_website, delete_channel, delete_maintenance, delete_status_page, delete_website,
    export_document, get_certificate, get_channel, get_incident, get_maintenance, get_metrics,
    get_stats, get_status, get_status_page, get_website, health, list_channels, list_checks,
    list_deliveries, list_downtimes, list_incidents, list_maintenance, list_nodes, list_stats,
    list_status_pages, list_websites, retry_delivery, sla_report, test_channel, update_channel,
    update_maintenance, update_status_page, update_website,
};
use crate::state::ApiState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "lookout",
        description = "Website uptime monitor: websites, checks, downtime windows, statistics; \
            alerts: channels, incidents and their deliveries; maintenance windows; documents \
            (monitoring as code: apply, export)."
    ),
    modifiers(&BearerAuth, &OperationLinks),
    paths(
        health::handle,
        get_metrics::handle,
        list_websites::handle,
        create_website::handle,
        get_website::handle,
        update_website::handle,
        delete_website::handle,
        list_checks::handle,
        list_downtimes::handle,
        get_stats::handle,
        list_stats::handle,
        list_nodes::handle,
        get_status::handle,
        get_certificate::handle,
        sla_report::handle,
        list_status_pages::handle,
        create_status_page::handle,
        get_status_page::handle,
        update_status_page::handle,
        delete_status_page::handle,
        list_channels::handle,
        create_channel::handle,
        get_channel::handle,
        update_channel::handle,
        delete_channel::handle,
        test_channel::handle,
        list_incidents::handle,
        get_incident::handle,
        acknowledge_incident::handle,
        list_deliveries::handle,
        retry_delivery::handle,
        list_maintenance::handle,
        create_maintenance::handle,
        get_maintenance::handle,
        update_maintenance::handle,
        delete_maintenance::handle,
        apply_document::handle,
        export_document::handle,
        handle,
    ),
    // Referenced only through `value_type` (in query parameters and the channel bodies), so
    // not collected by themselves.
    components(schemas(
        get_stats::StatsWindow,
        crate::dto::IncidentState,
        crate::dto::DeliveryStatusBody,
        crate::dto::ChannelKindBody,
        crate::dto::ChannelConfigBody,
        crate::dto::ChannelIdBody,
        crate::dto::MaintenanceModeBody,
        export_document::ExportFormat,
    ))
)]
pub(crate) struct ApiDoc;

/// The spec itself.
#[utoipa::path(get, operation_id = "get_openapi", path = "/api/openapi.json", tag = "health",
    responses((status = 200, description = "This OpenAPI document")))]
pub(crate) async fn handle<W, C, I, M>(state: web::Data<ApiState<W, C, I, M>>) -> HttpResponse {
    let mut document = ApiDoc::openapi();
    with_interval_bounds(&mut document, state.interval_bounds);
    HttpResponse::Ok().json(document)
}

/// The document `GET /api/openapi.json` answers, as JSON text (for the web pages' API docs).
pub fn openapi_document(bounds: IntervalBounds) -> String {
    let mut document = ApiDoc::openapi();
    with_interval_bounds(&mut document, bounds);
    serde_json::to_string(&document).unwrap_or_default()
}

/// Writes the configured interval bounds into the website bodies' `check_interval`, so the
/// document says what this server accepts.
fn with_interval_bounds(document: &mut utoipa::openapi::OpenApi, bounds: IntervalBounds) {
    let Some(components) = document.components.as_mut() else { return };
    for body in ["CreateWebsiteRequest", "PatchWebsiteRequest"] {
        let Some(RefOr::T(Schema::Object(object))) = components.schemas.get_mut(body) else {
            continue;
        };
        if let Some(RefOr::T(Schema::Object(interval))) =
            object.properties.get_mut("check_interval")
        {
            interval.minimum = Some(Number::UInt(bounds.min_secs() as usize));
            interval.maximum = Some(Number::UInt(bounds.max_secs() as usize));
        }
    }
}

/// Documents the bearer tokens: the `bearer` scheme, the scope every `/api/...` operation needs
/// (read for GET, write otherwise), its 401 and 403 answers, and the optional token on `/metrics`.
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let scheme = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .description(Some(
                "A token with scope read (GET) or write (everything; implies read). Needed on \
                 /api/... once any token is configured; on /metrics when metrics.require_token.",
            ))
            .build();
        openapi
            .components
            .get_or_insert_with(Default::default)
            .add_security_scheme("bearer", SecurityScheme::Http(scheme));
        for (path, item) in &mut openapi.paths.paths {
            let is_metrics = path == "/metrics";
            if !(is_metrics || path.starts_with("/api/")) {
                continue;
            }
            let operations = [
                (&mut item.get, "read"),
                (&mut item.head, "read"),
                (&mut item.post, "write"),
                (&mut item.put, "write"),
                (&mut item.patch, "write"),
                (&mut item.delete, "write"),
            ];
            for (operation, scope) in operations {
                let Some(operation) = operation else { continue };
                let bearer = SecurityRequirement::new("bearer", [scope]);
                // /metrics: open unless metrics.require_token.
                operation.security = Some(if is_metrics {
                    vec![SecurityRequirement::default(), bearer]
                } else {
                    vec![bearer]
                });
                let responses = &mut operation.responses.responses;
                responses.entry("401".into()).or_insert_with(|| {
                    error_response("No bearer token, or one that is not valid").into()
                });
                if !is_metrics {
                    responses.entry("403".into()).or_insert_with(|| {
                        error_response("The token's scope does not allow this call").into()
                    });
                }
            }
        }
    }
}

/// Links from each created resource to the operations on it, so that clients (and
/// schemathesis's stateful phase) can follow a create with a get, a patch and a delete.
struct OperationLinks;

/// (create path, the parameter the others take, where it is in the 201 body, the operations).
/// A new site's certificate is not linked: there is none until its first HTTPS check.
const LINKS: &[(&str, &str, &str, &[&str])] = &[
    (
        "/api/websites",
        "id",
        "$response.body#/id",
        &[
            "get_website",
            "update_website",
            "delete_website",
            "get_status",
            "list_checks",
            "list_downtimes",
            "get_stats",
        ],
    ),
    (
        "/api/channels",
        "id",
        "$response.body#/id",
        &["get_channel", "update_channel", "delete_channel", "test_channel"],
    ),
    (
        "/api/maintenance",
        "id",
        "$response.body#/id",
        &["get_maintenance", "update_maintenance", "delete_maintenance"],
    ),
    (
        "/api/status-pages",
        "slug",
        "$response.body#/slug",
        &["get_status_page", "update_status_page", "delete_status_page"],
    ),
];

impl Modify for OperationLinks {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, parameter, source, targets) in LINKS {
            let Some(create) =
                openapi.paths.paths.get_mut(*path).and_then(|item| item.post.as_mut())
            else {
                continue;
            };
            let Some(RefOr::T(created)) = create.responses.responses.get_mut("201") else {
                continue;
            };
            for target in *targets {
                let link =
                    LinkBuilder::new().operation_id(*target).parameter(*parameter, *source).build();
                created.links.insert((*target).to_owned(), RefOr::T(link));
            }
        }
    }
}

fn error_response(description: &str) -> utoipa::openapi::Response {
    let content = ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build();
    ResponseBuilder::new().description(description).content("application/json", content).build()
}

#[cfg(test)]
mod tests {
    use utoipa::OpenApi;

    #[test]
    fn operation_ids_are_unique_and_path_ids_are_positive() {
        let spec = serde_json::to_value(super::ApiDoc::openapi()).unwrap();
        let mut ids = Vec::new();
        for (path, item) in spec["paths"].as_object().unwrap() {
            for (method, operation) in item.as_object().unwrap() {
                ids.push(operation["operationId"].as_str().unwrap().to_owned());
                for parameter in operation["parameters"].as_array().into_iter().flatten() {
                    if parameter["in"] == "path" && parameter["name"] == "id" {
                        assert_eq!(parameter["schema"]["minimum"], 1, "{method} {path}");
                    }
                }
            }
        }
        let count = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), count, "generated clients name their functions by operationId");
    }

    #[test]
    fn every_link_names_an_operation_that_takes_its_parameter() {
        let spec = serde_json::to_value(super::ApiDoc::openapi()).unwrap();
        let mut operations = std::collections::HashMap::new();
        for item in spec["paths"].as_object().unwrap().values() {
            for operation in item.as_object().unwrap().values() {
                operations.insert(
                    operation["operationId"].as_str().unwrap().to_owned(),
                    operation.clone(),
                );
            }
        }
        let mut links = 0;
        for (path, ..) in super::LINKS {
            let created = &spec["paths"][path]["post"]["responses"]["201"]["links"];
            for (name, link) in created.as_object().unwrap() {
                let target = &operations[link["operationId"].as_str().unwrap()];
                for parameter in link["parameters"].as_object().unwrap().keys() {
                    let takes = target["parameters"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|p| &p["name"] == parameter);
                    assert!(takes, "{path} → {name} passes {parameter}");
                }
                links += 1;
            }
        }
        assert_eq!(links, 17);
    }

    #[test]
    fn the_interval_bounds_are_the_configured_ones_and_patch_fields_are_not_nullable() {
        let mut document = super::ApiDoc::openapi();
        let bounds = lookout_domain::IntervalBounds::new(5, 900).unwrap();
        super::with_interval_bounds(&mut document, bounds);
        let spec = serde_json::to_value(document).unwrap();
        let schemas = &spec["components"]["schemas"];
        for body in ["CreateWebsiteRequest", "PatchWebsiteRequest"] {
            let interval = &schemas[body]["properties"]["check_interval"];
            assert_eq!((&interval["minimum"], &interval["maximum"]), (&5.into(), &900.into()));
            assert_eq!(schemas[body]["properties"]["url"]["maxLength"], 2048, "{body}");
            assert_eq!(schemas[body]["properties"]["name"]["maxLength"], 200, "{body}");
        }
        for field in ["url", "name", "enabled", "check_interval"] {
            let kind = &schemas["PatchWebsiteRequest"]["properties"][field]["type"];
            assert!(kind.is_string(), "{field} may not be null: {kind}");
        }
        let alerts = schemas["PatchWebsiteRequest"]["properties"]["alerts"].to_string();
        assert!(alerts.contains("null"), "alerts may be null: {alerts}");
    }

    #[test]
    fn statistics_take_a_region_and_say_their_uptime_basis() {
        let spec = serde_json::to_value(super::ApiDoc::openapi()).unwrap();
        for path in ["/api/websites/{id}/stats", "/api/stats", "/api/reports/sla"] {
            let parameters = spec["paths"][path]["get"]["parameters"].as_array().unwrap();
            let region = parameters.iter().find(|p| p["name"] == "region");
            assert!(region.is_some_and(|p| p["in"] == "query"), "{path} takes ?region=");
        }
        let schemas = &spec["components"]["schemas"];
        let basis = schemas["UptimeBasisBody"].to_string();
        assert!(basis.contains("windows") && basis.contains("checks"), "{basis}");
        for body in ["StatsBody", "SlaBody"] {
            let properties = &schemas[body]["properties"];
            assert!(properties["uptime_basis"].to_string().contains("UptimeBasisBody"), "{body}");
            assert!(properties["region"].is_object(), "{body}");
        }
    }
}
