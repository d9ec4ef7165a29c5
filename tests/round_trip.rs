//! Payloads survive decode then encode unchanged in the checked-in client
//! (`generated-client`, from the embedded schema): the seed pages' examples,
//! and the edge cases a careful client must get right.

use authentik_client::types::{
    FlowDesignationEnum, GenericError, Invitation, InvitationRequest, PaginatedInvitationList,
    PatchedInvitationRequest, PatchedUserWriteStageRequest, UserTypeEnum, ValidationError,
};
use authentik_client::Nullable;
use serde_json::{json, Value};
use test_support::shared;

fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(value: &Value) -> T {
    let typed: T = serde_json::from_value(value.clone())
        .unwrap_or_else(|e| panic!("{e} while decoding {value}"));
    let back = serde_json::to_value(&typed).expect("encodes");
    assert_eq!(&back, value, "decode then encode changed the payload");
    typed
}

fn flow() -> Value {
    json!({
        "pk": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
        "policybindingmodel_ptr_id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
        "name": "string",
        "slug": "string",
        "title": "string",
        "designation": "authentication",
        "background": "string",
        "stages": ["3fa85f64-5717-4562-b3fc-2c963f66afa6"],
        "policies": ["3fa85f64-5717-4562-b3fc-2c963f66afa6"],
        "cache_count": 0,
        "policy_engine_mode": "all",
        "compatibility_mode": true,
        "export_url": "string",
        "layout": "stacked",
        "denied_action": "message_continue",
        "authentication": "none"
    })
}

fn invitation() -> Value {
    json!({
        "pk": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
        "name": "string",
        "expires": "2024-07-29T15:51:28.071Z",
        "fixed_data": {},
        "created_by": {
            "pk": 0,
            "username": "string",
            "name": "string",
            "is_active": true,
            "last_login": "2024-07-29T15:51:28.071Z",
            "email": "user@example.com",
            "attributes": {},
            "uid": "string"
        },
        "single_use": true,
        "flow": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
        "flow_obj": flow()
    })
}

/// The JSON examples of a seed page: each `{` at the start of a line opens
/// one, which ends where its braces balance.
fn seed_examples(page: &str) -> Option<Vec<Value>> {
    let path = shared::shared_file(&format!("seeds/{page}"))?;
    let text = std::fs::read_to_string(path).expect("seed page reads");
    let mut examples = Vec::new();
    let mut rest = text.as_str();
    while let Some(start) = rest.find("\n{\n") {
        let block = &rest[start + 1..];
        let end = balanced_end(block).expect("seed example closes");
        examples.push(serde_json::from_str(&block[..end]).expect("seed example is JSON"));
        rest = &block[end..];
    }
    Some(examples)
}

/// The length of the JSON object at the start of `text`.
fn balanced_end(text: &str) -> Option<usize> {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for (index, c) in text.char_indices() {
        match (in_string, escaped, c) {
            (true, true, _) => escaped = false,
            (true, false, '\\') => escaped = true,
            (true, false, '"') => in_string = false,
            (true, false, _) => {}
            (false, _, '"') => in_string = true,
            (false, _, '{') => depth += 1,
            (false, _, '}') => {
                depth -= 1;
                if depth == 0 {
                    return Some(index + 1);
                }
            }
            _ => {}
        }
    }
    None
}

#[test]
fn seed_page_examples_round_trip() {
    let Some(list) = seed_examples("stages_invitation_invitations_list.txt") else {
        return;
    };
    let page: PaginatedInvitationList = round_trip(&list[0]);
    assert_eq!(page.results.len(), 1);
    assert_eq!(
        page.results[0]
            .flow_obj
            .as_ref()
            .expect("flow_obj")
            .designation,
        FlowDesignationEnum::Authentication
    );
    let _: ValidationError = round_trip(&list[1]);
    let _: GenericError = round_trip(&list[2]);

    for page in [
        "stages_invitation_invitations_partial_update.txt",
        "stages_invitation_invitations_partial_update-detailed.txt",
    ] {
        let Some(examples) = seed_examples(page) else {
            return;
        };
        let invitation: Invitation = round_trip(&examples[0]);
        assert_eq!(
            invitation.created_by.email.as_deref(),
            Some("user@example.com")
        );
        let _: ValidationError = round_trip(&examples[1]);
        let _: GenericError = round_trip(&examples[2]);
    }

    let Some(user_write) = seed_examples("stages_user_write_partial_update.txt") else {
        return;
    };
    let request: PatchedUserWriteStageRequest =
        round_trip(user_write.last().expect("the request example"));
    let flow_set = request.flow_set.expect("flow_set");
    assert_eq!(flow_set[0].designation, FlowDesignationEnum::Authentication);
    assert_eq!(request.user_type, Some(UserTypeEnum::Internal));
}

#[test]
fn create_request_example_round_trips() {
    let request: InvitationRequest = round_trip(&json!({
        "name": "string",
        "expires": "2024-07-29T15:51:28.071Z",
        "fixed_data": {},
        "single_use": true,
        "flow": "3fa85f64-5717-4562-b3fc-2c963f66afa6"
    }));
    assert_eq!(request.name, "string");
    assert!(matches!(request.expires, Nullable::Value(_)));
}

