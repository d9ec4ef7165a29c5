//! Paths to operations.
//!
//! Each operation gets its parameters by location (path parameters first,
//! in template order), one request body chosen by content type (JSON first,
//! then multipart, form, text, bytes) and its responses by status. An
//! operation the generator cannot express (a `deepObject` parameter, a body
//! in no supported encoding, a template naming an undeclared parameter) is
//! left out with a reason; a broken document (a dangling `$ref`) is an error.

use indexmap::IndexMap;
use openapiv3::{
    APIKeyLocation, MediaType, Operation as OaOperation, Parameter as OaParameter,
    ParameterSchemaOrContent, PathStyle, QueryStyle, ReferenceOr, SecurityScheme, StatusCode,
};

use super::refs::SchemaRef;
use super::schema::{extend, Lowering};
use super::LeftOut;
use crate::error::{pointer_push, Error, ErrorKind};
use crate::ir::{
    Auth, Content, Docs, Method, Operation, ParamLocation, ParamStyle, Parameter, RequestBody,
    Response, Scalar, Shape, Status, TypeKind,
};

/// Why an operation cannot be expressed, and where.
struct Skip {
    reason: String,
    pointer: String,
}

impl Skip {
    fn new(pointer: &str, reason: impl Into<String>) -> Self {
        Self {
            reason: reason.into(),
            pointer: pointer.to_string(),
        }
    }
}

/// Lowers every operation of the document, in path then method order.
pub(super) fn lower_all<'a>(
    lowering: &mut Lowering<'a>,
) -> Result<(Vec<Operation>, Vec<LeftOut>), Error> {
    let resolver = lowering.resolver;
    let mut operations = Vec::new();
    let mut left_out = Vec::new();
    for (path, item) in &resolver.api.paths.paths {
        let path_pointer = pointer_push("/paths", path);
        let item = match item {
            ReferenceOr::Item(item) => item,
            ReferenceOr::Reference { reference } => {
                let reason = format!("path items given by `$ref` ({reference}) are not supported");
                lowering.warn(ErrorKind::Unsupported, &path_pointer, &reason);
                left_out.push(LeftOut {
                    id: path.clone(),
                    pointer: path_pointer,
                    reason,
                });
                continue;
            }
        };
        let methods = [
            (Method::Get, &item.get, "get"),
            (Method::Put, &item.put, "put"),
            (Method::Post, &item.post, "post"),
            (Method::Delete, &item.delete, "delete"),
            (Method::Options, &item.options, "options"),
            (Method::Head, &item.head, "head"),
            (Method::Patch, &item.patch, "patch"),
            (Method::Trace, &item.trace, "trace"),
        ];
        for (method, operation, key) in methods {
            let Some(operation) = operation else {
                continue;
            };
            let pointer = pointer_push(&path_pointer, key);
            let id = match &operation.operation_id {
                Some(id) if !id.is_empty() => id.clone(),
                _ => {
                    let id = synthesized_id(method, path);
                    lowering.warn(
                        ErrorKind::Invalid,
                        &pointer,
                        format!("the operation has no operationId; it is named `{id}` after its method and path"),
                    );
                    id
                }
            };
            let mark = lowering.mark();
            let site = Site {
                id: &id,
                method,
                path,
                path_parameters: &item.parameters,
                operation,
                pointer: &pointer,
            };
            let lowered = lower_one(lowering, &site)?;
            match lowered {
                Ok(op) => operations.push(op),
                Err(skip) => {
                    lowering.truncate(mark);
                    let reason = format!("left out `{id}`: {}", skip.reason);
                    lowering.warn(ErrorKind::Unsupported, &skip.pointer, &reason);
                    left_out.push(LeftOut {
                        id,
                        pointer,
                        reason: skip.reason,
                    });
                }
            }
        }
    }
    Ok((operations, left_out))
}

/// `get /stages/{id}/` becomes `get_stages_id`.
fn synthesized_id(method: Method, path: &str) -> String {
    let mut id = method.as_str().to_ascii_lowercase();
    for word in path.split(|c: char| !c.is_ascii_alphanumeric()) {
        if !word.is_empty() {
            id.push('_');
            id.push_str(word);
        }
    }
    id
}

