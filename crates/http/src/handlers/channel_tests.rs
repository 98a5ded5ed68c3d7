//! The channel endpoints over an in-memory `ChannelManagement`: masking, the `"***"` merge on
//! PATCH, another kind refused, 409 naming the sites, 409 `managed_by_file` for a channel a
//! document manages (`?force=true` overriding both), the test send's answer.

use std::sync::Mutex;

use actix_web::{App, test, web};
use lookout_domain::WebsiteId;
use lookout_domain::alerting::{
    Channel, ChannelConfig, ChannelId, ChannelManagement, ChannelPatch, CreateChannelError,
    DeleteChannelError, DeliveryId, GetChannelError, ListChannelsError, NewChannel, SendOutcome,
    TestChannelError, TestDelivery, UpdateChannelError,
};
use lookout_domain::manifest::{ItemKey, Managed, Owner};
use lookout_domain::website::FileGuard;
use serde_json::{Value, json};
use time::OffsetDateTime;

use super::{create_channel, delete_channel, get_channel, test_channel, update_channel};
use crate::state::ApiState;

/// Channels in memory; `in_use` names the sites whose policies use every channel.
#[derive(Debug, Default)]
struct MemoryChannels {
    stored: Mutex<Vec<Channel>>,
    in_use: Vec<WebsiteId>,
}

impl MemoryChannels {
    fn find(&self, id: ChannelId) -> Option<Channel> {
        self.stored.lock().unwrap().iter().find(|c| c.id == id).cloned()
    }
}

impl ChannelManagement for MemoryChannels {
    async fn create_channel(&self, new: NewChannel) -> Result<Channel, CreateChannelError> {
        let mut stored = self.stored.lock().unwrap();
        let now = OffsetDateTime::UNIX_EPOCH;
        let id = ChannelId::new(stored.len() as i64 + 1).unwrap();
        let channel = Channel {
            id,
            name: new.name,
            config: new.config,
            is_default: new.is_default,
            managed: None,
            created_at: now,
            updated_at: now,
        };
        stored.push(channel.clone());
        Ok(channel)
    }

    async fn list_channels(&self) -> Result<Vec<Channel>, ListChannelsError> {
        Ok(self.stored.lock().unwrap().clone())
    }

    async fn get_channel(&self, id: ChannelId) -> Result<Channel, GetChannelError> {
        self.find(id).ok_or(GetChannelError::NotFound(id))
    }

    async fn update_channel(
        &self,
        id: ChannelId,
        patch: ChannelPatch,
        guard: FileGuard,
    ) -> Result<Channel, UpdateChannelError> {
        let mut stored = self.stored.lock().unwrap();
        let channel =
            stored.iter_mut().find(|c| c.id == id).ok_or(UpdateChannelError::NotFound(id))?;
        if let (FileGuard::Respect, Some(managed)) = (guard, &channel.managed) {
            return Err(UpdateChannelError::ManagedByFile(managed.by.clone()));
        }
        if let Some(config) = patch.config {
            let (stored, sent) = (channel.config.kind(), config.kind());
            if stored != sent {
                return Err(UpdateChannelError::KindChange { stored, sent });
            }
            channel.config = config;
        }
        if let Some(name) = patch.name {
            channel.name = name;
        }
        if let Some(is_default) = patch.is_default {
            channel.is_default = is_default;
        }
        Ok(channel.clone())
    }

    async fn delete_channel(
        &self,
        id: ChannelId,
        force: bool,
        guard: FileGuard,
    ) -> Result<(), DeleteChannelError> {
        let channel = self.find(id).ok_or(DeleteChannelError::NotFound(id))?;
        if let (FileGuard::Respect, Some(managed)) = (guard, channel.managed) {
            return Err(DeleteChannelError::ManagedByFile(managed.by));
        }
        if !force && !self.in_use.is_empty() {
            return Err(DeleteChannelError::InUse { channel: id, websites: self.in_use.clone() });
        }
        self.stored.lock().unwrap().retain(|c| c.id != id);
        Ok(())
    }

