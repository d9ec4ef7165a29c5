//! The checked-in client (`generated-client`, from the embedded schema)
//! against Prism on loopback. Prism runs with `--errors`, so a request that
//! does not match the schema fails; its answers, the examples and randomly
//! generated ones (`Prefer: dynamic=true`), must all decode.

use authentik_client::apis::stages::InvitationInvitationsListParams;
use authentik_client::types::{
    FlowDesignationEnum, FlowSetRequest, InvitationRequest, PatchedInvitationRequest,
    PatchedUserWriteStageRequest, PolicyEngineMode, UserCreationModeEnum, UserTypeEnum,
    UserWriteStageRequest,
};
use authentik_client::{Client, Error, Nullable};
use futures_util::StreamExt;
use prism::Prism;
use reqwest::header::{HeaderMap, HeaderValue};
use test_support::prism;

const UUID: &str = "3fa85f64-5717-4562-b3fc-2c963f66afa6";

fn prism() -> Option<Prism> {
    let schema = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/authentik.yml");
    Prism::start(
        &prism::corrected_schema(&schema, "embedded"),
        "embedded",
        true,
    )
}

/// A client for Prism that adds `Prefer: <prefer>` to every request.
fn client(prism: &Prism, prefer: Option<&str>) -> Client {
    let mut headers = HeaderMap::new();
    if let Some(prefer) = prefer {
        headers.insert("prefer", HeaderValue::from_str(prefer).expect("header"));
    }
    let http = authentik_client::http_client_builder()
        .pool_idle_timeout(std::time::Duration::from_secs(2))
        .default_headers(headers)
        .build()
        .expect("reqwest client");
    Client::builder(&prism.url)
        .api_prefix("")
        .token("a-test-token")
        .http_client(http)
        .build()
        .expect("client")
}

fn list_params() -> InvitationInvitationsListParams {
    InvitationInvitationsListParams {
        created_by_username: Some("akadmin".into()),
        expires: Some("2030-01-01T00:00:00Z".parse().expect("timestamp")),
        flow_slug: Some("default-enrollment-flow".into()),
        name: Some("invite".into()),
        ordering: Some("-expires".into()),
        page: Some(1),
        page_size: Some(20),
        search: Some("a b&c=d".into()),
    }
}

async fn seed_operations(client: &Client, round: &str) {
    let stages = client.stages();
    let uuid = UUID.parse().expect("uuid");
    let context = |operation: &str, error: Error| format!("{round}: {operation}: {error}");

    let page = stages
        .invitation_invitations_list(&list_params())
        .await
        .unwrap_or_else(|e| panic!("{}", context("list", e)));
    assert!(page.pagination.total_pages >= 0 || round.contains("dynamic"));
    stages
        .invitation_invitations_list(&InvitationInvitationsListParams::default())
        .await
        .unwrap_or_else(|e| panic!("{}", context("list without filters", e)));

    let mut fixed_data = serde_json::Map::new();
    fixed_data.insert("username".into(), serde_json::json!("new-user"));
    let created = stages
        .invitation_invitations_create(&InvitationRequest {
            name: "test-invite".into(),
            expires: Nullable::Value("2030-01-01T00:00:00Z".parse().expect("timestamp")),
            fixed_data: Some(fixed_data),
            single_use: Some(true),
            flow: Nullable::Value(uuid),
        })
        .await
        .unwrap_or_else(|e| panic!("{}", context("create", e)));
    let _ = created.pk;

    for (what, patch) in [
        (
            "set",
            PatchedInvitationRequest {
                expires: Nullable::Value("2031-01-01T00:00:00Z".parse().expect("timestamp")),
                name: Some("renamed".into()),
                ..Default::default()
            },
        ),
        (
            "clear",
            PatchedInvitationRequest {
                expires: Nullable::Null,
                flow: Nullable::Null,
                ..Default::default()
            },
        ),
        ("leave", PatchedInvitationRequest::default()),
    ] {
        stages
            .invitation_invitations_partial_update(uuid, &patch)
            .await
            .unwrap_or_else(|e| panic!("{}", context(&format!("partial update ({what})"), e)));
    }
    stages
        .invitation_invitations_retrieve(uuid)
        .await
        .unwrap_or_else(|e| panic!("{}", context("retrieve", e)));
    stages
        .invitation_invitations_update(
            uuid,
            &InvitationRequest {
                name: "replaced".into(),
                expires: Nullable::Null,
                fixed_data: None,
                single_use: None,
                flow: Nullable::Absent,
            },
        )
        .await
        .unwrap_or_else(|e| panic!("{}", context("update", e)));
    stages
        .invitation_invitations_destroy(uuid)
        .await
        .unwrap_or_else(|e| panic!("{}", context("destroy", e)));

    let flow = FlowSetRequest {
        name: "Enrollment".into(),
        slug: "enrollment".into(),
        title: "Welcome".into(),
        designation: FlowDesignationEnum::Enrollment,
        policy_engine_mode: Some(PolicyEngineMode::Any),
        compatibility_mode: Some(false),
        layout: None,
        denied_action: None,
    };
    stages
        .user_write_partial_update(
            uuid,
            &PatchedUserWriteStageRequest {
                flow_set: Some(vec![flow.clone()]),
                user_creation_mode: Some(UserCreationModeEnum::AlwaysCreate),
                create_users_group: Nullable::Null,
                user_type: Some(UserTypeEnum::External),
                ..Default::default()
            },
        )
        .await
        .unwrap_or_else(|e| panic!("{}", context("user_write partial update", e)));
    stages
        .user_write_retrieve(uuid)
        .await
        .unwrap_or_else(|e| panic!("{}", context("user_write retrieve", e)));
    stages
        .user_write_update(
            uuid,
            &UserWriteStageRequest {
                name: "write".into(),
                flow_set: Some(vec![flow]),
                user_creation_mode: None,
                create_users_as_inactive: Some(true),
                create_users_group: Nullable::Value(uuid),
                user_type: None,
                user_path_template: Some("users/%(slug)s".into()),
            },
        )
        .await
        .unwrap_or_else(|e| panic!("{}", context("user_write update", e)));
    stages
        .user_write_destroy(uuid)
        .await
        .unwrap_or_else(|e| panic!("{}", context("user_write destroy", e)));
}

