//! Writes the seed corpus of the `respond` target, for the client of the
//! schema given (the one `build.rs` generates the target's client from):
//!
//! - every operation's success answer as its schema describes it (the
//!   example a mock server would make: each property near the top, an item
//!   in each list), and for each paginated list two pages to walk;
//! - the declared error bodies (400 field errors, 403 detail) and the
//!   misbehaving answers of the fault tests (an HTML login page, cut JSON,
//!   bytes that are not UTF-8, a 503 before the answer, a body over the
//!   client's limit), each for a spread of operations;
//! - the answers a real authentik gave, as `check-server --save-responses`
//!   saved them (`responses.jsonl`), for the operations the schema has.
//!
//! `cargo run --bin response-seeds -- <corpus dir> <schema> [responses.jsonl ...]`

use std::path::Path;

use authentik_codegen::ir::Returns;
use authentik_codegen::Generator;
use authentik_codegen_fuzz::reply::{Input, Reply};
use serde_json::{json, Value};

/// `application/json`'s index in the content types a reply can declare.
const JSON: Option<u8> = Some(0);

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [corpus, schema, saved @ ..] = args.as_slice() else {
        eprintln!("usage: response-seeds <corpus dir> <schema> [responses.jsonl ...]");
        std::process::exit(2);
    };
    let corpus = Path::new(corpus);
    std::fs::create_dir_all(corpus).expect("corpus directory");
    let model = Generator::new(schema).model().unwrap_or_else(|error| {
        eprintln!("{error}");
        std::process::exit(1);
    });
    let api = &model.api;
    let mut seeds = Seeds { corpus, written: 0 };
    for (index, op) in api.operations.iter().enumerate() {
        let success = match op.returns() {
            Returns::Json(shape) | Returns::JsonIfAny(shape) => {
                json_reply(200, &test_support::sweep::example(api, shape, true))
            }
            Returns::Text(_) => reply(200, Some(3), b"abc: 1\n".to_vec()),
            Returns::Bytes(_) => reply(200, Some(5), b"\x00\x01abc".to_vec()),
            Returns::Nothing => reply(204, None, Vec::new()),
            Returns::ByStatus => json_reply(200, &json!({})),
        };
        seeds.write(
            &format!("{index:04}-success"),
            index,
            false,
            vec![success.clone()],
        );
        seeds.write(
            &format!("{index:04}-success-with-response"),
            index,
            true,
            vec![success],
        );
        if let Some(paging) = &op.paging {
            let page = test_support::sweep::example(
                api,
                &authentik_codegen::ir::Shape::Named(paging.page_type),
                true,
            );
            let with_next = |next: i64| {
                let mut page = page.clone();
                page["pagination"]["next"] = json!(next);
                json_reply(200, &page)
            };
            seeds.stream(
                &format!("{index:04}-pages"),
                index,
                vec![with_next(2), with_next(0)],
            );
        }
        // Error answers and faults for every seventh operation: the fuzzer
        // carries them to the others by changing the index.
        if index % 7 == 0 {
            for (name, replies) in faults() {
                seeds.write(&format!("{index:04}-{name}"), index, false, replies);
            }
        }
    }
    for file in saved {
        let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{file}: {e}"));
        for (line, entry) in text.lines().enumerate() {
            let entry: Value =
                serde_json::from_str(entry).unwrap_or_else(|e| panic!("{file}:{}: {e}", line + 1));
            let Some(index) = api
                .operations
                .iter()
                .position(|op| entry["operation"] == op.id.as_str())
            else {
                continue;
            };
            let status = entry["status"]
                .as_u64()
                .and_then(|s| u16::try_from(s).ok())
                .unwrap_or(200);
            let body = match &entry["body"] {
                Value::String(text) => text.clone().into_bytes(),
                Value::Array(bytes) => bytes
                    .iter()
                    .filter_map(|b| b.as_u64())
                    .map(|b| b as u8)
                    .collect(),
                _ => Vec::new(),
            };
            let name = format!("{index:04}-live-{}", line + 1);
            seeds.write(
                &name,
                index,
                false,
                vec![reply(status.clamp(100, 599), JSON, body)],
            );
        }
    }
    println!("{} response seeds in {}", seeds.written, corpus.display());
}

/// The fault tests' misbehaving answers, and the declared error bodies.
fn faults() -> Vec<(&'static str, Vec<Reply>)> {
    let invitation = r#"{"pk": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "name": "x", "created_by": {"pk": 1, "username": "u", "name": "n", "uid": "i"}, "flow_obj": null}"#;
    vec![
        (
            "validation-error",
            vec![json_reply(
                400,
                &json!({"non_field_errors": ["bad"], "name": ["This field is required."]}),
            )],
        ),
        (
            "generic-error",
            vec![json_reply(
                403,
                &json!({"detail": "Not allowed.", "code": "permission_denied"}),
            )],
        ),
        (
            "not-found-html",
            vec![reply(
                404,
                Some(2),
                b"<html><body>Not Found</body></html>".to_vec(),
            )],
        ),
        (
            "login-page",
            vec![reply(200, Some(2), b"<html>login</html>".to_vec())],
        ),
        (
            "cut-json",
            vec![reply(200, JSON, invitation.as_bytes()[..40].to_vec())],
        ),
        (
            "not-utf8",
            vec![reply(200, JSON, b"{\"name\": \"\xff\xfe\"}".to_vec())],
        ),
        (
            "unavailable-then-ok",
            vec![
                json_reply(503, &json!({"detail": "maintenance"})),
                reply(200, JSON, invitation.as_bytes().to_vec()),
            ],
        ),
        (
            "too-large",
            vec![reply(
                200,
                JSON,
                format!("{{\"pad\": \"{}\"}}", "x".repeat(70 * 1024)).into_bytes(),
            )],
        ),
    ]
}

fn reply(status: u16, content_type: Option<u8>, body: Vec<u8>) -> Reply {
    Reply {
        status,
        content_type,
        headers: Vec::new(),
        body,
    }
}

fn json_reply(status: u16, value: &Value) -> Reply {
    reply(status, JSON, value.to_string().into_bytes())
}

/// Where seeds go, and how many went.
struct Seeds<'a> {
    corpus: &'a Path,
    written: usize,
}

impl Seeds<'_> {
    fn write(&mut self, name: &str, index: usize, with_response: bool, replies: Vec<Reply>) {
        self.save(
            name,
            Input {
                operation: operation(index),
                stream: false,
                with_response,
                replies,
            },
        );
    }

    fn stream(&mut self, name: &str, index: usize, replies: Vec<Reply>) {
        self.save(
            name,
            Input {
                operation: operation(index),
                stream: true,
                with_response: false,
                replies,
            },
        );
    }

    fn save(&mut self, name: &str, input: Input) {
        let path = self.corpus.join(name);
        let bytes = input.encode();
        assert_eq!(Input::parse(&bytes), input, "{name} reads back as written");
        std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        self.written += 1;
    }
}

fn operation(index: usize) -> u16 {
    u16::try_from(index).expect("under 65,536 operations")
}
