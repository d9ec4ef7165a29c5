//! Decoding a large list response into the generated types, against
//! decoding the same bytes into `serde_json::Value`.

use authentik_client::types::PaginatedInvitationList;
use serde_json::{json, Value};

use crate::stats::Samples;

/// Decoding timings.
pub struct Decode {
    /// Invitations in the page.
    pub items: usize,
    /// Size of the page in bytes.
    pub bytes: usize,
    /// `serde_json::from_slice::<Value>`.
    pub value: Samples,
    /// `serde_json::from_slice::<PaginatedInvitationList>`.
    pub typed: Samples,
}

/// Times both decodings of one page of `items` invitations, alternating so
/// that machine noise hits both alike.
pub fn measure(items: usize, runs: usize) -> Decode {
    let bytes = page(items);
    // Both must succeed before timing means anything.
    let decoded: PaginatedInvitationList =
        serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(decoded.results.len(), items);
    let mut value = Vec::new();
    let mut typed = Vec::new();
    for _ in 0..runs.max(1) {
        value.extend(
            Samples::measure(1, false, || {
                serde_json::from_slice::<Value>(&bytes).map(drop)
            })
            .0,
        );
        typed.extend(
            Samples::measure(1, false, || {
                serde_json::from_slice::<PaginatedInvitationList>(&bytes).map(drop)
            })
            .0,
        );
    }
    Decode {
        items,
        bytes: bytes.len(),
        value: Samples(value),
        typed: Samples(typed),
    }
}

/// A page of `items` schema-valid invitations with varied content: some
/// expire and some do not, some have a flow and some do not.
fn page(items: usize) -> Vec<u8> {
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let results: Vec<Value> = (0..items)
        .map(|i| {
            let r = next();
            let uuid = format!("{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}", r as u32, (r >> 32) as u16, i % 4096, (r >> 48) % 4096, i);
            let when = format!("2030-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", r % 12 + 1, r % 28 + 1, r % 24, r % 60, (r >> 8) % 60, r % 1000);
            let has_flow = r % 3 != 0;
            let designation = ["authentication", "enrollment", "recovery"][(r % 3) as usize];
            let flow = json!({
                "pk": uuid,
                "policybindingmodel_ptr_id": uuid,
                "name": format!("Enrollment flow {i}"),
                "slug": format!("enrollment-{i}"),
                "title": "Welcome to authentik!",
                "designation": designation,
                "background": "/static/dist/assets/images/flow_background.jpg",
                "stages": [uuid, uuid],
                "policies": [],
                "cache_count": r % 10,
                "policy_engine_mode": "any",
                "compatibility_mode": false,
                "export_url": format!("/api/v3/flows/instances/enrollment-{i}/export/"),
                "layout": "stacked",
                "denied_action": "message_continue",
                "authentication": "none"
            });
            json!({
                "pk": uuid,
                "name": format!("invite-{i}"),
                "expires": if r % 4 == 0 { Value::Null } else { json!(when) },
                "fixed_data": {"username": format!("user-{i}"), "groups": ["staff", "vpn"], "quota": r % 100},
                "created_by": {
                    "pk": i,
                    "username": format!("admin{}", r % 50),
                    "name": "authentik Default Admin",
                    "is_active": true,
                    "last_login": when,
                    "email": format!("admin{}@example.com", r % 50),
                    "attributes": {"settings": {"locale": "en"}},
                    "uid": format!("{:064x}", r)
                },
                "single_use": r % 2 == 0,
                "flow": if has_flow { json!(uuid) } else { Value::Null },
                "flow_obj": if has_flow { flow } else { Value::Null }
            })
        })
        .collect();
    let page = json!({
        "pagination": {"next": 2, "previous": 0, "count": items, "current": 1, "total_pages": 2, "start_index": 1, "end_index": items},
        "results": results
    });
    serde_json::to_vec(&page).unwrap_or_default()
}