/// One operation and where it sits.
struct Site<'s, 'a> {
    id: &'s str,
    method: Method,
    path: &'a str,
    path_parameters: &'a [ReferenceOr<OaParameter>],
    operation: &'a OaOperation,
    pointer: &'s str,
}

fn lower_one<'a>(
    lowering: &mut Lowering<'a>,
    site: &Site<'_, 'a>,
) -> Result<Result<Operation, Skip>, Error> {
    let Site {
        id,
        method,
        path,
        operation,
        pointer,
        ..
    } = *site;
    let parameters = match lower_parameters(lowering, site)? {
        Ok(parameters) => parameters,
        Err(skip) => return Ok(Err(skip)),
    };
    let body = match &operation.request_body {
        None => None,
        Some(body) => {
            let at = pointer_push(pointer, "requestBody");
            let (body, body_pointer) = lowering.resolver.request_body(body, &at)?;
            match lower_request_body(lowering, id, &body.content, body.required, &body_pointer)? {
                Ok(body) => body,
                Err(skip) => return Ok(Err(skip)),
            }
        }
    };
    let responses = lower_responses(lowering, id, operation, pointer)?;
    Ok(Ok(Operation {
        id: id.to_string(),
        tag: operation.tags.first().cloned(),
        method,
        path: path.to_string(),
        docs: Docs {
            title: operation.summary.clone(),
            description: operation.description.clone(),
            deprecated: operation.deprecated,
            notes: Vec::new(),
        },
        parameters,
        body,
        responses,
        auth: auth_of(lowering, operation),
        pointer: pointer.to_string(),
        paging: None,
        error_table: 0,
    }))
}

