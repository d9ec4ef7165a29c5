//! The intermediate representation: a small, language-neutral model of the API.
//!
//! The IR is what every later stage reads. It knows nothing of `openapiv3`
//! (lowering has already followed every `$ref` and folded
//! authentik's `allOf: [$ref]` wrappers) and nothing of Rust syntax (the
//! emitters and [`crate::naming`] decide identifiers). It keeps the wire
//! names and the facts that matter for a correct client: presence and
//! nullability as two separate facts, constraints for documentation,
//! parameters by location, bodies by content type, responses by status.

pub mod analysis;

use serde_json::Value;

/// Index of a named type in [`Api::types`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeId(pub usize);

/// The whole API, ready for emitting.
#[derive(Debug, Clone)]
pub struct Api {
    /// Title, version and description from the document's `info`.
    pub info: Info,
    /// The path prefix every operation path is relative to (`/api/v3` for
    /// authentik), taken from the first `servers` entry; no trailing slash.
    pub base_path: String,
    /// Named types: component schemas first, in schema order, then the
    /// inline schemas that needed a name, in the order they were met.
    pub types: Vec<TypeDef>,
    /// Operations in document order (path order, then method order).
    pub operations: Vec<Operation>,
    /// Every type an error response carries, in order of first appearance;
    /// filled by [`analysis::facts`].
    pub error_types: Vec<ErrorType>,
    /// The distinct error tables of the operations, in order of first
    /// appearance: the typed error bodies by ascending status code. Each
    /// is decoded by one function of the generated `error` module. Filled
    /// by [`analysis::facts`].
    pub error_tables: Vec<Vec<ErrorBody>>,
}

impl Api {
    /// The type behind an id.
    pub fn ty(&self, id: TypeId) -> &TypeDef {
        &self.types[id.0]
    }

    /// The typed error bodies an operation declares, by ascending status.
    pub fn errors_of(&self, operation: &Operation) -> &[ErrorBody] {
        self.error_tables
            .get(operation.error_table)
            .map_or(&[], Vec::as_slice)
    }

    /// The shape an alias stands for, through any chain of aliases; any
    /// other shape is itself. A chain that loops (lowering rejects those)
    /// ends where it would repeat.
    pub fn unalias<'a>(&'a self, shape: &'a Shape) -> &'a Shape {
        unalias(&self.types, shape)
    }

    /// Whether a value of this shape travels as text: see
    /// [`travels_as_text`].
    pub fn travels_as_text(&self, shape: &Shape) -> bool {
        travels_as_text(&self.types, shape)
    }

    /// The named type a shape stands for once aliases are followed, with
    /// its id: `None` for scalars, containers and `Any`.
    pub fn kind_of(&self, shape: &Shape) -> Option<(TypeId, &TypeKind)> {
        kind_of(&self.types, shape)
    }
}

/// The named type a shape stands for in `types` once aliases are
/// followed (see [`unalias`]), with its id: `None` for scalars, containers
/// and `Any`.
pub fn kind_of<'a>(types: &'a [TypeDef], shape: &Shape) -> Option<(TypeId, &'a TypeKind)> {
    match unalias(types, shape) {
        Shape::Named(id) => Some((*id, &types[id.0].kind)),
        _ => None,
    }
}

/// The shape an alias stands for in `types` (lowering's table while it is
/// built, [`Api::types`] after), through any chain of aliases; any other
/// shape is itself. A chain that loops ends where it would repeat.
pub fn unalias<'a>(types: &'a [TypeDef], shape: &'a Shape) -> &'a Shape {
    let mut shape = shape;
    for _ in 0..=types.len() {
        match shape {
            Shape::Named(id) => match &types[id.0].kind {
                TypeKind::Alias(inner) => shape = inner,
                _ => return shape,
            },
            _ => return shape,
        }
    }
    shape
}

/// Whether a value of this shape travels as text (a path, query, header
/// or cookie value): a scalar other than bytes, an enum, or a union whose
/// members all do. `types` as for [`unalias`].
pub fn travels_as_text(types: &[TypeDef], shape: &Shape) -> bool {
    travels_as_text_within(types, shape, types.len())
}

fn travels_as_text_within(types: &[TypeDef], shape: &Shape, depth: usize) -> bool {
    match unalias(types, shape) {
        Shape::Scalar(scalar) => *scalar != Scalar::Binary,
        Shape::Named(id) => match &types[id.0].kind {
            TypeKind::Enum(_) => true,
            TypeKind::Union(u) => {
                u.discriminator.is_none()
                    && depth > 0
                    && u.variants
                        .iter()
                        .all(|v| travels_as_text_within(types, &v.shape, depth - 1))
            }
            _ => false,
        },
        Shape::List(_) | Shape::Map(_) | Shape::Any => false,
    }
}

