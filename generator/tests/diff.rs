//! The breaking / non-breaking classification of `diff`, on small schemas.

use authentik_codegen::diff::{diff, ChangeKind, Report};
use authentik_codegen::{Generator, Source};

const HEAD: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n";

fn schema(paths: &str, schemas: &str) -> String {
    format!("{HEAD}paths:\n{paths}components:\n  schemas:\n{schemas}")
}

const PATHS: &str = concat!(
    "  /things/:\n",
    "    post:\n      operationId: things_create\n      tags: [things]\n",
    "      requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/ThingRequest'}}}}\n",
    "      responses: {'201': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Thing'}}}}}\n",
    "  /things/{id}/:\n",
    "    get:\n      operationId: things_retrieve\n      tags: [things]\n",
    "      parameters: [{name: id, in: path, required: true, schema: {type: integer}}]\n",
    "      responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Thing'}}}}}\n",
);

const BASE: &str = concat!(
    "    Thing:\n      type: object\n      properties: {name: {type: string}, kind: {$ref: '#/components/schemas/Kind'}}\n      required: [name]\n",
    "    ThingRequest:\n      type: object\n      properties: {name: {type: string}}\n",
    "    Kind: {type: string, enum: [a, b]}\n",
);

fn report(old: &str, new: &str) -> Report {
    let model = |text: String| {
        Generator::from_source(Source::new("s.yml", text))
            .model()
            .expect("models")
    };
    diff(&model(old.to_string()), &model(new.to_string()))
}

fn only(report: &Report) -> (ChangeKind, bool, String) {
    assert_eq!(report.changes.len(), 1, "{}", report.to_text());
    let change = &report.changes[0];
    (change.kind, change.breaking, change.item.clone())
}

#[test]
fn the_same_schema_has_no_changes() {
    let text = schema(PATHS, BASE);
    assert!(report(&text, &text).changes.is_empty());
}

#[test]
fn fields_added_to_responses_break_nothing_but_required_ones_in_requests_do() {
    let old = schema(PATHS, BASE);
    let response = schema(
        PATHS,
        &BASE.replace(
            "kind: {$ref: '#/components/schemas/Kind'}}",
            "kind: {$ref: '#/components/schemas/Kind'}, extra: {type: integer}}",
        ),
    );
    assert_eq!(
        only(&report(&old, &response)),
        (ChangeKind::FieldAdded, false, "types::Thing::extra".into())
    );

    // An optional field in a request type that has Default: `..Default::default()` still compiles.
    let optional = schema(
        PATHS,
        &BASE.replace(
            "properties: {name: {type: string}}\n",
            "properties: {name: {type: string}, note: {type: string}}\n",
        ),
    );
    assert_eq!(
        only(&report(&old, &optional)),
        (
            ChangeKind::FieldAdded,
            false,
            "types::ThingRequest::note".into()
        )
    );

    let required = schema(
        PATHS,
        &BASE.replace(
            "properties: {name: {type: string}}\n",
            "properties: {name: {type: string}, note: {type: string}}\n      required: [note]\n",
        ),
    );
    let changes = report(&old, &required);
    assert!(
        changes
            .changes
            .iter()
            .any(|c| c.kind == ChangeKind::FieldAdded && c.breaking),
        "{}",
        changes.to_text()
    );
}

#[test]
fn presence_nullability_and_type_changes_are_breaking() {
    let old = schema(PATHS, BASE);
    let optional = schema(PATHS, &BASE.replace("      required: [name]\n", ""));
    let (kind, breaking, item) = only(&report(&old, &optional));
    assert_eq!(
        (kind, breaking, item.as_str()),
        (ChangeKind::FieldPresenceChanged, true, "types::Thing::name")
    );
    let nullable = schema(
        PATHS,
        &BASE.replace(
            "name: {type: string}, kind",
            "name: {type: string, nullable: true}, kind",
        ),
    );
    assert_eq!(
        only(&report(&old, &nullable)).0,
        ChangeKind::FieldNullabilityChanged
    );
    let retyped = schema(
        PATHS,
        &BASE.replace("name: {type: string}, kind", "name: {type: integer}, kind"),
    );
    let change = &report(&old, &retyped).changes[0];
    assert_eq!(
        (change.kind, change.breaking),
        (ChangeKind::FieldRetyped, true)
    );
    assert_eq!(change.detail, "String -> i64");
}

#[test]
fn enum_values_added_are_compatible_and_removed_ones_are_not() {
    let old = schema(PATHS, BASE);
    let added = schema(PATHS, &BASE.replace("enum: [a, b]", "enum: [a, b, c]"));
    assert_eq!(
        only(&report(&old, &added)),
        (ChangeKind::EnumValueAdded, false, "types::Kind".into())
    );
    let removed = schema(PATHS, &BASE.replace("enum: [a, b]", "enum: [a]"));
    assert_eq!(
        only(&report(&old, &removed)),
        (ChangeKind::EnumValueRemoved, true, "types::Kind".into())
    );
}

