//! The `apis` module: a module per tag, a method per operation.
//!
//! `client.stages()` gives the `stages` tag's operations. Each method takes
//! its path parameters in template order, then a `...Params` struct with
//! the query, header and cookie parameters (with `Default` when all are
//! optional), then the body; it builds the request and returns a
//! `runtime::Call`, which sends it when awaited and gives the success type
//! or the crate's `Error`, chosen by status code. A paginated list also
//! gets a `..._stream` method that walks every page.
//!
//! The methods are not `async`: one generic future in the runtime does the
//! sending for all of them, so the crate compiles no state machine per
//! operation, and a response type's decoding is compiled only where a
//! program awaits an operation that returns it. The methods, their request
//! builders and the by-status decoders are `#[inline]` for the same reason:
//! rustc then generates machine code for an operation (and for the
//! serialization of its body) only in a program that calls it, so the
//! client crate's own build compiles none of the 1,000-odd it defines.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::docs::{self, code, DocBuilder};
use super::rust_type::{ident, scalar_type, TypeWriter};
use super::Selection;
use crate::ir::Paging;
use crate::ir::{
    Api, Auth, Content, Operation, ParamLocation, ParamStyle, Parameter, Returns, Scalar, Shape,
    Status,
};
use crate::naming::{Identifier, Names, OperationNames};

/// What an operation module needs to know about its surroundings.
struct Ctx<'a> {
    api: &'a Api,
    names: &'a Names,
    writer: TypeWriter<'a>,
    /// Whether the module imports the crate's `Error` (doc links need a
    /// path to it when it does not, and must not have one when it does).
    error_in_scope: bool,
}

/// The items of one tag's module. It imports `error`, `runtime`, and when
/// its code names them `types` and `Error` from the crate root, so the code
/// below reads `types::Invitation`, `runtime::Request`.
pub fn tag_module(api: &Api, names: &Names, selection: &Selection, tag: usize) -> TokenStream {
    let types_path = quote! { types:: };
    let types_used = std::cell::Cell::new(false);
    let in_module =
        |index: &usize| names.operations[*index].tag == tag && selection.operations[*index];
    let error_in_scope = (0..api.operations.len())
        .filter(in_module)
        .any(|index| names_error(&names.operations[index]));
    let ctx = Ctx {
        api,
        names,
        writer: TypeWriter::recording(names, &types_path, &types_used),
        error_in_scope,
    };
    let tag_names = &names.tags[tag];
    let api_struct = ident(&tag_names.api);
    let accessor = ident(&tag_names.accessor);
    let label = tag_names.tag.as_deref().map_or_else(
        || "without a tag".to_string(),
        |t| format!("tagged {}", code(t)),
    );
    let struct_doc = format!(
        " The operations {label}; reach them with `client.{}()`.",
        tag_names.accessor
    );
    let accessor_doc = format!(" The operations {label}.");

    let mut params_structs = Vec::new();
    let mut methods = Vec::new();
    for index in (0..api.operations.len()).filter(in_module) {
        let operation = &api.operations[index];
        let generated = operation_items(&ctx, operation, &names.operations[index], &tag_names.api);
        params_structs.extend(generated.types);
        methods.push(generated.methods);
    }

    let types = types_used.get().then(|| quote! { types, });
    let error = error_in_scope.then(|| quote! { Error, });
    let imports = quote! { use super::super::{error, runtime, #types #error}; };
    quote! {
        #imports

        #[doc = #struct_doc]
        #[derive(Debug, Clone, Copy)]
        pub struct #api_struct<'a> {
            client: &'a runtime::Client,
        }

        impl runtime::Client {
            #[doc = #accessor_doc]
            pub fn #accessor(&self) -> #api_struct<'_> {
                #api_struct { client: self }
            }
        }

        #(#params_structs)*

        impl<'a> #api_struct<'a> {
            #(#methods)*
        }
    }
}

/// The code one operation contributes.
struct OperationItems {
    /// Its params struct and response enum, when it has them.
    types: Vec<TokenStream>,
    methods: TokenStream,
}

/// What a paginated operation's stream method is built from.
struct Streamed<'o> {
    paging: &'o Paging,
    request_fn: &'o Identifier,
    stream: &'o Identifier,
    params_struct: &'o str,
}

