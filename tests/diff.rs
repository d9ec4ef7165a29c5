//! `authentik-codegen diff` on the real upgrades: 2024.8.3 -> 2025.6.4 ->
//! 2026.11.0-rc1. Each entry asserted here was checked by hand against the
//! two schemas.

use authentik_codegen::diff::{diff, ChangeKind, Report};
use authentik_codegen::Generator;
use test_support::shared;

fn upgrade(old: &str, new: &str) -> Option<Report> {
    let model = |release: &str| {
        let schema = shared::shared_file(&format!("schemas/authentik-{release}.yml"))?;
        Some(Generator::new(schema).model().expect("the schema models"))
    };
    Some(diff(&model(old)?, &model(new)?))
}

fn find<'a>(
    report: &'a Report,
    kind: ChangeKind,
    item: &str,
    detail: &str,
) -> &'a authentik_codegen::diff::Change {
    report
        .changes
        .iter()
        .find(|c| c.kind == kind && c.item == item && c.detail.contains(detail))
        .unwrap_or_else(|| panic!("no {kind:?} of {item} ({detail}) in:\n{}", report.to_text()))
}

#[test]
fn from_2024_8_3_to_2025_6_4() {
    let Some(report) = upgrade("2024.8.3", "2025.6.4") else {
        return;
    };
    // GET /admin/workers/ became a list in 2025 (`admin_workers_retrieve` ->
    // `admin_workers_list`): the old method is gone, the new one added.
    let removed = find(
        &report,
        ChangeKind::OperationRemoved,
        "client.admin().workers_retrieve",
        "GET /admin/workers/",
    );
    assert!(removed.breaking);
    let renamed = find(
        &report,
        ChangeKind::OperationAdded,
        "client.admin().workers_list",
        "GET /admin/workers/",
    );
    assert!(!renamed.breaking);
    // The RAC provider moved out of enterprise: its app label left AppEnum...
    let gone = find(
        &report,
        ChangeKind::EnumValueRemoved,
        "types::AppEnum",
        "\"authentik.enterprise.providers.rac\"",
    );
    assert!(gone.breaking);
    // ...and unique_password arrived; a new enum value breaks nothing.
    let added = find(
        &report,
        ChangeKind::EnumValueAdded,
        "types::AppEnum",
        "\"authentik.enterprise.policies.unique_password\"",
    );
    assert!(!added.breaking);
    // New filters on the LDAP source list are optional: not breaking.
    let filter = find(
        &report,
        ChangeKind::ParameterAdded,
        "client.sources().ldap_list",
        "query parameter `delete_not_found_objects`: bool",
    );
    assert!(!filter.breaking);
    assert_eq!(report.old_version, "2024.8.3");
    assert_eq!(report.new_version, "2025.6.4");
}

#[test]
fn from_2025_6_4_to_2026_11_0_rc1() {
    let Some(report) = upgrade("2025.6.4", "2026.11.0-rc1") else {
        return;
    };
    // flow_set disappears from the user_write request bodies.
    for item in [
        "types::UserWriteStageRequest::flow_set",
        "types::PatchedUserWriteStageRequest::flow_set",
    ] {
        let change = find(
            &report,
            ChangeKind::FieldRemoved,
            item,
            "Option<Vec<FlowSetRequest>>",
        );
        assert!(change.breaking);
    }
    let added = find(
        &report,
        ChangeKind::EnumValueAdded,
        "types::AppEnum",
        "\"authentik.commands\"",
    );
    assert!(!added.breaking);
    // An application's provider object becomes nullable.
    let nullable = find(
        &report,
        ChangeKind::FieldNullabilityChanged,
        "types::Application::provider_obj",
        "Provider -> Option<Provider>",
    );
    assert!(nullable.breaking);
    // The users list's `type` filter now uses the shared UserTypeEnum.
    let retyped = find(
        &report,
        ChangeKind::ParameterChanged,
        "client.core().users_list",
        "Vec<CoreUsersListTypeItem> -> optional Vec<UserTypeEnum>",
    );
    assert!(retyped.breaking);
    let counts = report.counts();
    assert!(counts[&ChangeKind::OperationAdded].0 > 100, "{counts:?}");
    assert_eq!(
        counts[&ChangeKind::OperationAdded].1,
        0,
        "adding operations breaks nothing"
    );
}