#[test]
fn operations_added_are_compatible_and_removed_or_retyped_ones_are_not() {
    let old = schema(PATHS, BASE);
    let removed_paths = PATHS
        .split("  /things/{id}/:")
        .next()
        .expect("first path")
        .to_string();
    let removed = schema(&removed_paths, BASE);
    assert_eq!(
        only(&report(&old, &removed)),
        (
            ChangeKind::OperationRemoved,
            true,
            "client.things().retrieve".into()
        )
    );
    assert_eq!(
        only(&report(&removed, &old)),
        (
            ChangeKind::OperationAdded,
            false,
            "client.things().retrieve".into()
        )
    );
    let retyped = schema(
        &PATHS.replace("schema: {type: integer}", "schema: {type: string}"),
        BASE,
    );
    let (kind, breaking, _) = only(&report(&old, &retyped));
    assert_eq!((kind, breaking), (ChangeKind::ParameterChanged, true));
}

/// The report names types exactly as the generated code writes them: a
/// file in a multipart body is a `FilePart`, a 204 that declares a body
/// returns an `Option`.
#[test]
fn reported_types_are_the_generated_types() {
    let paths = |status: u16| {
        format!(
            concat!(
                "  /things/{{id}}/:\n",
                "    get:\n      operationId: things_retrieve\n      tags: [things]\n",
                "      parameters: [{{name: id, in: path, required: true, schema: {{type: integer}}}}]\n",
                "      responses: {{'{status}': {{description: ok, content: {{application/json: {{schema: {{$ref: '#/components/schemas/Thing'}}}}}}}}}}\n",
                "  /uploads/:\n",
                "    post:\n      operationId: things_upload\n      tags: [things]\n",
                "      requestBody: {{content: {{multipart/form-data: {{schema: {{$ref: '#/components/schemas/Upload'}}}}}}}}\n",
                "      responses: {{'204': {{description: done}}}}\n",
            ),
            status = status
        )
    };
    let schemas = |file_format: &str| {
        format!(
            "{BASE}    Upload:\n      type: object\n      properties: {{file: {{type: string{file_format}}}, note: {{type: string, format: binary}}}}\n      required: [file]\n"
        )
    };
    let old = schema(&paths(200), &schemas(""));
    let new = schema(&paths(204), &schemas(", format: binary"));
    let report = report(&old, &new);
    let detail = |kind: ChangeKind| {
        report
            .changes
            .iter()
            .find(|c| c.kind == kind)
            .map(|c| c.detail.clone())
            .unwrap_or_else(|| panic!("no {kind:?} in {}", report.to_text()))
    };
    assert_eq!(detail(ChangeKind::FieldRetyped), "String -> FilePart");
    assert_eq!(
        detail(ChangeKind::ResponseChanged),
        "Thing -> Option<Thing>"
    );

    let generated = Generator::from_source(Source::new("s.yml", new))
        .generate()
        .expect("generates");
    let text = |path: &str| {
        generated
            .files
            .iter()
            .find(|f| f.path.to_str() == Some(path))
            .map(|f| f.contents.clone())
            .unwrap_or_else(|| panic!("no {path}"))
    };
    assert!(
        text("src/types.rs").contains("pub file: super::runtime::FilePart,"),
        "{}",
        text("src/types.rs")
    );
    assert!(
        text("src/apis/things.rs")
            .contains("-> runtime::Call<'a, Option<types::Thing>, runtime::JsonIfAny>"),
        "{}",
        text("src/apis/things.rs")
    );
}

#[test]
fn alternatives_appearing_beside_the_fields_break_builders() {
    let old = schema(PATHS, BASE);
    let new = schema(
        PATHS,
        &format!(
            "{}    Extra: {{type: object, properties: {{x: {{type: integer}}}}}}\n",
            BASE.replace(
                "    ThingRequest:\n      type: object\n      properties: {name: {type: string}}\n",
                "    ThingRequest:\n      type: object\n      properties: {name: {type: string}}\n      oneOf: [{$ref: '#/components/schemas/Extra'}]\n",
            )
        ),
    );
    let report = report(&old, &new);
    let change = report
        .changes
        .iter()
        .find(|c| c.item == "types::ThingRequest::variant")
        .unwrap_or_else(|| panic!("{}", report.to_text()));
    assert_eq!(
        (change.kind, change.breaking),
        (ChangeKind::FieldAdded, true)
    );
    assert_eq!(change.detail, "Extra");
}
