//! Lists invitations, creates one, changes it with a PATCH, fetches it
//! again with a timeout and header of its own, walks every invitation page
//! by page, and deletes the one it made. `scripts/test-all`
//! runs it against a real authentik.
//!
//! ```sh
//! AUTHENTIK_URL=https://authentik.example.com AUTHENTIK_TOKEN=... cargo run --example invitations
//! ```

use authentik::apis::stages::InvitationInvitationsListParams;
use authentik::types::{InvitationRequest, PatchedInvitationRequest};
use authentik::{Client, Error, Nullable};
use futures_util::StreamExt;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::var("AUTHENTIK_URL").map_err(|_| "set AUTHENTIK_URL")?;
    let token = std::env::var("AUTHENTIK_TOKEN").map_err(|_| "set AUTHENTIK_TOKEN")?;
    let client = Client::new(url, token)?;
    let stages = client.stages();

    // One page, filtered.
    let page = stages
        .invitation_invitations_list(&InvitationInvitationsListParams {
            search: Some("onboarding".into()),
            page_size: Some(20),
            ..Default::default()
        })
        .await?;
    println!("{} matching invitations", page.pagination.count);

    // Create one that expires...
    let created = match stages
        .invitation_invitations_create(&InvitationRequest {
            name: "onboarding-2030".into(),
            expires: Nullable::Value("2030-01-01T00:00:00Z".parse()?),
            fixed_data: None,
            single_use: Some(true),
            flow: Nullable::Absent,
        })
        .await
    {
        Ok(invitation) => invitation,
        // A 400 carries the server's message for each field.
        Err(Error::ValidationError { body, .. }) => {
            return Err(format!("authentik rejected the invitation: {body:?}").into())
        }
        Err(other) => return Err(other.into()),
    };
    println!("created {} ({})", created.name, created.pk);

    // ...then make it reusable and detach it from any flow: `Null` sends
    // `"flow": null`, and every field left at its default is not sent at
    // all. (Sending `"expires": null` would not clear the expiry: authentik
    // replaces a null expiry with its default token lifetime, now + 30 min.)
    let updated = stages
        .invitation_invitations_partial_update(
            created.pk,
            &PatchedInvitationRequest {
                single_use: Some(false),
                flow: Nullable::Null,
                ..Default::default()
            },
        )
        .await?;
    assert_eq!(updated.single_use, Some(false));
    assert!(updated.flow.is_null());
    assert_eq!(
        updated.name, created.name,
        "fields left out stay as they were"
    );

    // One call with its own timeout and request id, answering with the
    // response (status, headers, raw body) beside the decoded value.
    let answer = stages
        .invitation_invitations_retrieve(created.pk)
        .timeout(std::time::Duration::from_secs(5))
        .header("X-Request-Id", "invitations-example")
        .with_response()
        .await?;
    assert_eq!(answer.value.pk, created.pk);
    println!(
        "fetched it again: status {}, {} body bytes, {:?}",
        answer.status,
        answer.body.len(),
        answer.headers.get("content-type")
    );

    // Every invitation, fetched page by page as the stream is read.
    let mut all = stages.invitation_invitations_list_stream(&Default::default());
    while let Some(invitation) = all.next().await {
        let invitation = invitation?;
        println!("{}\t{}", invitation.pk, invitation.name);
    }

    stages.invitation_invitations_destroy(created.pk).await?;
    Ok(())
}