#[test]
fn patch_bodies_say_leave_clear_or_set() {
    let untouched = PatchedInvitationRequest::default();
    assert_eq!(
        serde_json::to_value(&untouched).expect("encodes"),
        json!({})
    );

    let clear = PatchedInvitationRequest {
        expires: Nullable::Null,
        ..Default::default()
    };
    assert_eq!(
        serde_json::to_string(&clear).expect("encodes"),
        r#"{"expires":null}"#
    );

    let set = PatchedInvitationRequest {
        expires: Nullable::Value("2030-01-01T00:00:00Z".parse().expect("timestamp")),
        flow: Nullable::Null,
        ..Default::default()
    };
    assert_eq!(
        serde_json::to_value(&set).expect("encodes"),
        json!({"expires": "2030-01-01T00:00:00Z", "flow": null})
    );

    for (payload, check) in [
        (json!({}), Nullable::<()>::Absent),
        (json!({"expires": null}), Nullable::Null),
        (
            json!({"expires": "2030-01-01T00:00:00Z"}),
            Nullable::Value(()),
        ),
    ] {
        let decoded: PatchedInvitationRequest = round_trip(&payload);
        assert_eq!(decoded.expires.map(|_| ()), check, "{payload}");
    }
}

#[test]
fn expires_null_and_absent_stay_distinct_in_responses() {
    let mut value = invitation();
    value["expires"] = Value::Null;
    let invitation_null: Invitation = round_trip(&value);
    assert!(invitation_null.expires.is_null());
    value.as_object_mut().expect("object").remove("expires");
    let invitation_absent: Invitation = round_trip(&value);
    assert!(invitation_absent.expires.is_absent());
}

#[test]
fn unknown_enum_values_from_a_newer_server_are_kept() {
    let mut value = invitation();
    value["flow_obj"]["designation"] = json!("a_designation_from_2030");
    value["flow_obj"]["layout"] = json!("");
    let invitation: Invitation = round_trip(&value);
    assert_eq!(
        invitation.flow_obj.expect("flow_obj").designation,
        FlowDesignationEnum::Unknown("a_designation_from_2030".into())
    );
}

#[test]
fn an_invitation_without_a_flow_decodes_thanks_to_the_shipped_override() {
    let mut value = invitation();
    value["flow"] = Value::Null;
    value["flow_obj"] = Value::Null;
    let invitation: Invitation = round_trip(&value);
    assert!(invitation.flow.is_null());
    assert!(invitation.flow_obj.is_none());
}

#[test]
fn fixed_data_keeps_nested_values() {
    let mut value = invitation();
    value["fixed_data"] = json!({
        "username": "new-user",
        "attributes": {"groups": ["a", "b"], "quota": 1.5, "nested": {"deep": [null, true, {"x": 1}]}},
        "empty": {}
    });
    let invitation: Invitation = round_trip(&value);
    let fixed = invitation.fixed_data.expect("fixed_data");
    assert_eq!(fixed["attributes"]["nested"]["deep"][2]["x"], json!(1));
}

#[test]
fn validation_errors_keep_their_field_errors() {
    let value = json!({
        "name": ["This field may not be blank."],
        "expires": ["Datetime has wrong format."],
        "non_field_errors": ["Invalid data."],
        "code": "invalid"
    });
    let error: ValidationError = round_trip(&value);
    assert_eq!(
        error.additional_properties["name"],
        json!(["This field may not be blank."])
    );
    assert_eq!(
        error.non_field_errors,
        Some(vec!["Invalid data.".to_string()])
    );
}

/// Structs decode through a hand-written `Deserialize` (serde's derive
/// costs too much compile time for a thousand types); it must keep the
/// derive's contract.
#[test]
fn objects_decode_as_the_serde_derive_would() {
    let mut value = invitation();
    // A property a newer server adds is skipped; an escaped key is the same key.
    value["added_by_a_newer_server"] = json!({"nested": [1, 2]});
    let renamed = value.as_object_mut().unwrap().remove("name").unwrap();
    let text = serde_json::to_string(&value).unwrap();
    let text = text.replacen('{', &format!(r#"{{"n\u0061me":{renamed},"#), 1);
    let decoded: Invitation = serde_json::from_str(&text).expect("decodes");
    assert_eq!(decoded.name, "string");

    // A missing required property is named; a missing required, nullable
    // one is `None`; a missing optional one is absent.
    let mut missing = invitation();
    missing.as_object_mut().unwrap().remove("pk");
    let error = serde_json::from_value::<Invitation>(missing).unwrap_err();
    assert_eq!(error.to_string(), "missing field `pk`");
    let mut sparse = invitation();
    for key in ["flow_obj", "expires", "single_use"] {
        sparse.as_object_mut().unwrap().remove(key);
    }
    let sparse: Invitation = serde_json::from_value(sparse).expect("decodes");
    assert_eq!(sparse.flow_obj, None);
    assert_eq!(sparse.expires, Nullable::Absent);
    assert_eq!(sparse.single_use, None);

    // A property given twice, a value of the wrong type and an array in
    // place of the object are errors that say what they are.
    let twice = text.replacen('{', r#"{"pk":"3fa85f64-5717-4562-b3fc-2c963f66afa6","#, 1);
    let error = serde_json::from_str::<Invitation>(&twice).unwrap_err();
    assert!(
        error.to_string().starts_with("duplicate field `pk`"),
        "{error}"
    );
    let error = serde_json::from_str::<Invitation>("[]").unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("invalid type: sequence, expected struct Invitation"),
        "{error}"
    );
    let error = serde_json::from_value::<Invitation>(json!({"pk": 7})).unwrap_err();
    assert!(
        error.to_string().starts_with("invalid type: integer `7`"),
        "{error}"
    );
}
