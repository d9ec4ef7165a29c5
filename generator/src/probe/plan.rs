//! Which GET operations a probe of a live server calls, and how it reaches
//! those that name one object.
//!
//! A GET with no path parameter and no required parameter is called as it
//! is. One whose only path parameter names an object is called with the
//! ids of the first objects that the list at its path's prefix returns
//! (`/core/groups/` leads to `/core/groups/{group_uuid}/` and
//! `/core/groups/{group_uuid}/used_by/`). Everything else is left out,
//! with the reason. `check-server` and the live test suite both follow
//! this plan, so their calls are the same calls.

use std::collections::BTreeMap;

use crate::ir::{
    Api, Content, Method, Operation, ParamLocation, Presence, Shape, TypeId, TypeKind,
};

/// How many listed objects each following operation is called for.
pub const PER_LIST: usize = 3;

/// GET operations no probe may call: authentik's GETs that change state.
const SIDE_EFFECTS: &[(&str, &str)] = &[(
    "core_users_impersonate_end_retrieve",
    "ends the caller's impersonation: a GET with a side effect",
)];

/// The calls of a probe, by index into [`Api::operations`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// Operations called as they are, in document order.
    pub direct: Vec<usize>,
    /// Lists whose objects lead to operations that name one of them, in
    /// document order of the list.
    pub follows: Vec<Follow>,
    /// GET operations left out, with why, in document order.
    pub skipped: Vec<(usize, String)>,
}

/// A list and the operations its objects lead to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Follow {
    /// The list operation (also in [`Plan::direct`]).
    pub list: usize,
    /// The type of the objects in its `results`.
    pub item: TypeId,
    /// The operations called once per listed object.
    pub followers: Vec<Follower>,
}

/// An operation called with an id from a listed object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Follower {
    /// The operation.
    pub operation: usize,
    /// Its one path parameter, by index into its parameters.
    pub param: usize,
    /// The field of the listed object that is its path parameter: the
    /// field named like the parameter, else `pk`, always present, never
    /// `null` and of the parameter's type. An index into the item
    /// struct's fields.
    pub field: usize,
}

impl Plan {
    /// The plan for every GET operation of `api`.
    pub fn new(api: &Api) -> Self {
        let mut plan = Self::default();
        let lists: BTreeMap<&str, (usize, TypeId)> = api
            .operations
            .iter()
            .enumerate()
            .filter(|(_, op)| op.method == Method::Get && skip_reason(op).is_none())
            .filter_map(|(index, op)| Some((op.path.as_str(), (index, listed_item(api, op)?))))
            .collect();
        let mut follows: BTreeMap<usize, Follow> = BTreeMap::new();
        for (index, op) in api.operations.iter().enumerate() {
            if op.method != Method::Get {
                continue;
            }
            let path_params: Vec<_> = op
                .parameters
                .iter()
                .enumerate()
                .filter(|(_, p)| p.location == ParamLocation::Path)
                .collect();
            if path_params.is_empty() {
                match skip_reason(op) {
                    Some(reason) => plan.skipped.push((index, reason)),
                    None => plan.direct.push(index),
                }
                continue;
            }
            if let Some(reason) = side_effect(op).or_else(|| required_query(op)) {
                plan.skipped.push((index, reason));
                continue;
            }
            let lead = match path_params.as_slice() {
                &[(param_index, param)] => op
                    .path
                    .split_once(&format!("{{{}}}", param.wire_name))
                    .and_then(|(prefix, _)| lists.get(prefix))
                    .and_then(|&(list, item)| {
                        let field = id_field(api, item, &param.wire_name, &param.shape)?;
                        Some((list, item, param_index, field))
                    }),
                _ => None,
            };
            match lead {
                Some((list, item, param, field)) => follows
                    .entry(list)
                    .or_insert_with(|| Follow {
                        list,
                        item,
                        followers: Vec::new(),
                    })
                    .followers
                    .push(Follower {
                        operation: index,
                        param,
                        field,
                    }),
                None => plan
                    .skipped
                    .push((index, "no list leads to its path parameters".into())),
            }
        }
        plan.follows = follows.into_values().collect();
        plan
    }

    /// How many operations the plan may call: the direct ones and every
    /// follower (called only when its list returns objects).
    pub fn planned(&self) -> usize {
        self.direct.len()
            + self
                .follows
                .iter()
                .map(|f| f.followers.len())
                .sum::<usize>()
    }

    /// How many GET operations the API has: those planned and those left
    /// out.
    pub fn gets(&self) -> usize {
        self.planned() + self.skipped.len()
    }
}