    async fn test_channel(&self, id: ChannelId) -> Result<TestDelivery, TestChannelError> {
        self.find(id).ok_or(TestChannelError::NotFound(id))?;
        let outcome = SendOutcome::Reject { error: "HTTP 404".into(), status_code: Some(404) };
        Ok(TestDelivery { delivery: DeliveryId::new(7).unwrap(), outcome })
    }
}

type State = ApiState<(), MemoryChannels, (), ()>;

/// Sends one request to the channel routes over `channels`; status and JSON body.
async fn call(state: &web::Data<State>, request: test::TestRequest) -> (u16, Value) {
    let app = test::init_service(
        App::new()
            .app_data(state.clone())
            .app_data(web::JsonConfig::default().error_handler(crate::error::json_error_handler))
            .route(
                "/api/channels",
                web::post().to(create_channel::handle::<(), MemoryChannels, (), ()>),
            )
            .route(
                "/api/channels/{id}",
                web::get().to(get_channel::handle::<(), MemoryChannels, (), ()>),
            )
            .route(
                "/api/channels/{id}",
                web::patch().to(update_channel::handle::<(), MemoryChannels, (), ()>),
            )
            .route(
                "/api/channels/{id}",
                web::delete().to(delete_channel::handle::<(), MemoryChannels, (), ()>),
            )
            .route(
                "/api/channels/{id}/test",
                web::post().to(test_channel::handle::<(), MemoryChannels, (), ()>),
            ),
    )
    .await;
    let response = test::call_service(&app, request.to_request()).await;
    let status = response.status().as_u16();
    let bytes = test::read_body(response).await;
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

fn state(in_use: &[i64]) -> web::Data<State> {
    web::Data::new(ApiState {
        metrics: None,
        websites: (),
        channels: MemoryChannels {
            in_use: in_use.iter().map(|id| WebsiteId::new(*id).unwrap()).collect(),
            ..MemoryChannels::default()
        },
        incidents: (),
        maintenance: (),
        interval_bounds: lookout_domain::IntervalBounds::default(),
    })
}

async fn create_webhook(state: &web::Data<State>) -> Value {
    let body = json!({ "name": "ops", "kind": "webhook", "config": {
        "url": "https://hooks.example.com/x", "secret": "s3cret",
        "headers": { "Authorization": "Bearer t0ken" } } });
    let (status, channel) =
        call(state, test::TestRequest::post().uri("/api/channels").set_json(body)).await;
    assert_eq!(status, 201, "{channel}");
    channel
}

fn stored_webhook(state: &web::Data<State>) -> (String, Option<String>, Vec<(String, String)>) {
    let channel = state.channels.find(ChannelId::MIN).unwrap();
    let ChannelConfig::Webhook { url, secret, headers } = channel.config else {
        panic!("a webhook")
    };
    let headers = headers.into_iter().map(|h| (h.name, h.value.expose().to_owned())).collect();
    (url.as_str().to_owned(), secret.map(|s| s.expose().to_owned()), headers)
}

#[actix_web::test]
async fn secrets_are_masked_and_the_mask_keeps_them() {
    let state = state(&[]);
    let created = create_webhook(&state).await;
    assert_eq!(created["config"]["secret"], "***");
    assert_eq!(created["config"]["headers"], json!({ "Authorization": "***" }));
    assert!(!created.to_string().contains("s3cret") && !created.to_string().contains("t0ken"));

    let mut config = created["config"].clone();
    config["url"] = json!("https://hooks.example.com/new");
    let patch =
        test::TestRequest::patch().uri("/api/channels/1").set_json(json!({ "config": config }));
    let (status, patched) = call(&state, patch).await;
    assert_eq!(status, 200, "{patched}");
    assert_eq!(patched["config"]["secret"], "***");
    let (url, secret, headers) = stored_webhook(&state);
    assert_eq!(url, "https://hooks.example.com/new");
    assert_eq!(secret.as_deref(), Some("s3cret"));
    assert_eq!(headers, vec![("Authorization".to_owned(), "Bearer t0ken".to_owned())]);
    let (status, fetched) = call(&state, test::TestRequest::get().uri("/api/channels/1")).await;
    assert_eq!((status, fetched), (200, patched));
}

#[actix_web::test]
async fn another_kind_is_refused_naming_kind() {
    let state = state(&[]);
    create_webhook(&state).await;
    let body = json!({ "kind": "slack", "config": { "webhook_url": "https://hooks.slack.com/x" } });
    let patch = test::TestRequest::patch().uri("/api/channels/1").set_json(body);
    let (status, error) = call(&state, patch).await;
    assert_eq!((status, &error["field"]), (422, &json!("kind")), "{error}");
    // A body is an object: not its fields in order, not an empty array.
    for body in [json!([]), json!(["renamed"])] {
        let patch = test::TestRequest::patch().uri("/api/channels/1").set_json(body);
        assert_eq!(call(&state, patch).await.0, 422);
    }
    let missing =
        test::TestRequest::patch().uri("/api/channels/9").set_json(json!({ "kind": "slack" }));
    assert_eq!(call(&state, missing).await.0, 404);
}

#[actix_web::test]
async fn a_channel_in_use_is_409_naming_the_sites_unless_forced() {
    let state = state(&[3, 5]);
    create_webhook(&state).await;
    let (status, error) = call(&state, test::TestRequest::delete().uri("/api/channels/1")).await;
    assert_eq!(status, 409, "{error}");
    assert_eq!(error["code"], "channel_in_use");
    assert_eq!(error["websites"], json!([3, 5]));
    let bad = test::TestRequest::delete().uri("/api/channels/1?force=1");
    assert_eq!(call(&state, bad).await.0, 422);
    let bad = test::TestRequest::delete().uri("/api/channels/1?force=1");
    assert_eq!(call(&state, bad).await.1["field"], "force");
    let forced = test::TestRequest::delete().uri("/api/channels/1?force=true");
    assert_eq!(call(&state, forced).await, (204, Value::Null));
}

#[actix_web::test]
async fn the_test_send_answers_with_its_outcome() {
    let state = state(&[]);
    create_webhook(&state).await;
    let (status, answer) =
        call(&state, test::TestRequest::post().uri("/api/channels/1/test")).await;
    assert_eq!(status, 200);
    assert_eq!(
        answer,
        json!({ "delivery_id": 7, "status": "failed", "status_code": 404, "error": "HTTP 404" })
    );
    let (status, _) = call(&state, test::TestRequest::post().uri("/api/channels/x/test")).await;
    assert_eq!(status, 404);
}

#[actix_web::test]
async fn a_channel_a_document_manages_is_409_unless_forced_and_force_overrides_in_use_too() {
    let state = state(&[3]);
    let created = create_webhook(&state).await;
    assert_eq!((&created["managed_by"], &created["key"]), (&Value::Null, &Value::Null));
    state.channels.stored.lock().unwrap()[0].managed = Some(Managed {
        by: Owner::parse("file:alerts.yaml").unwrap(),
        key: ItemKey::parse("ops").unwrap(),
    });
    let (status, got) = call(&state, test::TestRequest::get().uri("/api/channels/1")).await;
    assert_eq!(
        (status, &got["managed_by"], &got["key"]),
        (200, &json!("file:alerts.yaml"), &json!("ops"))
    );
    let rename = || test::TestRequest::patch().set_json(json!({ "name": "renamed" }));
    let (status, error) = call(&state, rename().uri("/api/channels/1")).await;
    assert_eq!((status, &error["code"]), (409, &json!("managed_by_file")), "{error}");
    assert_eq!(error["managed_by"], "file:alerts.yaml");
    let (status, error) = call(&state, test::TestRequest::delete().uri("/api/channels/1")).await;
    assert_eq!((status, &error["code"]), (409, &json!("managed_by_file")), "{error}");
    let (status, renamed) = call(&state, rename().uri("/api/channels/1?force=true")).await;
    assert_eq!((status, &renamed["name"]), (200, &json!("renamed")), "{renamed}");
    let forced = test::TestRequest::delete().uri("/api/channels/1?force=true");
    assert_eq!(
        call(&state, forced).await,
        (204, Value::Null),
        "in use and managed: both overridden"
    );
}
