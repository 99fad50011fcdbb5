//! Fuzzes the databag decoders: a remote application bag of protocol-shaped or arbitrary entries
//! is read as JSON, as requests and responses (v1 and v0), as permissions and as statuses.
//! Nothing may panic; what decodes must dump back to text that decodes to the same value.

#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use data_interfaces_core::bag::Databag;
use data_interfaces_core::env::Bag;
use data_interfaces_core::model::FieldSpec;
use data_interfaces_core::{cache, json, v0, wire};
use data_interfaces_core_fuzz::support::FakeEnv;
use data_interfaces_core_fuzz::{bag, field};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

#[derive(Debug)]
struct Input {
    entries: Vec<(String, String)>,
    fields: Vec<FieldSpec>,
}

impl<'a> Arbitrary<'a> for Input {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let count = u.int_in_range(0..=2)?;
        Ok(Input {
            entries: bag(u)?,
            fields: (0..count)
                .map(|_| field(u))
                .collect::<arbitrary::Result<_>>()?,
        })
    }
}

fn decode_object(value: &Value, fields: &[FieldSpec]) {
    if let Ok(request) = wire::parse_request(value, fields) {
        let _ = format!("{request:?}");
        let _ = wire::validate_request(&request);
        let _ = wire::validate_fields(&request, fields);
        let _ = wire::request_dump(&request, fields);
    }
    if let Ok(response) = wire::parse_response(value, fields) {
        let _ = format!("{response:?}");
        let _ = wire::response_dump(&response, fields);
    }
    let _ = wire::parse_permissions(value);
}

fuzz_target!(|input: Input| {
    let mut env = FakeEnv::new("server", true);
    env.add_relation(0, "database", "client");
    for (key, value) in &input.entries {
        env.put(0, Bag::RemoteApp, key, value);
    }
    let Ok(remote) = Databag::read(&env, 0, Bag::RemoteApp) else {
        return;
    };
    for (key, _) in remote.entries() {
        let Ok(Some(value)) = remote.json(key) else {
            continue;
        };
        // Python's json.dumps form of a decoded value decodes to the same value.
        let text = json::dumps(&value);
        assert_eq!(json::loads(&text).ok().as_ref(), Some(&value), "{text}");
        decode_object(&value, &input.fields);
        if let Value::Array(items) = &value {
            for item in items {
                decode_object(item, &input.fields);
            }
        }
    }
    let _ = cache::statuses(&remote);
    let _ = v0::parse_request(&remote, &input.fields, String::new(), |_| {});
    let _ = v0::read_response(&remote, &input.fields);
});
