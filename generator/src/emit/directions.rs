//! Which half of serde each type implements.
//!
//! A type the client only sends needs `Serialize`; one it only receives
//! needs `Deserialize` (authentik's read-only fields make its request and
//! response types distinct, so most types travel one way). Deriving only
//! that half roughly halves the serde code rustc checks and compiles. The
//! other half, for users who cache responses or replay requests, is behind
//! the generated crate's `round-trip` feature ([`RoundTrip::Feature`]).

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::analysis::{self, Travel};
use crate::ir::{Api, Operation, TypeId};

/// The cargo feature that gives every type both serde halves.
pub const ROUND_TRIP_FEATURE: &str = "round-trip";

/// What a type gets of the serde half it does not travel by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoundTrip {
    /// Nothing: each type implements only the half it travels by.
    AsTraveled,
    /// The other half behind the `round-trip` cargo feature (for a
    /// standalone crate, whose manifest declares it).
    Feature,
    /// Both halves, always.
    Always,
}

/// One half of serde.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Half {
    /// `Serialize`: the client can encode the type.
    Serialize,
    /// `Deserialize`: the client can decode the type.
    Deserialize,
}

/// Whether a type implements one half.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// Always implemented.
    Always,
    /// Implemented with the `round-trip` feature.
    Feature,
    /// Not implemented.
    Omitted,
}