fn lower_parameters<'a>(
    lowering: &mut Lowering<'a>,
    site: &Site<'_, 'a>,
) -> Result<Result<Vec<Parameter>, Skip>, Error> {
    let Site {
        id,
        path,
        path_parameters,
        operation,
        pointer,
        ..
    } = *site;
    let resolver = lowering.resolver;
    // Operation parameters override path-level ones with the same name and location.
    let mut declared: IndexMap<(String, &'static str), (&'a OaParameter, String)> = IndexMap::new();
    let path_pointer = pointer_push(
        pointer.rsplit_once('/').map_or("", |(p, _)| p),
        "parameters",
    );
    let op_pointer = pointer_push(pointer, "parameters");
    for (list, base) in [
        (path_parameters, &path_pointer),
        (&operation.parameters[..], &op_pointer),
    ] {
        for (index, item) in list.iter().enumerate() {
            let at = pointer_push(base, &index.to_string());
            let (parameter, at) = resolver.parameter(item, &at)?;
            let data = parameter.parameter_data_ref();
            declared.insert(
                (data.name.clone(), location_key(parameter)),
                (parameter, at),
            );
        }
    }

    let template: Vec<&str> = template_names(path);
    let mut ordered: Vec<(&'a OaParameter, String)> = Vec::new();
    for name in &template {
        match declared.shift_remove(&(name.to_string(), "path")) {
            Some(entry) => ordered.push(entry),
            None => {
                return Ok(Err(Skip::new(
                    pointer,
                    format!("the path template names `{{{name}}}` but no path parameter `{name}` is declared"),
                )))
            }
        }
    }
    for ((name, location), entry) in declared {
        if location == "path" {
            return Ok(Err(Skip::new(
                &entry.1,
                format!("path parameter `{name}` does not appear in the template `{path}`"),
            )));
        }
        ordered.push(entry);
    }

    let mut out = Vec::with_capacity(ordered.len());
    for (parameter, at) in ordered {
        let data = parameter.parameter_data_ref();
        let (location, style, explode) = match parameter {
            OaParameter::Path { style, .. } => {
                if !matches!(style, PathStyle::Simple) {
                    return Ok(Err(Skip::new(&at, format!("path parameter `{}` uses style `{style:?}`; only `simple` is supported", data.name))));
                }
                (
                    ParamLocation::Path,
                    ParamStyle::Simple,
                    data.explode.unwrap_or(false),
                )
            }
            OaParameter::Query { style, .. } => {
                let style = match style {
                    QueryStyle::Form => ParamStyle::Form,
                    QueryStyle::SpaceDelimited => ParamStyle::SpaceDelimited,
                    QueryStyle::PipeDelimited => ParamStyle::PipeDelimited,
                    QueryStyle::DeepObject => {
                        return Ok(Err(Skip::new(&at, format!("query parameter `{}` uses style `deepObject`, which is not supported", data.name))));
                    }
                };
                let explode = data.explode.unwrap_or(style == ParamStyle::Form);
                (ParamLocation::Query, style, explode)
            }
            OaParameter::Header { .. } => (
                ParamLocation::Header,
                ParamStyle::Simple,
                data.explode.unwrap_or(false),
            ),
            OaParameter::Cookie { .. } => (
                ParamLocation::Cookie,
                ParamStyle::Form,
                data.explode.unwrap_or(true),
            ),
        };
        let schema = match &data.format {
            ParameterSchemaOrContent::Schema(schema) => schema,
            ParameterSchemaOrContent::Content(_) => {
                return Ok(Err(Skip::new(
                    &at,
                    format!(
                        "parameter `{}` is described by `content`, not `schema`",
                        data.name
                    ),
                )));
            }
        };
        let lowered = lowering.lower(
            SchemaRef::from(schema),
            &[id.to_string(), data.name.clone()],
            &pointer_push(&at, "schema"),
        )?;
        if let Some(problem) = parameter_problem(lowering, &lowered.shape) {
            return Ok(Err(Skip::new(
                &at,
                format!("parameter `{}` is {problem}; only scalars, enums and arrays of them can be sent as parameters", data.name),
            )));
        }
        let mut docs = lowered.docs;
        if data.description.is_some() {
            docs.description = data.description.clone();
        }
        docs.deprecated |= data.deprecated.unwrap_or(false);
        out.push(Parameter {
            wire_name: data.name.clone(),
            location,
            required: data.required || location == ParamLocation::Path,
            shape: lowered.shape,
            style,
            explode,
            docs,
            constraints: lowered.constraints,
        });
    }
    Ok(Ok(out))
}

/// Why a shape cannot travel as a parameter, which is text (scalars,
/// enums, and lists of those); `None` when it can.
fn parameter_problem(lowering: &Lowering<'_>, shape: &Shape) -> Option<&'static str> {
    match lowering.unalias(shape) {
        Shape::Scalar(Scalar::Binary) => Some("binary data"),
        Shape::Scalar(_) => None,
        Shape::List(item) => match lowering.unalias(&item.shape) {
            Shape::List(_) => Some("a list of lists"),
            inner => parameter_problem(lowering, inner)
                .map(|_| "a list of values that cannot travel as text"),
        },
        named @ Shape::Named(_) if lowering.travels_as_text(named) => None,
        named @ Shape::Named(_) => match lowering.kind_of(named) {
            Some((_, TypeKind::Struct(_))) => Some("an object"),
            Some((_, TypeKind::Union(_))) => {
                Some("a union with members that do not travel as text (objects or lists)")
            }
            _ => Some("untyped JSON"),
        },
        Shape::Map(_) => Some("a map"),
        Shape::Any => Some("untyped JSON"),
    }
}

fn location_key(parameter: &OaParameter) -> &'static str {
    match parameter {
        OaParameter::Path { .. } => "path",
        OaParameter::Query { .. } => "query",
        OaParameter::Header { .. } => "header",
        OaParameter::Cookie { .. } => "cookie",
    }
}

/// The `{name}`s of a path template, in order.
fn template_names(path: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        names.push(&rest[open + 1..open + close]);
        rest = &rest[open + close + 1..];
    }
    names
}

/// How a media type is read: JSON, or else by family.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Encoding {
    Json,
    Multipart,
    Form,
    Text,
    Binary,
}

fn encoding_of(media_type: &str) -> Encoding {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if essence == "application/json" || essence.ends_with("+json") || essence == "*/*" {
        Encoding::Json
    } else if essence == "multipart/form-data" {
        Encoding::Multipart
    } else if essence == "application/x-www-form-urlencoded" {
        Encoding::Form
    } else if essence.starts_with("text/")
        || essence.ends_with("yaml")
        || essence.ends_with("xml")
        || essence == "application/vnd.oai.openapi"
    {
        Encoding::Text
    } else {
        Encoding::Binary
    }
}

/// The media type to use among several: the best [`Encoding`], first in
/// schema order among equals.
fn choose(content: &IndexMap<String, MediaType>) -> Option<(&str, &MediaType, Encoding)> {
    content
        .iter()
        .map(|(media, value)| (media.as_str(), value, encoding_of(media)))
        .min_by_key(|(_, _, encoding)| *encoding)
}

