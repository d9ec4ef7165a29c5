//! The authentik API client, generated from `schema/authentik.yml` by
//! `build.rs` on every build (set `AUTHENTIK_SCHEMA` to use another schema,
//! such as the one your authentik instance serves at `/api/v3/schema/`).
//!
//! The same client, generated ahead of time, is the `authentik-client`
//! crate in `generated-client/`; depend on that one to skip code generation
//! at build time.

#![forbid(unsafe_code)]

include!(concat!(env!("OUT_DIR"), "/lib.rs"));