/// The document's `info` block.
#[derive(Debug, Clone, Default)]
pub struct Info {
    /// `info.title`.
    pub title: String,
    /// `info.version`: for authentik, the release (`2024.8.3`).
    pub version: String,
    /// `info.description`.
    pub description: Option<String>,
    /// `info.license.name`: the licence of the API description the code
    /// is generated from.
    pub license: Option<String>,
}

/// Human documentation carried over from the schema.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Docs {
    /// A short title (`title`, or an operation's `summary`).
    pub title: Option<String>,
    /// The longer description.
    pub description: Option<String>,
    /// Marked `deprecated` in the schema.
    pub deprecated: bool,
    /// Notes the generator adds about what it did (an unsupported construct
    /// kept as raw JSON, an override applied, ...).
    pub notes: Vec<String>,
}

/// A named type.
#[derive(Debug, Clone)]
pub struct TypeDef {
    /// The component schema name, for types that are components.
    pub schema_name: Option<String>,
    /// For inline schemas: the words a name is built from (the enclosing
    /// type's hint followed by the property or parameter name).
    pub hint: Vec<String>,
    /// JSON pointer to the schema this type comes from.
    pub pointer: String,
    /// For an inline schema inside a component: that component, so the
    /// type can be emitted next to it.
    pub owner: Option<TypeId>,
    /// Documentation.
    pub docs: Docs,
    /// What the type is.
    pub kind: TypeKind,
}

/// The four shapes a named type can take.
#[derive(Debug, Clone)]
pub enum TypeKind {
    /// An object with named properties.
    Struct(Struct),
    /// A closed set of string values.
    Enum(Enum),
    /// One of several alternatives (`oneOf`/`anyOf`).
    Union(Union),
    /// Another name for a shape (a component that is an array, a map, a
    /// scalar or a reference).
    Alias(Shape),
}

/// An object type.
#[derive(Debug, Clone, Default)]
pub struct Struct {
    /// Properties in schema order.
    pub fields: Vec<Field>,
    /// The values of `additionalProperties` when the object also accepts
    /// properties it does not name.
    pub additional: Option<Item>,
    /// The alternatives of a `oneOf`/`anyOf` written beside the properties:
    /// the object is the fields and one alternative, in one JSON object.
    pub alternatives: Option<Alternatives>,
    /// Whether some operation sends it as a `multipart/form-data` body;
    /// filled by [`analysis::facts`].
    pub multipart: bool,
}

/// The union an object carries beside its own fields. The fields it shares
/// with an alternative, and the discriminator, are the alternative's: the
/// object's own fields are only those no alternative names.
#[derive(Debug, Clone, PartialEq)]
pub struct Alternatives {
    /// The union (a named type).
    pub shape: Shape,
    /// Set by [`analysis::indirection`]: the union closes a cycle of types
    /// that contain each other and must be stored behind a pointer.
    pub indirect: bool,
}

impl Struct {
    /// Whether the generated struct has a `Default`: every field optional,
    /// and no alternatives beside them (those have no default value).
    pub fn has_default(&self) -> bool {
        self.alternatives.is_none() && self.fields.iter().all(|f| f.presence == Presence::Optional)
    }

    /// Whether any field holds binary data, which makes the struct a
    /// multipart form only, not a JSON object.
    pub fn has_binary(&self) -> bool {
        self.fields
            .iter()
            .any(|f| matches!(f.shape, Shape::Scalar(Scalar::Binary)))
    }
}

/// Whether a property must be present on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Presence {
    /// Listed in `required`.
    Required,
    /// May be absent.
    Optional,
}

/// A property of an object.
#[derive(Debug, Clone)]
pub struct Field {
    /// The property name on the wire.
    pub wire_name: String,
    /// The value's shape (never itself nullable: see `nullable`).
    pub shape: Shape,
    /// Must the property be present?
    pub presence: Presence,
    /// May the value be `null`? Independent of presence.
    pub nullable: bool,
    /// Set by [`analysis::indirection`]: the field closes a cycle of types
    /// that contain each other and must be stored behind a pointer.
    pub indirect: bool,
    /// Sent by the server only.
    pub read_only: bool,
    /// Sent by the client only.
    pub write_only: bool,
    /// Documentation.
    pub docs: Docs,
    /// Validation rules the schema states, for documentation.
    pub constraints: Constraints,
    /// The schema's `default`, for documentation.
    pub default: Option<Value>,
}