impl Gate {
    /// An impl item, gated as this says.
    pub fn item(self, item: TokenStream) -> TokenStream {
        match self {
            Gate::Always => item,
            Gate::Feature => quote! { #[cfg(feature = #ROUND_TRIP_FEATURE)] #item },
            Gate::Omitted => TokenStream::new(),
        }
    }

    /// The attribute `#[meta]`, gated as this says: a `cfg_attr` behind
    /// the feature.
    pub fn attr(self, meta: TokenStream) -> TokenStream {
        match self {
            Gate::Always => quote! { #[#meta] },
            Gate::Feature => quote! { #[cfg_attr(feature = #ROUND_TRIP_FEATURE, #meta)] },
            Gate::Omitted => TokenStream::new(),
        }
    }
}

/// The serde halves of every type.
#[derive(Debug, Clone)]
pub struct Directions {
    travel: Vec<Travel>,
    round_trip: RoundTrip,
}

impl Directions {
    /// The halves the given operations need, and the rest as `round_trip` says.
    pub fn new<'a>(
        api: &Api,
        operations: impl IntoIterator<Item = &'a Operation>,
        round_trip: RoundTrip,
    ) -> Self {
        Self {
            travel: analysis::directions(api, operations),
            round_trip,
        }
    }

    /// Both halves on every type.
    pub fn both(api: &Api) -> Self {
        let both = Travel {
            sent: true,
            received: true,
        };
        Self {
            travel: vec![both; api.types.len()],
            round_trip: RoundTrip::Always,
        }
    }

    /// Whether the generated crate declares the `round-trip` feature.
    pub fn needs_feature(&self) -> bool {
        self.round_trip == RoundTrip::Feature
    }

    /// How type `id` implements `half`.
    pub fn gate(&self, id: TypeId, half: Half) -> Gate {
        let travel = self.travel[id.0];
        let travels = match half {
            Half::Serialize => travel.sent,
            Half::Deserialize => travel.received,
        };
        match (travels, self.round_trip) {
            (true, _) | (false, RoundTrip::Always) => Gate::Always,
            (false, RoundTrip::Feature) => Gate::Feature,
            (false, RoundTrip::AsTraveled) => Gate::Omitted,
        }
    }

    /// The serde derives of type `id`: those it always has, to join its
    /// `#[derive(...)]`, and an attribute deriving those behind the feature,
    /// which also carries `extra` (container attributes such as
    /// `serde(untagged)`, which need a serde derive beside them).
    /// `custom` names a half the type implements by hand instead.
    pub fn derives(
        &self,
        id: TypeId,
        custom: Option<Half>,
        extra: Option<TokenStream>,
    ) -> (Vec<TokenStream>, TokenStream) {
        let mut always = Vec::new();
        let mut gated = Vec::new();
        for half in [Half::Serialize, Half::Deserialize] {
            if custom == Some(half) {
                continue;
            }
            let path = match half {
                Half::Serialize => quote! { ::serde::Serialize },
                Half::Deserialize => quote! { ::serde::Deserialize },
            };
            match self.gate(id, half) {
                Gate::Always => always.push(path),
                Gate::Feature => gated.push(path),
                Gate::Omitted => {}
            }
        }
        let extra: Vec<TokenStream> = extra.into_iter().collect();
        let attr = match (always.is_empty(), gated.is_empty()) {
            // No serde derive at all: the attribute would name nothing.
            (true, true) => TokenStream::new(),
            (false, true) => quote! { #(#[#extra])* },
            (true, false) => Gate::Feature.attr(quote! { derive(#(#gated),*) #(, #extra)* }),
            (false, false) => {
                let derive = Gate::Feature.attr(quote! { derive(#(#gated),*) });
                quote! { #derive #(#[#extra])* }
            }
        };
        (always, attr)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::Source;
    use crate::Generator;

    const SCHEMA: &str = concat!(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n",
        "  /things/:\n    post:\n      operationId: things_create\n",
        "      requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/ThingRequest'}}}}\n",
        "      responses:\n",
        "        '201': {description: made, content: {application/json: {schema: {$ref: '#/components/schemas/Thing'}}}}\n",
        "        '400': {description: bad, content: {application/json: {schema: {$ref: '#/components/schemas/Problem'}}}}\n",
        "components:\n  schemas:\n",
        "    Colour: {type: string, enum: [red, blue]}\n",
        "    ThingRequest: {type: object, properties: {colour: {$ref: '#/components/schemas/Colour'}}}\n",
        "    Thing: {type: object, properties: {colour: {$ref: '#/components/schemas/Colour'}, owner: {$ref: '#/components/schemas/Owner'}}}\n",
        "    Owner: {type: object, properties: {name: {type: string}}}\n",
        "    Problem: {type: object, properties: {detail: {type: string}}}\n",
        "    Spare: {type: object, properties: {owner: {$ref: '#/components/schemas/Owner'}}}\n",
    );

    fn gates(round_trip: RoundTrip) -> Vec<(String, Gate, Gate)> {
        let model = Generator::from_source(Source::new("t.yml", SCHEMA))
            .model()
            .unwrap();
        let directions = Directions::new(&model.api, &model.api.operations, round_trip);
        (0..model.api.types.len())
            .map(|index| {
                let id = TypeId(index);
                (
                    model.names.types[index].clone(),
                    directions.gate(id, Half::Serialize),
                    directions.gate(id, Half::Deserialize),
                )
            })
            .collect()
    }

    fn gate_of(gates: &[(String, Gate, Gate)], name: &str) -> (Gate, Gate) {
        let (_, ser, de) = gates.iter().find(|(n, _, _)| n == name).unwrap();
        (*ser, *de)
    }

    #[test]
    fn each_type_gets_the_half_it_travels_by_and_the_other_behind_the_feature() {
        let gates = gates(RoundTrip::Feature);
        use Gate::{Always, Feature};
        assert_eq!(gate_of(&gates, "ThingRequest"), (Always, Feature));
        assert_eq!(gate_of(&gates, "Thing"), (Feature, Always));
        // Sent in the request and received in the response.
        assert_eq!(gate_of(&gates, "Colour"), (Always, Always));
        // Error bodies are written back by `Error`'s `Display`.
        assert_eq!(gate_of(&gates, "Problem"), (Always, Always));
        // Nothing says how an unused type travels.
        assert_eq!(gate_of(&gates, "Spare"), (Always, Always));
        // And what it holds needs both too, though an operation receives it.
        assert_eq!(gate_of(&gates, "Owner"), (Always, Always));
    }

    #[test]
    fn the_other_half_is_left_out_or_always_there_as_asked() {
        let gates_as_traveled = gates(RoundTrip::AsTraveled);
        assert_eq!(
            gate_of(&gates_as_traveled, "Thing"),
            (Gate::Omitted, Gate::Always)
        );
        let gates_always = gates(RoundTrip::Always);
        assert_eq!(
            gate_of(&gates_always, "Thing"),
            (Gate::Always, Gate::Always)
        );
    }

    #[test]
    fn container_attributes_follow_the_derives_they_need() {
        let model = Generator::from_source(Source::new("t.yml", SCHEMA))
            .model()
            .unwrap();
        let directions = Directions::new(&model.api, &model.api.operations, RoundTrip::Feature);
        let thing = TypeId(
            model
                .names
                .types
                .iter()
                .position(|name| name == "Thing")
                .unwrap(),
        );
        // Deserialize is written by hand and Serialize is gated: the
        // container attribute must be gated with it.
        let (always, attr) = directions.derives(
            thing,
            Some(Half::Deserialize),
            Some(quote! { serde(untagged) }),
        );
        assert!(always.is_empty());
        assert_eq!(
            attr.to_string(),
            quote! { #[cfg_attr(feature = "round-trip", derive(::serde::Serialize), serde(untagged))] }
                .to_string()
        );
        let (always, attr) = directions.derives(thing, None, Some(quote! { serde(untagged) }));
        assert_eq!(always.len(), 1);
        assert!(attr.to_string().contains("serde (untagged)"), "{attr}");
    }
}
