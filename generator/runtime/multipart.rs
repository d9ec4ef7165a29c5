use std::fmt;

use bytes::Bytes;

use super::param::ParamValue;

/// A file to upload in a `multipart/form-data` body: its name, its media
/// type, and its contents from memory or from a stream.
pub struct FilePart {
    file_name: String,
    content_type: Option<String>,
    contents: Contents,
}

enum Contents {
    Bytes(Bytes),
    Stream {
        body: reqwest::Body,
        length: Option<u64>,
    },
}

impl FilePart {
    /// A file from bytes in memory.
    pub fn bytes(file_name: impl Into<String>, bytes: impl Into<Bytes>) -> Self {
        Self {
            file_name: file_name.into(),
            content_type: None,
            contents: Contents::Bytes(bytes.into()),
        }
    }

    /// A file read from a stream of chunks while it is sent (a file opened
    /// with tokio and wrapped in a `ReaderStream`, say). Give the length when
    /// it is known: some servers need it.
    pub fn stream<S>(file_name: impl Into<String>, stream: S, length: Option<u64>) -> Self
    where
        S: futures_util::TryStream + Send + 'static,
        S::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
        Bytes: From<S::Ok>,
    {
        Self {
            file_name: file_name.into(),
            content_type: None,
            contents: Contents::Stream {
                body: reqwest::Body::wrap_stream(stream),
                length,
            },
        }
    }

    /// Sets the part's media type (`application/octet-stream` otherwise).
    pub fn with_content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// The file name sent with the part.
    pub fn file_name(&self) -> &str {
        &self.file_name
    }

    fn into_part(self) -> Result<reqwest::multipart::Part, String> {
        let part = match self.contents {
            Contents::Bytes(bytes) => reqwest::multipart::Part::stream(bytes),
            Contents::Stream { body, length: Some(length) } => {
                reqwest::multipart::Part::stream_with_length(body, length)
            }
            Contents::Stream { body, length: None } => reqwest::multipart::Part::stream(body),
        };
        let part = part.file_name(self.file_name);
        let content_type = self.content_type.as_deref().unwrap_or("application/octet-stream");
        part.mime_str(content_type)
            .map_err(|_| format!("`{content_type}` is not a media type"))
    }
}

impl fmt::Debug for FilePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let contents = match &self.contents {
            Contents::Bytes(bytes) => format!("{} bytes", bytes.len()),
            Contents::Stream { length: Some(length), .. } => format!("stream of {length} bytes"),
            Contents::Stream { length: None, .. } => "stream".to_string(),
        };
        f.debug_struct("FilePart")
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("contents", &contents)
            .finish()
    }
}

/// A `multipart/form-data` body under construction.
#[derive(Debug, Default)]
pub struct Multipart {
    parts: Vec<(String, PartValue)>,
}

#[derive(Debug)]
enum PartValue {
    Text(String),
    File(FilePart),
}

impl Multipart {
    /// An empty form.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a text field.
    pub fn text<T: ParamValue + ?Sized>(&mut self, name: &str, value: &T) {
        let mut text = String::new();
        value.write_param(&mut text);
        self.parts.push((name.to_string(), PartValue::Text(text)));
    }

    /// Adds a text field holding JSON (for object-valued fields).
    pub fn json<T: serde::Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), String> {
        let text = serde_json::to_string(value).map_err(|e| e.to_string())?;
        self.parts.push((name.to_string(), PartValue::Text(text)));
        Ok(())
    }

    /// Adds a part for a value of any type: text as is, anything else as
    /// its JSON text (for properties the schema does not name).
    pub fn value<T: serde::Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), String> {
        match serde_json::to_value(value).map_err(|e| e.to_string())? {
            serde_json::Value::String(text) => {
                self.parts.push((name.to_string(), PartValue::Text(text)));
                Ok(())
            }
            other => self.json(name, &other),
        }
    }

    /// Adds a file.
    pub fn file(&mut self, name: &str, file: FilePart) {
        self.parts.push((name.to_string(), PartValue::File(file)));
    }

    /// The form reqwest sends.
    pub(super) fn into_form(self) -> Result<reqwest::multipart::Form, String> {
        let mut form = reqwest::multipart::Form::new();
        for (name, value) in self.parts {
            form = match value {
                PartValue::Text(text) => form.text(name, text),
                PartValue::File(file) => form.part(name, file.into_part()?),
            };
        }
        Ok(form)
    }
}
