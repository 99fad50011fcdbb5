//! JSON text exactly as Python's `json.dumps` writes it with default arguments.
//!
//! The Python library writes every databag value with `json.dumps(value)`: separators `", "` and
//! `": "`, `ensure_ascii` (every character outside printable ASCII escaped as `\uXXXX`, lowercase
//! hex, surrogate pairs above the BMP), short escapes for `"`, `\`, newline, carriage return, tab,
//! backspace and form feed, and keys in insertion order. Matching it byte for byte means a databag
//! written by this crate and one written by the Python library are identical.

use serde_json::{Map, Value};

/// Serialises a JSON value the way Python's `json.dumps(value)` does.
pub fn dumps(value: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, value);
    out
}

/// Serialises a string as a JSON string literal, the way Python's `json.dumps(text)` does.
pub fn dumps_str(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    write_str(&mut out, text);
    out
}

/// Parses JSON text into a value, keeping the order of object keys.
pub fn loads(text: &str) -> Result<Value, serde_json::Error> {
    serde_json::from_str(text)
}

/// Python's truth value of the decoded JSON: `null`, `false`, `0`, `0.0`, `""`, `[]` and `{}`
/// are false, everything else is true.
pub fn is_truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(flag) => *flag,
        Value::Number(number) => number.as_f64().is_some_and(|float| float != 0.0),
        Value::String(text) => !text.is_empty(),
        Value::Array(items) => !items.is_empty(),
        Value::Object(map) => !map.is_empty(),
    }
}

/// Python's `==` on the decoded JSON: numbers compare by value (`1 == 1.0`), objects whatever
/// the order of their keys, everything else as JSON (a boolean is never a number here).
pub fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(x), Some(y)) => x == y,
            _ => match (x.as_u64(), y.as_u64()) {
                (Some(x), Some(y)) => x == y,
                _ => x.as_f64().is_some_and(|x| y.as_f64() == Some(x)),
            },
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| equal(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(key, x)| y.get(key).is_some_and(|y| equal(x, y)))
        }
        _ => a == b,
    }
}

fn write_value(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(number) => write_number(out, number),
        Value::String(text) => write_str(out, text),
        Value::Array(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push_str(", ");
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => write_object(out, map),
    }
}

fn write_object(out: &mut String, map: &Map<String, Value>) {
    out.push('{');
    for (index, (key, item)) in map.iter().enumerate() {
        if index > 0 {
            out.push_str(", ");
        }
        write_str(out, key);
        out.push_str(": ");
        write_value(out, item);
    }
    out.push('}');
}

fn write_number(out: &mut String, number: &serde_json::Number) {
    if number.is_i64() || number.is_u64() {
        out.push_str(&number.to_string());
        return;
    }
    match number.as_f64() {
        Some(float) => out.push_str(&python_float_repr(float)),
        None => out.push_str(&number.to_string()),
    }
}

/// Python's `repr(float)`: the shortest round-tripping digits, `1.0` rather than `1`, and an
/// exponent with an explicit sign (`1e+16`) from 1e16 up and below 1e-4.
fn python_float_repr(float: f64) -> String {
    let magnitude = float.abs();
    if float != 0.0 && !(1e-4..1e16).contains(&magnitude) {
        let text = format!("{float:e}");
        match text.split_once('e') {
            Some((mantissa, exponent)) => {
                let (sign, digits) = match exponent.strip_prefix('-') {
                    Some(digits) => ('-', digits),
                    None => ('+', exponent),
                };
                let digits = if digits.len() < 2 {
                    format!("0{digits}")
                } else {
                    digits.to_string()
                };
                format!("{mantissa}e{sign}{digits}")
            }
            None => text,
        }
    } else {
        let text = format!("{float}");
        if text.contains('.') {
            text
        } else {
            format!("{text}.0")
        }
    }
}

