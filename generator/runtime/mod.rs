pub use self::call::{
    Answer, Binary, ByStatus, Call, Decoder, Json, JsonIfAny, NoBody, Text, WithResponse,
};
pub use self::client::{http_client_builder, Client, ClientBuilder, RetryPolicy};
pub use self::enums::deserialize_enum;
pub use self::error::{
    DecodeError, Failure, RequestError, StatusError, TooLargeError, TransportError,
};
pub use self::multipart::{FilePart, Multipart};
pub use self::nullable::Nullable;
pub use self::object::{required, FieldIndex, Properties};
pub use self::pagination::{Page, Pages};
pub use self::param::ParamValue;
pub use self::request::{path_param, Auth, ListStyle, Request, Response};