fn lower_request_body<'a>(
    lowering: &mut Lowering<'a>,
    id: &str,
    content: &'a IndexMap<String, MediaType>,
    required: bool,
    pointer: &str,
) -> Result<Result<Option<RequestBody>, Skip>, Error> {
    let Some((media_type, media, encoding)) = choose(content) else {
        return Ok(Ok(None));
    };
    let at = pointer_push(
        &pointer_push(&pointer_push(pointer, "content"), media_type),
        "schema",
    );
    let hint = [id.to_string(), "body".to_string()];
    let content = match (encoding, &media.schema) {
        (Encoding::Json, Some(schema)) => {
            let lowered = lowering.lower(SchemaRef::from(schema), &hint, &at)?;
            if contains_binary(lowering, &lowered.shape) {
                return Ok(Err(Skip::new(
                    &at,
                    "a JSON body cannot carry binary fields",
                )));
            }
            Content::Json(lowered.shape)
        }
        (Encoding::Json, None) => Content::Json(Shape::Any),
        (Encoding::Multipart | Encoding::Form, Some(schema)) => {
            let lowered = lowering.lower(SchemaRef::from(schema), &hint, &at)?;
            match lowering.struct_of(&lowered.shape) {
                Some((_, s)) if s.alternatives.is_some() => {
                    return Ok(Err(Skip::new(
                        &at,
                        format!("a `{media_type}` body is a flat list of fields; it cannot carry a `oneOf`/`anyOf` beside its properties"),
                    )))
                }
                Some((id, _)) if encoding == Encoding::Multipart => Content::Multipart(id),
                Some((id, _)) => Content::Form(id),
                None => {
                    return Ok(Err(Skip::new(
                        &at,
                        format!("a `{media_type}` body must be an object with named properties"),
                    )))
                }
            }
        }
        (Encoding::Multipart | Encoding::Form, None) => {
            return Ok(Err(Skip::new(
                pointer,
                format!("the `{media_type}` body has no schema"),
            )));
        }
        (Encoding::Text, _) => Content::Text,
        (Encoding::Binary, _) => Content::Binary,
    };
    Ok(Ok(Some(RequestBody {
        required,
        content,
        media_type: media_type.to_string(),
    })))
}

/// Whether binary data sits anywhere in a JSON shape (it cannot travel there).
fn contains_binary(lowering: &Lowering<'_>, shape: &Shape) -> bool {
    match shape {
        Shape::Scalar(Scalar::Binary) => true,
        Shape::List(item) | Shape::Map(item) => contains_binary(lowering, &item.shape),
        Shape::Named(_) => lowering
            .struct_of(shape)
            .is_some_and(|(_, s)| s.has_binary()),
        _ => false,
    }
}

fn lower_responses<'a>(
    lowering: &mut Lowering<'a>,
    id: &str,
    operation: &'a OaOperation,
    pointer: &str,
) -> Result<Vec<Response>, Error> {
    let resolver = lowering.resolver;
    let base = pointer_push(pointer, "responses");
    let listed = operation
        .responses
        .responses
        .iter()
        .map(|(status, response)| {
            let status = match status {
                StatusCode::Code(code) => Status::Code(*code),
                StatusCode::Range(class) => Status::Range(*class),
            };
            (status, response)
        });
    let default = operation
        .responses
        .default
        .as_ref()
        .map(|response| (Status::Default, response));
    let mut out = Vec::new();
    for (status, response) in listed.chain(default) {
        let key = match status {
            Status::Code(code) => code.to_string(),
            Status::Range(class) => format!("{class}XX"),
            Status::Default => "default".to_string(),
        };
        let at = pointer_push(&base, &key);
        let (response, at) = resolver.response(response, &at)?;
        let (content, media_type) = match choose(&response.content) {
            None => (Content::Empty, String::new()),
            Some((media_type, media, encoding)) => {
                let schema_at = pointer_push(
                    &pointer_push(&pointer_push(&at, "content"), media_type),
                    "schema",
                );
                let content = match (encoding, &media.schema) {
                    (Encoding::Json, Some(schema)) => {
                        let hint = extend(&[id.to_string()], &format!("response{key}"));
                        let lowered = lowering.lower(SchemaRef::from(schema), &hint, &schema_at)?;
                        if lowered.shape == Shape::Scalar(Scalar::Binary) {
                            Content::Binary
                        } else {
                            Content::Json(lowered.shape)
                        }
                    }
                    (Encoding::Json, None) => Content::Json(Shape::Any),
                    (Encoding::Text, _) => Content::Text,
                    _ => Content::Binary,
                };
                (content, media_type.to_string())
            }
        };
        out.push(Response {
            status,
            content,
            media_type,
            description: Some(response.description.clone()).filter(|d| !d.is_empty()),
        });
    }
    Ok(out)
}