/// Validation rules a schema states.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Constraints {
    /// `minLength`.
    pub min_length: Option<usize>,
    /// `maxLength`.
    pub max_length: Option<usize>,
    /// `pattern`.
    pub pattern: Option<String>,
    /// `minimum` (exclusive when `exclusive_minimum`).
    pub minimum: Option<f64>,
    /// `maximum` (exclusive when `exclusive_maximum`).
    pub maximum: Option<f64>,
    /// `exclusiveMinimum`.
    pub exclusive_minimum: bool,
    /// `exclusiveMaximum`.
    pub exclusive_maximum: bool,
    /// `minItems`.
    pub min_items: Option<usize>,
    /// `maxItems`.
    pub max_items: Option<usize>,
    /// `uniqueItems`.
    pub unique_items: bool,
    /// A string `format` with no type of its own (`email`, `uri`, ...).
    pub format: Option<String>,
}

impl Constraints {
    /// Whether the schema states no rule at all.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// The shape of a value.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// A named type.
    Named(TypeId),
    /// A scalar.
    Scalar(Scalar),
    /// An array.
    List(Box<Item>),
    /// An object used as a dictionary from strings to values.
    Map(Box<Item>),
    /// Any JSON value (`{}`).
    Any,
}

/// The element of a list or the value of a map.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// The element's shape.
    pub shape: Shape,
    /// Whether elements may be `null`.
    pub nullable: bool,
}

impl Shape {
    /// A list of `shape`.
    pub fn list(shape: Shape, nullable: bool) -> Self {
        Self::List(Box::new(Item { shape, nullable }))
    }

    /// A map from strings to `shape`.
    pub fn map(shape: Shape, nullable: bool) -> Self {
        Self::Map(Box::new(Item { shape, nullable }))
    }

    /// Calls `f` on every named type this shape mentions.
    pub fn for_each_named(&self, f: &mut impl FnMut(TypeId)) {
        match self {
            Self::Named(id) => f(*id),
            Self::List(item) | Self::Map(item) => item.shape.for_each_named(f),
            Self::Scalar(_) | Self::Any => {}
        }
    }
}

/// Scalar values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scalar {
    /// Text.
    String,
    /// `true`/`false`.
    Boolean,
    /// `integer` with `format: int32`.
    Int32,
    /// `integer` (authentik rarely gives a format; 64 bits is the safe width).
    Int64,
    /// `number` with `format: float`.
    Float,
    /// `number`, with or without `format: double`.
    Double,
    /// `string` with `format: uuid`.
    Uuid,
    /// `string` with `format: date-time` (RFC 3339).
    DateTime,
    /// `string` with `format: date`.
    Date,
    /// `string` with `format: binary`: raw bytes (file uploads and downloads).
    Binary,
}

/// A closed set of string or integer values.
#[derive(Debug, Clone, Default)]
pub struct Enum {
    /// The values in schema order, without duplicates.
    pub variants: Vec<EnumVariant>,
    /// Whether the values are integers (each variant's `value` is then its
    /// decimal text) rather than strings.
    pub integer: bool,
}

/// One value of an [`Enum`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumVariant {
    /// The value on the wire.
    pub value: String,
    /// The name the schema gives it (`x-enum-varnames`), already checked
    /// to be an identifier.
    pub name: Option<String>,
    /// What it means, for people (`x-enum-labels`).
    pub label: Option<String>,
}

/// `oneOf`/`anyOf`.
#[derive(Debug, Clone)]
pub struct Union {
    /// The discriminator property, when the union has one.
    pub discriminator: Option<String>,
    /// The alternatives, in schema order.
    pub variants: Vec<UnionVariant>,
}

/// One alternative of a [`Union`].
#[derive(Debug, Clone)]
pub struct UnionVariant {
    /// The discriminator value that selects this alternative (tagged unions).
    pub tag: Option<String>,
    /// The alternative's shape; always [`Shape::Named`] in a tagged union.
    pub shape: Shape,
    /// Set by [`analysis::indirection`]: the alternative closes a cycle.
    pub indirect: bool,
}

/// An HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Method {
    /// GET
    Get,
    /// PUT
    Put,
    /// POST
    Post,
    /// DELETE
    Delete,
    /// OPTIONS
    Options,
    /// HEAD
    Head,
    /// PATCH
    Patch,
    /// TRACE
    Trace,
}