/// The stream of a paginated operation, if it has one. Paging needs the
/// `page` query parameter, so there is a params struct.
fn streamed<'o>(op: &'o Operation, names: &'o OperationNames) -> Option<Streamed<'o>> {
    Some(Streamed {
        paging: op.paging.as_ref()?,
        request_fn: names.request_fn.as_ref()?,
        stream: names.stream.as_ref()?,
        params_struct: names.params_struct.as_deref()?,
    })
}

/// Whether an operation's code names the crate's `Error`: a response enum's
/// decoder does; a `Call` or `Pages` implies it for the rest.
fn names_error(names: &OperationNames) -> bool {
    names.response_enum.is_some()
}

/// A function argument of the operation's method.
struct Argument {
    name: Ident,
    ty: TokenStream,
}

fn operation_items(
    ctx: &Ctx<'_>,
    op: &Operation,
    names: &OperationNames,
    api_struct: &str,
) -> OperationItems {
    let method = ident(&names.method);

    // Arguments: path parameters, the params struct, the body.
    let mut arguments = Vec::new();
    let mut path_args = Vec::new();
    for (parameter, name) in op.parameters.iter().zip(&names.parameters) {
        if parameter.location == ParamLocation::Path {
            let (ty, by_ref) = path_argument_type(ctx, &parameter.shape);
            path_args.push((ident(name), by_ref, parameter));
            arguments.push(Argument {
                name: ident(name),
                ty,
            });
        }
    }
    let params_struct = names.params_struct.as_ref().map(|struct_name| {
        let struct_ident = ident(struct_name);
        arguments.push(Argument {
            name: ident("params"),
            ty: quote! { &#struct_ident },
        });
        params_struct_item(ctx, op, names, struct_name, api_struct)
    });
    let body = op
        .body
        .as_ref()
        .map(|body| body_argument(ctx, &body.content));
    if let Some((ty, _)) = &body {
        arguments.push(Argument {
            name: ident("body"),
            ty: ty.clone(),
        });
    }

    // Building the request.
    let method_token = ident(op.method.as_str());
    let path = path_expression(&op.path, &path_args);
    let accept = op.returns().accept();
    let auth = auth_expression(&op.auth);
    let mut statements = Vec::new();
    for (parameter, name) in op.parameters.iter().zip(&names.parameters) {
        if parameter.location != ParamLocation::Path {
            statements.push(parameter_statement(ctx, parameter, &ident(name)));
        }
    }
    if let Some((_, statement)) = &body {
        statements.push(statement.clone());
    }
    let operation_id = &op.id;
    let template = &op.path;
    let new_request = quote! {
        runtime::Request::operation(#operation_id, ::reqwest::Method::#method_token, #template, #path, #accept, #auth)
    };
    // Statements that build `request`, and the expression that is then the
    // request: with no parameter to add, the constructor alone.
    let (build, request) = if statements.is_empty() {
        (TokenStream::new(), new_request)
    } else {
        let build = quote! {
            let mut request = #new_request;
            #(#statements)*
        };
        (build, quote! { request })
    };

    // Sending it and reading the response: the runtime's one `Call`, its
    // decoder picked by type.
    let return_type = call_type(ctx, op, names);
    let error_fn = ident(&ctx.names.error_fns[op.error_table]);
    let doc = method_docs(ctx, op).to_tokens();
    let argument_list: Vec<TokenStream> = arguments
        .iter()
        .map(|Argument { name, ty }| quote! { #name: #ty })
        .collect();

    let methods = match streamed(op, names) {
        Some(Streamed {
            paging,
            request_fn,
            stream,
            params_struct,
        }) => {
            let request_fn = ident(request_fn);
            let stream = ident(stream);
            let params_struct = ident(params_struct);
            let argument_names: Vec<&Ident> = arguments.iter().map(|a| &a.name).collect();
            let stream_method = stream_method(
                ctx,
                op,
                names,
                paging,
                &StreamParts {
                    method: &method,
                    request_fn: &request_fn,
                    stream: &stream,
                    params_struct: &params_struct,
                    path_args: &path_args,
                    arguments: &argument_list,
                    error_fn: &error_fn,
                },
            );
            quote! {
                #[inline]
                fn #request_fn(#(#argument_list),*) -> runtime::Request {
                    #build
                    #request
                }

                #doc
                #[inline]
                pub fn #method(&self, #(#argument_list),*) -> #return_type {
                    runtime::Call::new(self.client, Self::#request_fn(#(#argument_names),*), error::#error_fn)
                }

                #stream_method
            }
        }
        _ => quote! {
            #doc
            #[inline]
            pub fn #method(&self, #(#argument_list),*) -> #return_type {
                #build
                runtime::Call::new(self.client, #request, error::#error_fn)
            }
        },
    };
    let response_enum = names.response_enum.as_deref().map(|name| {
        let method = format!("{api_struct}::{}", names.method.name());
        let item = response_enum_item(ctx, op, name, &method);
        let decoder = by_status_decoder(op, name);
        quote! { #item #decoder }
    });
    OperationItems {
        types: params_struct.into_iter().chain(response_enum).collect(),
        methods,
    }
}

/// A path parameter's argument type: by value for small scalars, `&str`
/// for text, a reference otherwise.
fn path_argument_type(ctx: &Ctx<'_>, shape: &Shape) -> (TokenStream, bool) {
    match shape {
        Shape::Scalar(Scalar::String) => (quote! { &str }, true),
        Shape::Scalar(scalar) => (scalar_type(*scalar, ctx.writer.std()), false),
        other => {
            let ty = ctx.writer.shape(other);
            (quote! { &#ty }, true)
        }
    }
}

/// The path template with each `{name}` replaced by its encoded argument.
fn path_expression(template: &str, path_args: &[(Ident, bool, &Parameter)]) -> TokenStream {
    let mut parts = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let name = &rest[open + 1..open + close];
        if open > 0 {
            let literal = &rest[..open];
            parts.push(quote! { #literal });
        }
        if let Some((arg, by_ref, _)) = path_args.iter().find(|(_, _, p)| p.wire_name == name) {
            parts.push(if *by_ref {
                quote! { &runtime::path_param(#arg) }
            } else {
                quote! { &runtime::path_param(&#arg) }
            });
        }
        rest = &rest[open + close + 1..];
    }
    if parts.is_empty() {
        return quote! { String::from(#rest) };
    }
    if !rest.is_empty() {
        parts.push(quote! { #rest });
    }
    quote! { [#(#parts),*].concat() }
}

fn auth_expression(auth: &Auth) -> TokenStream {
    match auth {
        Auth::None => quote! { runtime::Auth::None },
        Auth::Http { scheme, .. } => quote! { runtime::Auth::Token(#scheme) },
        Auth::ApiKey { location, name, .. } => match location {
            ParamLocation::Query => quote! { runtime::Auth::QueryKey(#name) },
            ParamLocation::Cookie => quote! { runtime::Auth::CookieKey(#name) },
            ParamLocation::Header | ParamLocation::Path => {
                quote! { runtime::Auth::HeaderKey(#name) }
            }
        },
    }
}

/// The statement that adds one query, header or cookie parameter.
fn parameter_statement(ctx: &Ctx<'_>, parameter: &Parameter, field: &Ident) -> TokenStream {
    let wire = &parameter.wire_name;
    let list_style = |explode: bool| match (parameter.style, explode) {
        (_, true) => quote! { runtime::ListStyle::Exploded },
        (ParamStyle::SpaceDelimited, false) => quote! { runtime::ListStyle::Space },
        (ParamStyle::PipeDelimited, false) => quote! { runtime::ListStyle::Pipe },
        (_, false) => quote! { runtime::ListStyle::Comma },
    };
    let is_list = matches!(ctx.api.unalias(&parameter.shape), Shape::List(_));
    match (parameter.location, is_list, parameter.required) {
        (ParamLocation::Query, true, true) => {
            let style = list_style(parameter.explode);
            quote! { request.query_list(#wire, &params.#field, #style); }
        }
        (ParamLocation::Query, true, false) => {
            let style = list_style(parameter.explode);
            quote! {
                if let Some(values) = &params.#field {
                    request.query_list(#wire, values, #style);
                }
            }
        }
        (ParamLocation::Query, false, true) => quote! { request.query(#wire, &params.#field); },
        (ParamLocation::Query, false, false) => {
            quote! { request.query_opt(#wire, params.#field.as_ref()); }
        }
        (ParamLocation::Header, _, true) => quote! { request.header(#wire, &params.#field); },
        (ParamLocation::Header, _, false) => quote! {
            if let Some(value) = &params.#field {
                request.header(#wire, value);
            }
        },
        (ParamLocation::Cookie, _, true) => quote! { request.cookie(#wire, &params.#field); },
        (ParamLocation::Cookie, _, false) => quote! {
            if let Some(value) = &params.#field {
                request.cookie(#wire, value);
            }
        },
        (ParamLocation::Path, _, _) => TokenStream::new(),
    }
}

/// Whether an operation takes its body by reference (JSON and form bodies
/// are serialised from a borrow; multipart forms, text and bytes are
/// consumed).
pub(super) fn body_is_borrowed(content: &Content) -> bool {
    matches!(content, Content::Json(_) | Content::Form(_))
}

/// The body argument and the statement that sends it.
fn body_argument(ctx: &Ctx<'_>, content: &Content) -> (TokenStream, TokenStream) {
    let ty = ctx.writer.body(content);
    let send = match content {
        Content::Json(_) => quote! { request.json(body); },
        Content::Multipart(_) => quote! { request.multipart(body.into_multipart()); },
        Content::Form(_) => quote! { request.form(body); },
        Content::Text => quote! { request.raw("text/plain; charset=utf-8", body); },
        Content::Binary | Content::Empty => {
            quote! { request.raw("application/octet-stream", body); }
        }
    };
    if body_is_borrowed(content) {
        (quote! { &#ty }, send)
    } else {
        (ty, send)
    }
}

/// The `runtime::Call` an operation's method returns: the success type,
/// and the runtime's decoder for its body (JSON, the default, goes unsaid).
fn call_type(ctx: &Ctx<'_>, op: &Operation, names: &OperationNames) -> TokenStream {
    let returns = op.returns();
    let success = ctx.writer.returns(returns, names.response_enum.as_deref());
    let decoder = match returns {
        Returns::Json(_) => return quote! { runtime::Call<'a, #success> },
        Returns::Nothing => quote! { runtime::NoBody },
        Returns::JsonIfAny(_) => quote! { runtime::JsonIfAny },
        Returns::Text(_) => quote! { runtime::Text },
        Returns::Bytes(_) => quote! { runtime::Binary },
        Returns::ByStatus => quote! { runtime::ByStatus },
    };
    quote! { runtime::Call<'a, #success, #decoder> }
}

/// The variant of an operation's response enum for a success status.
fn status_variant(status: Status) -> Ident {
    match status {
        Status::Code(code) => ident(&format!("Status{code}")),
        Status::Range(class) => ident(&format!("Status{class}xx")),
        Status::Default => ident("Default"),
    }
}

/// The enum an operation whose success responses have different bodies
/// returns: a variant per success status, holding what it decodes to.
fn response_enum_item(ctx: &Ctx<'_>, op: &Operation, name: &str, method: &str) -> TokenStream {
    let name = ident(name);
    let variants = op
        .responses
        .iter()
        .filter(|r| r.status.is_success())
        .map(|response| {
            let variant = status_variant(response.status);
            let doc = match response.status {
                Status::Code(code) => format!(" The server answered {code}."),
                _ => " The server answered another 2xx status.".to_string(),
            };
            match Returns::of(response) {
                Returns::Nothing => quote! { #[doc = #doc] #variant, },
                returns => {
                    let ty = ctx.writer.returns(returns, None);
                    quote! { #[doc = #doc] #variant(#ty), }
                }
            }
        });
    let doc = format!(
        " What [`{method}`] answers: its success responses have different bodies, told apart by status."
    );
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
        }
    }
}

/// The decoder that reads a success response into the response enum's
/// variant for its status; a 2xx the operation does not declare is
/// [`Error::Status`].
fn by_status_decoder(op: &Operation, name: &str) -> TokenStream {
    let name = ident(name);
    let mut arms = Vec::new();
    let mut range = None;
    for response in op.responses.iter().filter(|r| r.status.is_success()) {
        let variant = status_variant(response.status);
        let value = match Returns::of(response) {
            Returns::Nothing => quote! { #name::#variant },
            Returns::Json(_) => quote! { #name::#variant(response.json()?) },
            Returns::JsonIfAny(_) => quote! { #name::#variant(response.json_if_any()?) },
            Returns::Text(_) => quote! { #name::#variant(response.text()?) },
            Returns::Bytes(_) => quote! { #name::#variant(response.into_bytes()) },
            Returns::ByStatus => continue,
        };
        match response.status {
            Status::Code(code) => {
                let code = proc_macro2::Literal::u16_unsuffixed(code);
                arms.push(quote! { #code => Ok(#value), });
            }
            _ => range = Some(value),
        }
    }
    let fallback = match range {
        Some(value) => quote! { _ => Ok(#value), },
        None => quote! { _ => Err(Error::Status(response.into_status_error())), },
    };
    quote! {
        impl runtime::Decoder<#name> for runtime::ByStatus {
            #[inline]
            fn decode(response: runtime::Response) -> Result<#name, Error> {
                match response.status() {
                    #(#arms)*
                    #fallback
                }
            }
        }
    }
}

/// A doc link to a variant of the crate's `Error`; by path where the
/// module does not import it.
fn error_link(ctx: &Ctx<'_>, variant: &str) -> String {
    if ctx.error_in_scope {
        format!("[`Error::{variant}`]")
    } else {
        format!("[`Error::{variant}`](super::super::Error::{variant})")
    }
}

fn method_docs(ctx: &Ctx<'_>, op: &Operation) -> DocBuilder {
    let mut doc = DocBuilder::new();
    doc.schema_docs(&op.docs);
    if doc.is_empty() {
        doc.line(format!("The {} operation.", code(&op.id)));
    }
    let auth = match &op.auth {
        Auth::None => "public: sends no credentials".to_string(),
        Auth::Http { scheme, optional } => format!(
            "sends the token as `Authorization: {scheme}`{}",
            if *optional {
                " if the client has one"
            } else {
                ""
            }
        ),
        Auth::ApiKey { name, optional, .. } => format!(
            "sends the token as {}{}",
            code(name),
            if *optional {
                " if the client has one"
            } else {
                ""
            }
        ),
    };
    doc.line(format!(
        "{} ({}; {auth}).",
        code(&format!("{} {}", op.method.as_str(), op.path)),
        code(&op.id)
    ));
    let table = ctx.api.errors_of(op);
    // A type declared for several statuses is one variant: named once.
    let mut by_variant: Vec<(&str, Vec<String>)> = Vec::new();
    for error in table {
        let Some(variant) = ctx.names.error_variant(error.body) else {
            continue;
        };
        match by_variant.iter_mut().find(|(known, _)| *known == variant) {
            Some((_, statuses)) => statuses.push(error.status.to_string()),
            None => by_variant.push((variant, vec![error.status.to_string()])),
        }
    }
    let mut errors: Vec<String> = by_variant
        .iter()
        .map(|(variant, statuses)| {
            format!("{} for {}", error_link(ctx, variant), statuses.join(" or "))
        })
        .collect();
    errors.push(format!(
        "{} for {}",
        error_link(ctx, "Status"),
        if errors.is_empty() {
            "any status but success"
        } else if table.iter().any(|error| error.status == Status::Default) {
            "an answer that is not the body declared for it"
        } else {
            "any other status"
        }
    ));
    doc.line("# Errors");
    doc.line(format!(
        "{}; and transport, timeout, decode and request errors as for every operation.",
        errors.join(", ")
    ));
    doc
}

fn params_struct_item(
    ctx: &Ctx<'_>,
    op: &Operation,
    names: &OperationNames,
    struct_name: &str,
    api_struct: &str,
) -> TokenStream {
    let struct_ident = ident(struct_name);
    let mut all_optional = true;
    let fields = op
        .parameters
        .iter()
        .zip(&names.parameters)
        .filter(|(p, _)| p.location != ParamLocation::Path)
        .map(|(parameter, name)| {
            let field = ident(name);
            let ty = ctx.writer.shape(&parameter.shape);
            let ty = if parameter.required {
                all_optional = false;
                ty
            } else {
                quote! { Option<#ty> }
            };
            let mut doc = DocBuilder::new();
            doc.schema_docs(&parameter.docs);
            let location = match parameter.location {
                ParamLocation::Query => "Query parameter",
                ParamLocation::Header => "Header",
                ParamLocation::Cookie => "Cookie",
                ParamLocation::Path => "Path parameter",
            };
            let mut facts = vec![format!("{location} {}.", code(&parameter.wire_name))];
            if let Some(constraints) = docs::constraints(&parameter.constraints) {
                facts.push(constraints);
            }
            doc.line(facts.join(" "));
            let doc = doc.to_tokens();
            quote! { #doc pub #field: #ty, }
        })
        .collect::<Vec<_>>();
    let default = all_optional.then(|| quote! { Default, });
    let doc = format!(
        " The query, header and cookie parameters of [`{api_struct}::{}`].",
        names.method.name()
    );
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq, #default)]
        pub struct #struct_ident {
            #(#fields)*
        }
    }
}

/// The pieces of a paginated operation its stream method reuses.
struct StreamParts<'s> {
    method: &'s Ident,
    request_fn: &'s Ident,
    stream: &'s Ident,
    params_struct: &'s Ident,
    path_args: &'s [(Ident, bool, &'s Parameter)],
    arguments: &'s [TokenStream],
    error_fn: &'s Ident,
}

fn stream_method(
    ctx: &Ctx<'_>,
    op: &Operation,
    names: &OperationNames,
    paging: &Paging,
    parts: &StreamParts<'_>,
) -> TokenStream {
    let StreamParts {
        method,
        request_fn,
        stream,
        params_struct,
        path_args,
        arguments,
        error_fn,
    } = *parts;
    let item = ctx.writer.shape(&paging.item);
    let page_type = ctx.writer.shape(&Shape::Named(paging.page_type));
    let page_field = ident(&names.parameters[paging.page_param]);
    let (first, page_value) = if op.parameters[paging.page_param].required {
        (quote! { params.#page_field }, quote! { page })
    } else {
        (
            quote! { params.#page_field.unwrap_or(1) },
            quote! { Some(page) },
        )
    };
    let [results_wire, pagination_wire, next_wire] = Paging::WIRE_NAMES;
    let results_field = ident(&ctx.names.fields[paging.page_type.0][paging.results_field]);
    let pagination_field = ident(&ctx.names.fields[paging.page_type.0][paging.pagination_field]);
    let next_field = ident(&ctx.names.fields[paging.pagination_type.0][paging.next_field]);
    // Path parameters are captured by value, so the stream owns what it needs.
    let owned = path_args
        .iter()
        .filter(|(_, by_ref, _)| *by_ref)
        .map(|(name, _, _)| {
            quote! { let #name = ToOwned::to_owned(#name); }
        });
    let call_args = path_args.iter().map(|(name, by_ref, _)| {
        if *by_ref {
            quote! { &#name }
        } else {
            quote! { #name }
        }
    });
    let doc = format!(
        " Every item of every page of [`Self::{method}`], as a stream: it fetches page after page (from `params.{page_field}`, or the first) while the server reports a next page. An item that does not decode is an `Err` in its place; a page that cannot be fetched ends the stream after its error, and [`runtime::Pages::failed_page`] says where to resume."
    );
    quote! {
        #[doc = #doc]
        #[inline]
        pub fn #stream(&self, #(#arguments),*) -> runtime::Pages<'a, #page_type, #item> {
            let params = params.clone();
            #(#owned)*
            runtime::Pages::new(
                self.client,
                #first,
                move |page| Self::#request_fn(#(#call_args,)* &#params_struct { #page_field: #page_value, ..params.clone() }),
                error::#error_fn,
                |page: #page_type| (page.#results_field, page.#pagination_field.#next_field),
                [#results_wire, #pagination_wire, #next_wire],
            )
        }
    }
}