fn write_str(out: &mut String, text: &str) {
    out.push('"');
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(ch),
            _ => {
                let mut units = [0u16; 2];
                for unit in ch.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn separators_are_comma_space_and_colon_space() {
        assert_eq!(
            dumps(&json!({"a": 1, "b": [1, 2]})),
            r#"{"a": 1, "b": [1, 2]}"#
        );
    }

    #[test]
    fn key_order_is_insertion_order() {
        let value = loads(r#"{"z": 1, "a": 2, "m": 3}"#).unwrap_or_default();
        assert_eq!(dumps(&value), r#"{"z": 1, "a": 2, "m": 3}"#);
    }

    #[test]
    fn nulls_inside_arrays_and_objects_are_kept() {
        assert_eq!(
            dumps(&json!([null, {"k": null}, false])),
            r#"[null, {"k": null}, false]"#
        );
    }

    #[test]
    fn empty_containers() {
        assert_eq!(dumps(&json!({"a": [], "b": {}})), r#"{"a": [], "b": {}}"#);
    }

    #[test]
    fn ensure_ascii_escapes_non_ascii_with_lowercase_hex() {
        assert_eq!(dumps_str("é"), r#""\u00e9""#);
        assert_eq!(dumps_str("\u{7f}"), r#""\u007f""#);
        assert_eq!(dumps_str("中"), r#""\u4e2d""#);
    }

    #[test]
    fn characters_above_the_bmp_become_surrogate_pairs() {
        assert_eq!(dumps_str("😀"), r#""\ud83d\ude00""#);
    }

    #[test]
    fn short_escapes_and_control_characters() {
        assert_eq!(dumps_str("\"\\\n\r\t\u{8}\u{c}"), r#""\"\\\n\r\t\b\f""#);
        assert_eq!(dumps_str("\u{1}"), r#""\u0001""#);
        assert_eq!(dumps_str("a/b"), r#""a/b""#);
    }

    #[test]
    fn nested_structures() {
        let value = json!({"p": [{"resource_name": "t", "privileges": ["SELECT", "é"]}]});
        assert_eq!(
            dumps(&value),
            r#"{"p": [{"resource_name": "t", "privileges": ["SELECT", "\u00e9"]}]}"#
        );
    }

    #[test]
    fn numbers_follow_python_repr() {
        assert_eq!(
            dumps(&json!([1, -2, 1.5, 1.0, 1e16, 1e-5, 0.0001])),
            "[1, -2, 1.5, 1.0, 1e+16, 1e-05, 0.0001]"
        );
    }

    #[test]
    fn truthiness_follows_python() {
        for falsy in [
            json!(null),
            json!(false),
            json!(0),
            json!(0.0),
            json!(""),
            json!([]),
            json!({}),
        ] {
            assert!(!is_truthy(&falsy), "{falsy}");
        }
        for truthy in [
            json!(true),
            json!(-1),
            json!(0.5),
            json!(" "),
            json!([0]),
            json!({"a": null}),
        ] {
            assert!(is_truthy(&truthy), "{truthy}");
        }
    }

    #[test]
    fn equality_follows_python() {
        assert!(equal(&json!(1), &json!(1.0)));
        assert!(equal(
            &json!({"a": [1, {"b": 2}], "c": 3}),
            &json!({"c": 3.0, "a": [1.0, {"b": 2}]})
        ));
        assert!(!equal(&json!([1, 2]), &json!([2, 1])));
        assert!(!equal(&json!(true), &json!(1)));
        assert!(!equal(&json!("1"), &json!(1)));
        assert!(!equal(&json!({"a": 1}), &json!({"a": 1, "b": 1})));
        assert!(equal(&json!(u64::MAX), &json!(u64::MAX)));
        assert!(!equal(&json!(u64::MAX), &json!(i64::MAX)));
    }

    /// Found by the `databag` fuzz target (`core/fuzz/regressions/databag/`): the default
    /// parser read this float one unit in the last place off, so writing it back changed the
    /// bytes Python had written.
    #[test]
    fn a_float_read_from_a_databag_is_written_back_with_the_same_digits() {
        for text in ["8.929950379956775e+192", "2.2250738585072014e-308", "0.1"] {
            let value = loads(text).expect("a float parses");
            assert_eq!(dumps(&value), text);
        }
    }
}