impl Method {
    /// The method as written on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Put => "PUT",
            Self::Post => "POST",
            Self::Delete => "DELETE",
            Self::Options => "OPTIONS",
            Self::Head => "HEAD",
            Self::Patch => "PATCH",
            Self::Trace => "TRACE",
        }
    }

    /// Whether repeating the request has no further effect (RFC 9110), which
    /// is when retrying it is safe.
    pub fn is_idempotent(self) -> bool {
        !matches!(self, Self::Post | Self::Patch)
    }
}

/// One operation of the API.
#[derive(Debug, Clone)]
pub struct Operation {
    /// The `operationId`.
    pub id: String,
    /// The operation's first tag; authentik gives each operation exactly one.
    pub tag: Option<String>,
    /// HTTP method.
    pub method: Method,
    /// The path template relative to [`Api::base_path`], as written in the
    /// schema (`/stages/invitation/invitations/{invite_uuid}/`).
    pub path: String,
    /// `summary` as title, `description` as description.
    pub docs: Docs,
    /// Parameters, path parameters first in template order, then the rest in
    /// schema order.
    pub parameters: Vec<Parameter>,
    /// The request body, if the operation takes one.
    pub body: Option<RequestBody>,
    /// Responses by status, in schema order.
    pub responses: Vec<Response>,
    /// Which credentials the operation accepts.
    pub auth: Auth,
    /// JSON pointer to the operation.
    pub pointer: String,
    /// How to walk the pages of a paginated list; filled by
    /// [`analysis::facts`].
    pub paging: Option<Paging>,
    /// Its error table, an index into [`Api::error_tables`]: the JSON
    /// bodies of named types on explicit non-success codes. Filled by
    /// [`analysis::facts`].
    pub error_table: usize,
}

impl Operation {
    /// The first success (2xx) response: the one the client decodes,
    /// unless the success responses have different bodies
    /// ([`Returns::ByStatus`]).
    pub fn success(&self) -> Option<&Response> {
        self.responses.iter().find(|r| r.status.is_success())
    }

    /// The success response the client decodes a 2xx `status` with: the
    /// one declared for it, else the `2XX` one, else the first.
    pub fn success_for(&self, status: u16) -> Option<&Response> {
        let successes = || self.responses.iter().filter(|r| r.status.is_success());
        successes()
            .find(|r| r.status == Status::Code(status))
            .or_else(|| successes().find(|r| r.status == Status::Range(2)))
            .or_else(|| self.success())
    }

    /// Whether its success responses have different bodies, so a call
    /// returns one of them by status.
    pub fn by_status(&self) -> bool {
        let mut successes = self.responses.iter().filter(|r| r.status.is_success());
        let first = successes.next();
        first.is_some_and(|first| successes.any(|other| other.content != first.content))
    }

    /// What a successful call gives back, and so what it asks for.
    pub fn returns(&self) -> Returns<'_> {
        if self.by_status() {
            return Returns::ByStatus;
        }
        let Some(success) = self.success() else {
            return Returns::Nothing;
        };
        Returns::of(success)
    }
}

impl<'a> Returns<'a> {
    /// What one success response gives back.
    pub fn of(success: &'a Response) -> Self {
        match &success.content {
            // A 204 has no body, whatever the schema declares.
            Content::Json(shape) if success.status == Status::Code(204) => {
                Returns::JsonIfAny(shape)
            }
            Content::Json(shape) => Returns::Json(shape),
            Content::Text => Returns::Text(&success.media_type),
            Content::Binary => Returns::Bytes(&success.media_type),
            // The client sends forms; it does not read them back.
            Content::Empty | Content::Multipart(_) | Content::Form(_) => Returns::Nothing,
        }
    }

    /// The `Accept` header a call sends.
    pub fn accept(self) -> &'a str {
        match self {
            Self::Text(media_type) | Self::Bytes(media_type) => media_type,
            _ => "application/json",
        }
    }
}

