//! The generated crate's `mock` feature, used the way a downstream crate's
//! tests would: the code under test takes a `Client`, and the test gives it
//! one whose server answers the calls it was told to expect.

use authentik_client::apis::stages::InvitationInvitationsListParams;
use authentik_client::runtime::mock::MockServer;
use authentik_client::types::{InvitationRequest, PaginatedInvitationList, ValidationError};
use authentik_client::{Client, Error, Nullable};

/// Code a user might write: the names of the invitations matching `search`.
async fn invitation_names(client: &Client, search: &str) -> Result<Vec<String>, Error> {
    let params = InvitationInvitationsListParams {
        search: Some(search.into()),
        ..Default::default()
    };
    let page = client.stages().invitation_invitations_list(&params).await?;
    Ok(page.results.into_iter().map(|i| i.name).collect())
}

/// More of it: creates an invitation and says what the server called it.
async fn invite(client: &Client, name: &str) -> Result<String, Error> {
    let body = request(name);
    let created = client.stages().invitation_invitations_create(&body).await?;
    Ok(created.name)
}

fn request(name: &str) -> InvitationRequest {
    InvitationRequest {
        name: name.into(),
        expires: Nullable::Absent,
        fixed_data: None,
        single_use: None,
        flow: Nullable::Absent,
    }
}

fn invitation(name: &str) -> serde_json::Value {
    serde_json::json!({
        "pk": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "name": name,
        "created_by": {"pk": 1, "username": "u", "name": "n", "uid": "i"},
        "flow_obj": null
    })
}

fn page(names: &[&str]) -> PaginatedInvitationList {
    serde_json::from_value(serde_json::json!({
        "pagination": {"next": 0, "previous": 0, "count": names.len(), "current": 1,
                       "total_pages": 1, "start_index": 1, "end_index": names.len()},
        "results": names.iter().map(|name| invitation(name)).collect::<Vec<_>>(),
    }))
    .expect("a page")
}

#[tokio::test]
async fn the_code_under_test_gets_the_page_its_call_was_promised() {
    let server = MockServer::start().await.expect("mock server");
    let expected = InvitationInvitationsListParams {
        search: Some("onboarding".into()),
        ..Default::default()
    };
    server
        .on(server
            .client()
            .stages()
            .invitation_invitations_list(&expected))
        .times(1)
        .answers(&page(&["a", "b"]))
        .await;

    let names = invitation_names(server.client(), "onboarding")
        .await
        .expect("the promised page");
    assert_eq!(names, ["a", "b"]);

    // A call with other parameters was promised nothing: a 404.
    let error = invitation_names(server.client(), "other")
        .await
        .expect_err("not expected");
    assert_eq!(error.status(), Some(404), "{error:?}");
    server.verify().await;
}

#[tokio::test]
async fn a_body_is_part_of_the_expectation_and_errors_are_typed() {
    let server = MockServer::start().await.expect("mock server");
    let client = server.client().clone();
    let created: authentik_client::types::Invitation =
        serde_json::from_value(invitation("welcome")).expect("an invitation");
    server
        .on(client
            .stages()
            .invitation_invitations_create(&request("welcome")))
        .answers(&created)
        .await;
    let refusal: ValidationError =
        serde_json::from_value(serde_json::json!({"name": ["This field must be unique."]}))
            .expect("a validation error");
    server
        .on(client
            .stages()
            .invitation_invitations_create(&request("taken")))
        .fails(400, &refusal)
        .await;

    assert_eq!(
        invite(&client, "welcome").await.expect("created"),
        "welcome"
    );
    match invite(&client, "taken").await {
        Err(Error::ValidationError {
            status: 400, body, ..
        }) => {
            assert_eq!(*body, refusal);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
#[should_panic(expected = "Verifications failed")]
async fn an_expected_call_that_never_comes_fails_the_test() {
    let server = MockServer::start().await.expect("mock server");
    server
        .on(server
            .client()
            .stages()
            .invitation_invitations_list(&Default::default()))
        .times(1)
        .answers(&page(&[]))
        .await;
    server.verify().await;
}
