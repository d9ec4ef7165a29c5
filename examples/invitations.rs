//! Lists invitations, creates one, clears its expiry with a PATCH, and walks
//! every invitation page by page.
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

    // ...then clear its expiry: `Null` sends `"expires": null`, and every
    // field left at its default is not sent at all.
    let updated = stages
        .invitation_invitations_partial_update(
            created.pk,
            &PatchedInvitationRequest {
                expires: Nullable::Null,
                ..Default::default()
            },
        )
        .await?;
    assert!(updated.expires.is_null());

    // Every invitation, fetched page by page as the stream is read.
    let mut all = stages.invitation_invitations_list_stream(&Default::default());
    while let Some(invitation) = all.next().await {
        let invitation = invitation?;
        println!("{}\t{}", invitation.pk, invitation.name);
    }
    Ok(())
}