/// Why an operation without path parameters is left out, if it is.
fn skip_reason(op: &Operation) -> Option<String> {
    if op
        .parameters
        .iter()
        .any(|p| p.location == ParamLocation::Path)
    {
        return Some("has path parameters".into());
    }
    side_effect(op).or_else(|| required_query(op))
}

fn side_effect(op: &Operation) -> Option<String> {
    SIDE_EFFECTS
        .iter()
        .find(|(id, _)| *id == op.id)
        .map(|(_, why)| (*why).to_string())
}

/// A probe invents no values: a required parameter other than the path's
/// leaves the operation out.
fn required_query(op: &Operation) -> Option<String> {
    op.parameters
        .iter()
        .find(|p| p.required && p.location != ParamLocation::Path)
        .map(|p| format!("needs the required parameter `{}`", p.wire_name))
}

/// The type of the objects of a paginated list operation's `results`.
fn listed_item(api: &Api, op: &Operation) -> Option<TypeId> {
    let Content::Json(Shape::Named(page)) = &op.success()?.content else {
        return None;
    };
    let TypeKind::Struct(page) = &api.ty(*page).kind else {
        return None;
    };
    let results = page.fields.iter().find(|f| f.wire_name == "results")?;
    match &results.shape {
        Shape::List(item) => match item.shape {
            Shape::Named(id) if matches!(api.ty(id).kind, TypeKind::Struct(_)) => Some(id),
            _ => None,
        },
        _ => None,
    }
}

/// The field of `item` that holds a value for the path parameter.
fn id_field(api: &Api, item: TypeId, wire_name: &str, shape: &Shape) -> Option<usize> {
    let TypeKind::Struct(object) = &api.ty(item).kind else {
        return None;
    };
    let usable = |name: &str| {
        object.fields.iter().position(|f| {
            f.wire_name == name
                && f.presence == Presence::Required
                && !f.nullable
                && api.unalias(&f.shape) == api.unalias(shape)
        })
    };
    usable(wire_name).or_else(|| usable("pk"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Generator;

    fn plan_of(yaml: &str) -> (Api, Plan) {
        let source = crate::load::Source::new("plan.yml", yaml);
        let model = Generator::from_source(source).model().unwrap();
        let plan = Plan::new(&model.api);
        (model.api, plan)
    }

    const SCHEMA: &str = r##"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /groups/:
    get:
      operationId: groups_list
      parameters:
        - {name: page, in: query, schema: {type: integer}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/PaginatedGroupList"}
  /groups/{group_uuid}/:
    get:
      operationId: groups_retrieve
      parameters:
        - {name: group_uuid, in: path, required: true, schema: {type: string, format: uuid}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Group"}
  /groups/{id}/used_by/:
    get:
      operationId: groups_used_by
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer}}
      responses:
        "200": {description: ok}
  /search/:
    get:
      operationId: search
      parameters:
        - {name: q, in: query, required: true, schema: {type: string}}
      responses:
        "200": {description: ok}
  /things/{thing}/:
    get:
      operationId: things_retrieve
      parameters:
        - {name: thing, in: path, required: true, schema: {type: string}}
      responses:
        "200": {description: ok}
components:
  schemas:
    PaginatedGroupList:
      type: object
      required: [results]
      properties:
        results: {type: array, items: {$ref: "#/components/schemas/Group"}}
    Group:
      type: object
      required: [group_uuid, pk]
      properties:
        group_uuid: {type: string, format: uuid}
        pk: {type: integer}
"##;

    #[test]
    fn lists_lead_to_the_operations_under_their_path() {
        let (api, plan) = plan_of(SCHEMA);
        let id = |name: &str| api.operations.iter().position(|o| o.id == name).unwrap();
        assert_eq!(plan.direct, vec![id("groups_list")]);
        let follow = &plan.follows[0];
        assert_eq!(follow.list, id("groups_list"));
        // By name where a field has the parameter's name and type, else `pk`.
        assert_eq!(
            follow.followers,
            vec![
                Follower {
                    operation: id("groups_retrieve"),
                    param: 0,
                    field: 0
                },
                Follower {
                    operation: id("groups_used_by"),
                    param: 0,
                    field: 1
                },
            ]
        );
        assert_eq!(plan.planned(), 3);
        assert_eq!(plan.gets(), 5);
        let skipped: Vec<_> = plan
            .skipped
            .iter()
            .map(|(i, why)| (api.operations[*i].id.as_str(), why.as_str()))
            .collect();
        assert_eq!(
            skipped,
            vec![
                ("search", "needs the required parameter `q`"),
                ("things_retrieve", "no list leads to its path parameters"),
            ]
        );
    }
}
