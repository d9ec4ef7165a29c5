//! Lowering: the `openapiv3` document to the [IR](crate::ir).
//!
//! The only stage after loading that reads `openapiv3`. `refs` is its
//! lookup service (it follows `$ref`s and reports dangling or looping
//! ones); `schema` lowers component and inline schemas to named types and
//! shapes; `operation` lowers paths to operations, naming the inline
//! schemas it meets after the operation. Constructs the generator cannot express become
//! [`Diagnostic`]s: an unsupported schema is kept as untyped JSON, an
//! unsupported operation is left out, and both are reported by pointer.

mod operation;
mod refs;
mod schema;

use crate::error::{Diagnostic, Error};
use crate::ir::{Api, Info};
use refs::Resolver;

/// An operation the generator could not express, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeftOut {
    /// The `operationId` (or a name made from method and path).
    pub id: String,
    /// JSON pointer to the operation.
    pub pointer: String,
    /// Why it was left out.
    pub reason: String,
}

/// What lowering produced.
#[derive(Debug, Clone)]
pub struct Lowered {
    /// The model of the API.
    pub api: Api,
    /// Operations that are not in the model.
    pub left_out: Vec<LeftOut>,
    /// Everything the generator worked around, in document order.
    pub diagnostics: Vec<Diagnostic>,
}

/// Lowers a whole document; `file` names it in messages.
pub fn lower(doc: &openapiv3::OpenAPI, file: &str) -> Result<Lowered, Error> {
    let resolver = Resolver::new(doc, file);
    let mut lowering = schema::Lowering::new(&resolver);
    lowering.lower_components()?;
    let (operations, left_out) = operation::lower_all(&mut lowering)?;
    let (types, diagnostics) = lowering.finish();
    let base_path = doc
        .servers
        .first()
        .map(|server| base_path_of(&server.url))
        .unwrap_or_default();
    let api = Api {
        info: Info {
            title: doc.info.title.clone(),
            version: doc.info.version.clone(),
            description: doc.info.description.clone(),
            license: doc
                .info
                .license
                .as_ref()
                .map(|license| license.name.clone()),
        },
        base_path,
        types,
        operations,
        error_types: Vec::new(),
        error_tables: Vec::new(),
    };
    Ok(Lowered {
        api,
        left_out,
        diagnostics,
    })
}

/// The path part of a server URL, without a trailing slash: `/api/v3/` and
/// `https://host/api/v3` both give `/api/v3`.
fn base_path_of(url: &str) -> String {
    let path = match url.find("://") {
        Some(scheme_end) => {
            let rest = &url[scheme_end + 3..];
            rest.find('/').map_or("", |slash| &rest[slash..])
        }
        None => url,
    };
    path.trim_end_matches('/').to_string()
}

#[cfg(test)]
mod tests {
    use super::base_path_of;

    #[test]
    fn base_path_drops_host_and_trailing_slash() {
        assert_eq!(base_path_of("/api/v3/"), "/api/v3");
        assert_eq!(base_path_of("/api/v3"), "/api/v3");
        assert_eq!(base_path_of("https://auth.example.com/api/v3/"), "/api/v3");
        assert_eq!(base_path_of("https://auth.example.com"), "");
        assert_eq!(base_path_of("/"), "");
    }
}
