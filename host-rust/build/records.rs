//! The Rust API's per-field code for the contract's `request` and `response` records, generated
//! from the WIT so that a field added there needs no edit in the crate's sources:
//!
//! - `OUT_DIR/{record}_api.rs`, included by `src/api/{record}.rs`: the record with every field
//!   empty but `resource` (for `new`), one chained setter per field with the field's WIT docs,
//!   and (for a response) the clear-by-key match;
//! - `OUT_DIR/display_records.rs`, included by `src/display.rs`: the printers that redact the
//!   values of secret fields.
//!
//! The rules, from the WIT alone: the first field (`resource`) is the constructor's argument;
//! the fields named `extra` (model-subclass fields) and `cleared` (keys cleared) are lists with
//! their own hand-written methods (`extra_field`, `clear`); every other field gets a setter. A
//! field whose docs have a line "Secret group `g`." is a secret field.

use heck::{ToSnakeCase, ToUpperCamelCase};
use std::fmt::Write as _;
use std::path::Path;
use wit_parser::{Field, Resolve, Type, TypeDefKind, WorldId};

/// The records the API builds: WIT name, Rust wrapper, whether setters un-clear their key.
const RECORDS: &[(&str, &str, bool)] = &[
    ("request", "Request", false),
    ("response", "Response", true),
];

/// Fields with their own hand-written methods, not generated setters.
const LISTS_BY_HAND: &[&str] = &["extra", "cleared"];

/// Writes the generated API and printers of [`RECORDS`] into `out_dir`.
pub fn generate(resolve: &Resolve, world: WorldId, out_dir: &Path) {
    let package = resolve.worlds[world]
        .package
        .expect("the world belongs to the contract's package");
    let types = resolve.packages[package].interfaces["types"];
    let mut printers = String::new();
    for (wit_name, rust_name, unclears) in RECORDS {
        let id = resolve.interfaces[types].types[*wit_name];
        let TypeDefKind::Record(record) = &resolve.types[id].kind else {
            panic!("`{wit_name}` is not a record");
        };
        let gen = Gen { resolve };
        let api = gen.api(rust_name, &record.fields, *unclears);
        std::fs::write(out_dir.join(format!("{wit_name}_api.rs")), api)
            .expect("write the generated API to OUT_DIR");
        printers.push_str(&gen.printer(wit_name, rust_name, &record.fields));
    }
    std::fs::write(out_dir.join("display_records.rs"), printers)
        .expect("write the generated printers to OUT_DIR");
}

struct Gen<'a> {
    resolve: &'a Resolve,
}

/// How a field's value prints when it is not redacted.
enum Shown {
    /// Quoted, escaped (`"10.1.2.3"`).
    Quoted,
    /// As Rust displays it (`true`, `4`).
    Plain,
    /// The wire value of an enum, unquoted (`USER`).
    Wire,
    /// Compact JSON (a list of records).
    Json,
}