/// One Prism for every scenario, one after the other: the machines this
/// runs on have two cores.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Prism; run with --include-ignored (the README's test command does)"]
async fn the_seed_operations_on_the_wire() {
    let Some(prism) = prism() else {
        return;
    };
    seed_operations_pass_prism_and_decode_its_answers(&prism).await;
    error_statuses_decode_into_their_declared_types(&prism).await;
    streams_walk_the_pages_and_stop(&prism).await;
}

async fn seed_operations_pass_prism_and_decode_its_answers(prism: &Prism) {
    seed_operations(&client(prism, None), "examples").await;
    let dynamic = client(prism, Some("dynamic=true"));
    for round in 1..=5 {
        seed_operations(&dynamic, &format!("dynamic round {round}")).await;
    }
}

async fn error_statuses_decode_into_their_declared_types(prism: &Prism) {
    for prefer in ["code=400", "code=400, dynamic=true"] {
        let error = client(prism, Some(prefer))
            .stages()
            .invitation_invitations_list(&list_params())
            .await
            .expect_err("a 400");
        match error {
            Error::ValidationError { status, body, .. } => {
                assert_eq!(status, 400);
                let _ = body.non_field_errors;
            }
            other => panic!("{prefer}: expected a ValidationError, got {other:?}"),
        }
    }
    for prefer in ["code=403", "code=403, dynamic=true"] {
        let error = client(prism, Some(prefer))
            .stages()
            .invitation_invitations_retrieve(UUID.parse().expect("uuid"))
            .await
            .expect_err("a 403");
        match error {
            // The status alone decides: a GenericError is never read as a
            // ValidationError, though every field of the latter is optional.
            Error::GenericError { status, body, .. } => {
                assert_eq!(status, 403);
                assert!(!body.detail.is_empty() || prefer.contains("dynamic"));
            }
            other => panic!("{prefer}: expected a GenericError, got {other:?}"),
        }
    }
}

async fn streams_walk_the_pages_and_stop(prism: &Prism) {
    // The example page says there is no next page: one page, one item.
    let items: Vec<_> = client(prism, None)
        .stages()
        .invitation_invitations_list_stream(&InvitationInvitationsListParams::default())
        .collect()
        .await;
    assert_eq!(items.len(), 1, "{items:?}");
    assert!(items[0].is_ok());
    // Random pages: whatever `next` says, the stream ends, and every item decodes.
    let dynamic = client(prism, Some("dynamic=true"));
    for _ in 0..5 {
        let items: Vec<_> = dynamic
            .stages()
            .invitation_invitations_list_stream(&InvitationInvitationsListParams::default())
            .take(200)
            .collect()
            .await;
        for item in items {
            item.expect("every generated item decodes");
        }
    }
}