/// What a successful call of an operation gives back.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Returns<'a> {
    /// Nothing worth decoding.
    Nothing,
    /// A JSON body of this shape.
    Json(&'a Shape),
    /// A JSON body of this shape if the server sends one (a 204 that
    /// declares a body).
    JsonIfAny(&'a Shape),
    /// Text of this media type.
    Text(&'a str),
    /// Bytes of this media type.
    Bytes(&'a str),
    /// One of the success responses, chosen by status: they have different
    /// bodies (the operation's response enum).
    ByStatus,
}

/// How to walk a paginated list operation (authentik's `Paginated*List`
/// responses: `{pagination: {next, ...}, results: [...]}` and a `page`
/// query parameter).
#[derive(Debug, Clone, PartialEq)]
pub struct Paging {
    /// The index of the `page` parameter among the operation's parameters.
    pub page_param: usize,
    /// The page type (`PaginatedInvitationList`).
    pub page_type: TypeId,
    /// The index of `results` among the page type's fields.
    pub results_field: usize,
    /// The item shape of `results`.
    pub item: Shape,
    /// The index of `pagination` among the page type's fields.
    pub pagination_field: usize,
    /// The pagination type (`Pagination`).
    pub pagination_type: TypeId,
    /// The index of `next` among the pagination type's fields.
    pub next_field: usize,
}

impl Paging {
    /// The wire names of the results list, the pagination object and its
    /// next-page number: the names a page is recognised by.
    pub const WIRE_NAMES: [&'static str; 3] = ["results", "pagination", "next"];
}

/// One typed error body of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ErrorBody {
    /// The status it is declared for: a code, a class (`4XX`) or `default`.
    pub status: Status,
    /// The body's type.
    pub body: TypeId,
}

/// A type some operation's error response carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorType {
    /// The type.
    pub id: TypeId,
    /// Every status it is declared for, codes before classes before
    /// `default`.
    pub statuses: Vec<Status>,
}

/// Where a parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ParamLocation {
    /// In the path template.
    Path,
    /// In the query string.
    Query,
    /// In a request header.
    Header,
    /// In the `Cookie` header.
    Cookie,
}

/// How an array or object parameter is written (OpenAPI `style`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ParamStyle {
    /// `form`: `name=a&name=b` exploded, `name=a,b` not.
    Form,
    /// `simple`: `a,b`.
    Simple,
    /// `spaceDelimited`: `name=a%20b`.
    SpaceDelimited,
    /// `pipeDelimited`: `name=a|b`.
    PipeDelimited,
}

/// An operation parameter.
#[derive(Debug, Clone)]
pub struct Parameter {
    /// The name on the wire.
    pub wire_name: String,
    /// Where it travels.
    pub location: ParamLocation,
    /// Must the caller give it?
    pub required: bool,
    /// The value's shape.
    pub shape: Shape,
    /// How arrays are written.
    pub style: ParamStyle,
    /// Whether arrays repeat the name per element.
    pub explode: bool,
    /// Documentation.
    pub docs: Docs,
    /// Validation rules, for documentation.
    pub constraints: Constraints,
}

/// A request body.
#[derive(Debug, Clone)]
pub struct RequestBody {
    /// Must a body be sent?
    pub required: bool,
    /// How the body is encoded.
    pub content: Content,
    /// The body's media type as the schema writes it.
    pub media_type: String,
}

/// How a body is encoded.
#[derive(Debug, Clone, PartialEq)]
pub enum Content {
    /// JSON of the given shape.
    Json(Shape),
    /// `multipart/form-data` of an object type.
    Multipart(TypeId),
    /// `application/x-www-form-urlencoded` of an object type.
    Form(TypeId),
    /// Text of another media type (YAML, XML, ...).
    Text,
    /// Bytes of another media type.
    Binary,
    /// No body.
    Empty,
}

/// Which status codes a response covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    /// One status code.
    Code(u16),
    /// A class of codes: `Range(2)` is `2XX`.
    Range(u16),
    /// `default`: every status not listed.
    Default,
}

impl std::fmt::Display for Status {
    /// As a reader says it: `404`, `4XX`, or `any other status`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Code(code) => write!(f, "{code}"),
            Self::Range(class) => write!(f, "{class}XX"),
            Self::Default => f.write_str("any other status"),
        }
    }
}

impl Status {
    /// Whether the status means success (2xx).
    pub fn is_success(self) -> bool {
        match self {
            Self::Code(code) => (200..300).contains(&code),
            Self::Range(class) => class == 2,
            Self::Default => false,
        }
    }
}

/// One documented response.
#[derive(Debug, Clone)]
pub struct Response {
    /// The status it covers.
    pub status: Status,
    /// The body.
    pub content: Content,
    /// The media type of the body (empty for no body).
    pub media_type: String,
    /// The response's description.
    pub description: Option<String>,
}

/// The credentials an operation sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Auth {
    /// No `security`: the operation is public.
    None,
    /// `Authorization: <scheme> <token>`. `scheme` as the header writes it:
    /// `Bearer`, or `Bearer+agent` for authentik's agent-only endpoints.
    Http {
        /// The scheme name, first letter capitalised.
        scheme: String,
        /// `security` also lists `{}`: the token may be left out.
        optional: bool,
    },
    /// An API key in a header or the query string.
    ApiKey {
        /// Header or query.
        location: ParamLocation,
        /// The header or parameter name.
        name: String,
        /// `security` also lists `{}`.
        optional: bool,
    },
}
