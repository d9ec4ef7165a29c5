//! The `error` module: the one error type every operation returns.
//!
//! The status code alone picks the variant. Each type an error response
//! declares (authentik: `ValidationError` for 400, `GenericError` for 403)
//! gets a variant named after it, holding the status and the decoded body;
//! every other status is kept whole (status, headers, raw body). Shapes are
//! never tried in turn: a 403 can never be mistaken for a 400.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::code;
use super::rust_type::ident;
use super::Selection;
use crate::ir::{Api, ErrorBody, Status, TypeId};
use crate::naming::{FixedErrorVariant, Names};

/// The `error` module's items.
pub fn error_module(api: &Api, names: &Names, selection: &Selection) -> TokenStream {
    let variants: Vec<(&TypeId, &String, &[Status])> = names
        .error_variants
        .iter()
        .zip(&api.error_types)
        .filter(|((id, _), _)| selection.types[id.0])
        .map(|((id, variant), error_type)| (id, variant, error_type.statuses.as_slice()))
        .collect();
    let features = selection.features.as_ref();
    let gate = |id: TypeId| features.and_then(|f| f.for_type(id));
    let typed = variants.iter().map(|(id, variant, statuses)| {
        let cfg = gate(**id);
        let variant = ident(variant);
        let ty = ident(&names.types[id.0]);
        let statuses: Vec<String> = statuses.iter().map(Status::to_string).collect();
        let statuses = statuses.join(" or ");
        let doc = format!(
            " The server answered {} with its {} body.",
            statuses,
            code(&names.types[id.0])
        );
        quote! {
            #[doc = #doc]
            #cfg
            #variant {
                /// The operation that got the answer (its operationId).
                operation: &'static str,
                /// The HTTP status code.
                status: u16,
                /// The decoded body.
                body: Box<super::types::#ty>,
            },
        }
    });
    let display_arms = variants.iter().map(|(id, variant, _)| {
        let cfg = gate(**id);
        let with_body = format!("status {{}} ({variant}): {{}}");
        let without_body = format!("status {{}} ({variant})");
        let variant = ident(variant);
        quote! {
            #cfg
            Self::#variant { status, body, .. } => match ::serde_json::to_string(body) {
                Ok(json) => ::core::write!(f, #with_body, status, json),
                Err(_) => ::core::write!(f, #without_body, status),
            },
        }
    });
    let status_arms = variants.iter().map(|(id, variant, _)| {
        let cfg = gate(**id);
        let variant = ident(variant);
        quote! { #cfg Self::#variant { status, .. } => Some(*status), }
    });
    let operation_arms = variants.iter().map(|(id, variant, _)| {
        let cfg = gate(**id);
        let variant = ident(variant);
        quote! { #cfg Self::#variant { operation, .. } => operation, }
    });
    let source_arms = variants.iter().map(|(id, variant, _)| {
        let cfg = gate(**id);
        let variant = ident(variant);
        quote! { #cfg Self::#variant { .. } => None, }
    });

    let fixed_variants = FixedErrorVariant::ALL.map(|variant| (variant, ident(variant.name())));
    let fixed = fixed_variants.iter().map(|(variant, name)| {
        let (doc, payload) = fixed_variant(*variant);
        let doc = doc.iter().map(|line| format!(" {line}"));
        quote! { #(#[doc = #doc])* #name(super::runtime::#payload), }
    });
    let fixed_status_arms = fixed_variants.iter().map(|(variant, name)| match variant {
        FixedErrorVariant::Status | FixedErrorVariant::Decode | FixedErrorVariant::TooLarge => {
            quote! { Self::#name(error) => Some(error.status()), }
        }
        FixedErrorVariant::Timeout | FixedErrorVariant::Transport | FixedErrorVariant::Request => {
            quote! { Self::#name(_) => None, }
        }
    });
    let fixed_operation_arms = fixed_variants.iter().map(|(_, name)| {
        quote! { Self::#name(error) => error.operation(), }
    });
    let fixed_display_arms = fixed_variants.iter().map(|(_, name)| {
        quote! { Self::#name(error) => ::core::fmt::Display::fmt(error, f), }
    });
    let fixed_source_arms = fixed_variants.iter().map(|(_, name)| {
        quote! { Self::#name(error) => Some(error), }
    });

    // Each table some selected operation uses, with the tags that use it.
    let mut tags_of: Vec<Vec<usize>> = vec![Vec::new(); api.error_tables.len()];
    let selected = api
        .operations
        .iter()
        .zip(&names.operations)
        .zip(&selection.operations)
        .filter(|(_, selected)| **selected)
        .map(|(operation, _)| operation);
    for (operation, op_names) in selected {
        let tags = &mut tags_of[operation.error_table];
        if !tags.contains(&op_names.tag) {
            tags.push(op_names.tag);
        }
    }
    let tables = api
        .error_tables
        .iter()
        .zip(&names.error_fns)
        .zip(tags_of)
        .filter(|(_, tags)| !tags.is_empty())
        .map(|((table, name), tags)| (table, name, tags));
    let functions = tables.map(|(table, name, mut tags)| {
        tags.sort_unstable();
        let cfg = features.and_then(|f| f.for_tags(&tags));
        error_fn(names, table, name, cfg)
    });

    quote! {
        /// What can go wrong calling an operation.
        ///
        /// The HTTP status code alone picks the variant: a declared error
        /// status decodes into its declared type, any other status is
        /// [`Error::Status`] with the raw response kept. Failures before a
        /// response are [`Error::Transport`], [`Error::Timeout`] or
        /// [`Error::Request`]; a body that does not decode is
        /// [`Error::Decode`], with the path where decoding failed, and one
        /// over the size limit is [`Error::TooLarge`].
        #[derive(Debug)]
        #[non_exhaustive]
        pub enum Error {
            #(#typed)*
            #(#fixed)*
        }

        impl Error {
            /// The HTTP status, when a response arrived.
            pub fn status(&self) -> Option<u16> {
                match self {
                    #(#status_arms)*
                    #(#fixed_status_arms)*
                }
            }

            /// The operation that failed (its operationId; empty for a
            /// request not built by an operation).
            pub fn operation(&self) -> &'static str {
                match self {
                    #(#operation_arms)*
                    #(#fixed_operation_arms)*
                }
            }
        }

        impl ::core::fmt::Display for Error {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                let operation = self.operation();
                if !operation.is_empty() {
                    ::core::write!(f, "{}: ", operation)?;
                }
                match self {
                    #(#display_arms)*
                    #(#fixed_display_arms)*
                }
            }
        }

        impl ::std::error::Error for Error {
            fn source(&self) -> Option<&(dyn ::std::error::Error + 'static)> {
                match self {
                    #(#source_arms)*
                    #(#fixed_source_arms)*
                }
            }
        }

        impl From<super::runtime::Failure> for Error {
            fn from(failure: super::runtime::Failure) -> Self {
                match failure {
                    super::runtime::Failure::Request(error) => Self::Request(error),
                    super::runtime::Failure::Transport(error) if error.is_timeout() => Self::Timeout(error),
                    super::runtime::Failure::Transport(error) => Self::Transport(error),
                    super::runtime::Failure::Decode(error) => Self::Decode(error),
                    super::runtime::Failure::TooLarge(error) => Self::TooLarge(error),
                }
            }
        }

        impl From<super::runtime::RequestError> for Error {
            fn from(error: super::runtime::RequestError) -> Self {
                Self::Request(error)
            }
        }

        #(#functions)*
    }
}

/// A fixed variant's documentation lines and the runtime type it carries.
fn fixed_variant(variant: FixedErrorVariant) -> (&'static [&'static str], proc_macro2::Ident) {
    let (doc, payload): (&[&str], _) = match variant {
        FixedErrorVariant::Status => (
            &[
                "A status the operation does not declare, kept whole: status,",
                "headers and raw body.",
            ],
            "StatusError",
        ),
        FixedErrorVariant::Decode => (
            &["A response whose body does not decode as declared."],
            "DecodeError",
        ),
        FixedErrorVariant::TooLarge => (
            &[
                "A response whose body is larger than the client reads",
                "([`ClientBuilder::max_response_bytes`](super::ClientBuilder::max_response_bytes)).",
            ],
            "TooLargeError",
        ),
        FixedErrorVariant::Timeout => (
            &["No response within the configured timeout."],
            "TransportError",
        ),
        FixedErrorVariant::Transport => (
            &["No response: the connection or TLS failed, or the server hung up."],
            "TransportError",
        ),
        FixedErrorVariant::Request => (
            &[
                "The request could not be built from the arguments (a header",
                "value with a line break, a path parameter of `..`, ...).",
            ],
            "RequestError",
        ),
    };
    (doc, format_ident!("{}", payload))
}

fn error_fn(
    names: &Names,
    table: &[ErrorBody],
    name: &str,
    cfg: Option<TokenStream>,
) -> TokenStream {
    let name = format_ident!("{}", name);
    let doc = if table.is_empty() {
        " The error of an operation that declares no error bodies.".to_string()
    } else {
        let parts: Vec<String> = table
            .iter()
            .map(|error| {
                format!(
                    "{} as {}",
                    error.status,
                    self::code(&names.types[error.body.0])
                )
            })
            .collect();
        let rest = if table.iter().any(|error| error.status == Status::Default) {
            ""
        } else {
            "; any other status is [`Error::Status`]"
        };
        format!(
            " The error of an operation that declares {}{rest}.",
            parts.join(" and ")
        )
    };
    let arms: Vec<(TokenStream, TokenStream)> = table
        .iter()
        .map(|error| {
            let variant = names.error_variant(error.body).map(ident);
            // A declared code means its body; a class or `default` also covers
            // answers the API did not write (a proxy's 502 page), which are
            // kept whole when they are not the declared body.
            let (pattern, status, otherwise) = match error.status {
                Status::Code(code) => {
                    let code = proc_macro2::Literal::u16_unsuffixed(code);
                    (
                        quote! { #code },
                        quote! { status: #code },
                        quote! { Err(failure) => failure.into(), },
                    )
                }
                Status::Range(class) => {
                    let low = proc_macro2::Literal::u16_unsuffixed(class * 100);
                    let high = proc_macro2::Literal::u16_unsuffixed(class * 100 + 99);
                    (
                        quote! { status @ #low..=#high },
                        quote! { status },
                        quote! { Err(_) => Error::Status(response.into_status_error()), },
                    )
                }
                Status::Default => (
                    quote! { status },
                    quote! { status },
                    quote! { Err(_) => Error::Status(response.into_status_error()), },
                ),
            };
            let decode = quote! {
                match response.json() {
                    Ok(body) => Error::#variant {
                        operation: response.operation(),
                        #status,
                        body: Box::new(body),
                    },
                    #otherwise
                }
            };
            (pattern, decode)
        })
        .collect();
    let catch_all = (!table.iter().any(|error| error.status == Status::Default))
        .then(|| quote! { _ => Error::Status(response.into_status_error()), });
    let body = match &arms[..] {
        [] => quote! { Error::Status(response.into_status_error()) },
        // `default` alone: every status is its body, no match needed.
        [(pattern, decode)] if catch_all.is_none() => quote! {
            let #pattern = response.status();
            #decode
        },
        arms => {
            let arms = arms
                .iter()
                .map(|(pattern, decode)| quote! { #pattern => #decode, });
            quote! {
                match response.status() {
                    #(#arms)*
                    #catch_all
                }
            }
        }
    };
    quote! {
        #[doc = #doc]
        #[doc(hidden)]
        #cfg
        pub fn #name(response: super::runtime::Response) -> Error {
            #body
        }
    }
}