/// The credentials of the first security requirement that names any; an
/// empty requirement (`{}`) beside it makes them optional.
fn auth_of(lowering: &Lowering<'_>, operation: &OaOperation) -> Auth {
    let api = lowering.resolver.api;
    let Some(requirements) = operation.security.as_ref().or(api.security.as_ref()) else {
        return Auth::None;
    };
    let optional = requirements
        .iter()
        .any(|requirement| requirement.is_empty());
    let Some(name) = requirements.iter().flat_map(|r| r.keys()).next() else {
        return Auth::None;
    };
    let scheme = api
        .components
        .as_ref()
        .and_then(|c| c.security_schemes.get(name))
        .and_then(ReferenceOr::as_item);
    match scheme {
        Some(SecurityScheme::APIKey { location, name, .. }) => Auth::ApiKey {
            location: match location {
                APIKeyLocation::Query => ParamLocation::Query,
                APIKeyLocation::Header => ParamLocation::Header,
                APIKeyLocation::Cookie => ParamLocation::Cookie,
            },
            name: name.clone(),
            optional,
        },
        Some(SecurityScheme::HTTP { scheme, .. }) => Auth::Http {
            scheme: capitalize(scheme),
            optional,
        },
        // OAuth 2 and OpenID Connect tokens, and undeclared schemes, travel
        // as bearer tokens.
        _ => Auth::Http {
            scheme: "Bearer".into(),
            optional,
        },
    }
}

fn capitalize(scheme: &str) -> String {
    let mut chars = scheme.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => "Bearer".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_names_in_order() {
        assert_eq!(template_names("/a/{x}/b/{y_z}/"), vec!["x", "y_z"]);
        assert!(template_names("/a/").is_empty());
        assert_eq!(template_names("/a/{broken"), Vec::<&str>::new());
    }

    #[test]
    fn media_types_by_family() {
        assert!(encoding_of("application/json") == Encoding::Json);
        assert!(encoding_of("application/vnd.oai.openapi+json") == Encoding::Json);
        assert!(encoding_of("application/json; charset=utf-8") == Encoding::Json);
        assert!(encoding_of("multipart/form-data") == Encoding::Multipart);
        assert!(encoding_of("application/yaml") == Encoding::Text);
        assert!(encoding_of("application/vnd.oai.openapi") == Encoding::Text);
        assert!(encoding_of("application/xml") == Encoding::Text);
        assert!(encoding_of("application/octet-stream") == Encoding::Binary);
    }

    /// An operation left out leaves one warning, its reason: nothing of
    /// what lowering it said before it was given up.
    #[test]
    fn a_left_out_operation_keeps_only_its_reason() {
        let yaml = concat!(
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n",
            "  /a/:\n    get:\n      operationId: a_list\n",
            "      parameters: [{name: q, in: query, schema: {not: {type: string}}}]\n",
            "      responses: {'204': {description: done}}\n",
        );
        let model = crate::Generator::from_source(crate::Source::new("t.yml", yaml))
            .model()
            .unwrap();
        let messages: Vec<&str> = model
            .diagnostics
            .iter()
            .map(|d| d.message.as_str())
            .collect();
        assert_eq!(model.left_out.len(), 1);
        assert_eq!(messages.len(), 1, "{messages:#?}");
        assert_eq!(
            messages[0],
            "left out `a_list`: parameter `q` is untyped JSON; only scalars, enums and arrays of them can be sent as parameters"
        );
    }

    #[test]
    fn synthesized_ids_read_like_operation_ids() {
        assert_eq!(
            synthesized_id(Method::Get, "/stages/{id}/"),
            "get_stages_id"
        );
    }
}