impl Gen<'_> {
    /// The `impl` block of a record's wrapper: `empty_record`, the setters, `clear_field`.
    fn api(&self, rust_name: &str, fields: &[Field], unclears: bool) -> String {
        let (first, rest) = fields.split_first().expect("a record has fields");
        let mut out = String::new();
        let _ = writeln!(out, "impl {rust_name} {{");
        // The record with every field empty but the first.
        let _ = writeln!(
            out,
            "    /// The record with `{}` set and every other field empty.\n    \
             fn empty_record({}: String) -> wit::{rust_name} {{\n        wit::{rust_name} {{",
            first.name,
            ident(&first.name),
        );
        let _ = writeln!(out, "            {},", ident(&first.name));
        for field in rest {
            let _ = writeln!(
                out,
                "            {}: {},",
                ident(&field.name),
                self.empty(&field.ty, &field.name)
            );
        }
        let _ = writeln!(out, "        }}\n    }}\n");

        for field in rest
            .iter()
            .filter(|f| !LISTS_BY_HAND.contains(&f.name.as_str()))
        {
            out.push_str(&self.setter(rust_name, field, unclears));
        }

        if unclears {
            let _ = writeln!(
                out,
                "    /// Empties the field whose wire key is `key` (an optional field); false when no\n    \
                 /// optional field has that key.\n    \
                 fn clear_field(&mut self, key: &str) -> bool {{\n        match key {{"
            );
            for field in rest {
                if self.option_of(&field.ty).is_some() {
                    let _ = writeln!(
                        out,
                        "            {:?} => self.0.{} = None,",
                        field.name,
                        ident(&field.name)
                    );
                }
            }
            let _ = writeln!(
                out,
                "            _ => return false,\n        }}\n        true\n    }}"
            );
        }
        out.push_str("}\n");
        out
    }

    /// One chained setter, documented with the field's WIT docs.
    fn setter(&self, rust_name: &str, field: &Field, unclears: bool) -> String {
        let name = ident(&field.name);
        let (inner, optional) = match self.option_of(&field.ty) {
            Some(inner) => (inner, true),
            None => (field.ty, false),
        };
        let (param, conversion) = match self.resolved(&inner) {
            Resolved::String => ("impl Into<String>".to_owned(), "value.into()"),
            Resolved::List(item) => (
                format!("impl IntoIterator<Item = {}>", self.rust_type(&item)),
                "value.into_iter().collect()",
            ),
            _ => (self.rust_type(&inner), "value"),
        };
        let value = if optional {
            format!("Some({conversion})")
        } else {
            conversion.to_owned()
        };
        let mut out = String::new();
        let _ = writeln!(
            out,
            "    /// Sets `{key}` ([`{rust_name}::{name}`](wit::{rust_name}::{name})).",
            key = field.name
        );
        if let Some(docs) = &field.docs.contents {
            out.push_str("    ///\n");
            for line in docs.lines() {
                let _ = writeln!(out, "    /// {line}");
            }
            if secret_group(field).is_some() {
                let _ = writeln!(
                    out,
                    "    ///\n    /// Its value travels in that secret, never in the databag, and \
                     `Debug` output redacts it."
                );
            }
        }
        if unclears {
            let _ = writeln!(
                out,
                "    ///\n    /// The key is no longer cleared (see [`{rust_name}::clear`])."
            );
        }
        let _ = writeln!(
            out,
            "    pub fn {name}(mut self, value: {param}) -> Self {{\n        self.0.{name} = {value};"
        );
        if unclears {
            let _ = writeln!(out, "        self.unclear({:?});", field.name);
        }
        let _ = writeln!(out, "        self\n    }}\n");
        out
    }

    /// `pub fn {record}(r: &wit::{Record}) -> String`: the record, secret values redacted.
    fn printer(&self, wit_name: &str, rust_name: &str, fields: &[Field]) -> String {
        let (first, rest) = fields.split_first().expect("a record has fields");
        let mut out = String::new();
        let _ = writeln!(
            out,
            "/// A {wit_name}, secret values redacted: `{key}` first, then each field that is set, \
             in the WIT's order.\npub fn {wit_name}(r: &{rust_name}) -> String {{\n    \
             let mut out = format!(\"{key}={{:?}}\", r.{first});",
            key = first.name,
            first = ident(&first.name),
        );
        for field in rest {
            let name = ident(&field.name);
            let key = &field.name;
            match field.name.as_str() {
                "extra" => {
                    let _ = writeln!(out, "    extra(&mut out, &r.{name});");
                    continue;
                }
                "cleared" => {
                    let _ = writeln!(out, "    cleared(&mut out, &r.{name});");
                    continue;
                }
                _ => {}
            }
            let (inner, optional) = match self.option_of(&field.ty) {
                Some(inner) => (inner, true),
                None => (field.ty, false),
            };
            let shown = match self.resolved(&inner) {
                Resolved::String => Shown::Quoted,
                Resolved::Bool | Resolved::Number => Shown::Plain,
                Resolved::Enum => Shown::Wire,
                Resolved::List(_) | Resolved::Other => Shown::Json,
            };
            // A secret flag (`tls`) says nothing secret: only secret values are redacted.
            let redacted = secret_group(field).is_some() && !matches!(shown, Shown::Plain);
            let value = match (redacted, shown) {
                (true, _) => "REDACTED.to_owned()".to_owned(),
                (false, Shown::Quoted) => "format!(\"{v:?}\")".to_owned(),
                (false, Shown::Plain) => "v.to_string()".to_owned(),
                (false, Shown::Wire) => "wire(v)".to_owned(),
                (false, Shown::Json) => "json(v)".to_owned(),
            };
            let _ = if optional && redacted {
                writeln!(
                    out,
                    "    if r.{name}.is_some() {{\n        shown(&mut out, {key:?}, {value});\n    }}"
                )
            } else if optional {
                writeln!(
                    out,
                    "    if let Some(v) = &r.{name} {{\n        shown(&mut out, {key:?}, {value});\n    }}"
                )
            } else {
                writeln!(
                    out,
                    "    {{\n        let v = &r.{name};\n        if !is_empty(v) {{\n            \
                     shown(&mut out, {key:?}, {value});\n        }}\n    }}"
                )
            };
        }
        out.push_str("    out\n}\n\n");
        out
    }

    /// The type inside an `option`, if the type is one.
    fn option_of(&self, ty: &Type) -> Option<Type> {
        match ty {
            Type::Id(id) => match &self.resolve.types[*id].kind {
                TypeDefKind::Option(inner) => Some(*inner),
                TypeDefKind::Type(t) => self.option_of(t),
                _ => None,
            },
            _ => None,
        }
    }

    fn resolved(&self, ty: &Type) -> Resolved {
        match ty {
            Type::String => Resolved::String,
            Type::Bool => Resolved::Bool,
            Type::U8
            | Type::U16
            | Type::U32
            | Type::U64
            | Type::S8
            | Type::S16
            | Type::S32
            | Type::S64
            | Type::F32
            | Type::F64 => Resolved::Number,
            Type::Id(id) => match &self.resolve.types[*id].kind {
                TypeDefKind::Type(t) => self.resolved(t),
                TypeDefKind::Enum(_) => Resolved::Enum,
                TypeDefKind::List(item) => Resolved::List(*item),
                _ => Resolved::Other,
            },
            _ => Resolved::Other,
        }
    }

    /// The Rust type bindgen gives a WIT type, named from `wit::`.
    fn rust_type(&self, ty: &Type) -> String {
        match ty {
            Type::Bool => "bool".into(),
            Type::U8 => "u8".into(),
            Type::U16 => "u16".into(),
            Type::U32 => "u32".into(),
            Type::U64 => "u64".into(),
            Type::S8 => "i8".into(),
            Type::S16 => "i16".into(),
            Type::S32 => "i32".into(),
            Type::S64 => "i64".into(),
            Type::F32 => "f32".into(),
            Type::F64 => "f64".into(),
            Type::Char => "char".into(),
            Type::String => "String".into(),
            Type::Id(id) => {
                let def = &self.resolve.types[*id];
                if let Some(name) = &def.name {
                    return format!("wit::{}", upper_camel(name));
                }
                match &def.kind {
                    TypeDefKind::Option(t) => format!("Option<{}>", self.rust_type(t)),
                    TypeDefKind::List(t) => format!("Vec<{}>", self.rust_type(t)),
                    TypeDefKind::Tuple(t) => format!(
                        "({},)",
                        t.types
                            .iter()
                            .map(|t| self.rust_type(t))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    other => panic!("no setter for a field of type {other:?}"),
                }
            }
            other => panic!("no setter for a field of type {other:?}"),
        }
    }

    /// An empty value of a field's type (for the record `new` makes).
    fn empty(&self, ty: &Type, field: &str) -> &'static str {
        if self.option_of(ty).is_some() {
            return "None";
        }
        match self.resolved(ty) {
            Resolved::String => "String::new()",
            Resolved::Bool => "false",
            Resolved::Number => "0",
            Resolved::List(_) => "Vec::new()",
            Resolved::Enum | Resolved::Other => panic!(
                "the field `{field}` has no empty value: make it an option (or teach \
                 host-rust/build/records.rs its empty value)"
            ),
        }
    }
}

/// A WIT type as far as the generated code cares.
enum Resolved {
    String,
    Bool,
    Number,
    Enum,
    List(Type),
    Other,
}

/// The group of a secret field: its docs' line "Secret group `g`.".
fn secret_group(field: &Field) -> Option<&str> {
    field.docs.contents.as_deref()?.lines().find_map(|line| {
        line.trim()
            .strip_prefix("Secret group `")?
            .strip_suffix("`.")
    })
}

/// A field's Rust name, as bindgen makes it (snake case, a keyword escaped).
fn ident(name: &str) -> String {
    let snake = name.to_snake_case();
    const KEYWORDS: &[&str] = &[
        "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn",
        "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref",
        "return", "self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use",
        "where", "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final",
        "macro", "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
    ];
    if KEYWORDS.contains(&snake.as_str()) {
        format!("{snake}_")
    } else {
        snake
    }
}

/// A type's Rust name, as bindgen makes it.
fn upper_camel(name: &str) -> String {
    match name {
        "host" => "Host_".into(),
        s => s.to_upper_camel_case(),
    }
}
