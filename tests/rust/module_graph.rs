//! No two top-level modules of `data-interfaces-host` import each other, directly or in a loop.
//!
//! The test reads `host-rust/src/**/*.rs`, finds every `crate::<module>` path in the code
//! (`use crate::x::...`, `use crate::{x::A, y}`, `crate::x::f(...)`; comments and string
//! literals do not count, test modules do), maps a name the crate root re-exports (`crate::wit`,
//! `crate::Error`) to the module it comes from, and fails naming each cycle of the graph of
//! top-level modules. A module directory (`api/`, `hooktools/`) is one node, its files included.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type Graph = BTreeMap<String, BTreeSet<String>>;

/// The source with comments and string and character literals blanked out, lines kept.
fn code_only(source: &str) -> String {
    let chars: Vec<char> = source.chars().collect();
    let mut out = String::with_capacity(source.len());
    let mut i = 0;
    // Keep the newlines of what is skipped, so nothing joins across lines.
    let blank = |out: &mut String, skipped: &[char]| {
        out.extend(skipped.iter().filter(|c| **c == '\n'));
        out.push(' ');
    };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let start = i;
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            blank(&mut out, &chars[start..i]);
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            blank(&mut out, &chars[start..i]);
        } else if c == 'r'
            && matches!(next, Some('"' | '#'))
            && !chars[..i]
                .last()
                .is_some_and(|p| p.is_alphanumeric() || *p == '_')
        {
            // A raw string: r"...", r#"..."#, ...
            let mut hashes = 0;
            i += 1;
            while chars.get(i) == Some(&'#') {
                hashes += 1;
                i += 1;
            }
            if chars.get(i) != Some(&'"') {
                // `r#ident`: a raw identifier.
                out.extend(&chars[start..i]);
                continue;
            }
            i += 1;
            loop {
                if i >= chars.len() {
                    break;
                }
                if chars[i] == '"' && (0..hashes).all(|h| chars.get(i + 1 + h) == Some(&'#')) {
                    i += 1 + hashes;
                    break;
                }
                i += 1;
            }
            blank(&mut out, &chars[start..i]);
        } else if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            blank(&mut out, &chars[start..i.min(chars.len())]);
        } else if c == '\'' {
            // A character literal ('x', '\n', '\u{..}'), or a lifetime ('a), which is kept.
            if next == Some('\\') {
                i += 2;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
                blank(&mut out, &chars[start..i.min(chars.len())]);
            } else if chars.get(i + 2) == Some(&'\'') {
                i += 3;
                blank(&mut out, &chars[start..i]);
            } else {
                out.push(c);
                i += 1;
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The identifier at the start of `text` (after whitespace), and what follows it.
fn ident(text: &str) -> (&str, &str) {
    let text = text.trim_start();
    let end = text.find(|c| !is_ident(c)).unwrap_or(text.len());
    (&text[..end], &text[end..])
}

/// The items of a `{...}` group at the start of `text` (split at its top-level commas).
fn group_items(text: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let mut depth = 0;
    let mut start = 1;
    for (i, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    items.push(&text[start..i]);
                    break;
                }
            }
            ',' if depth == 1 => {
                items.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.into_iter().filter(|s| !s.trim().is_empty()).collect()
}

/// The first segment of every `crate::` path in the code (both of `crate::{a, b::C}`).
fn crate_paths(code: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (at, _) in code.match_indices("crate::") {
        let before = code[..at].chars().next_back();
        if before.is_some_and(|c| is_ident(c) || c == '$') {
            continue;
        }
        let rest = code[at + "crate::".len()..].trim_start();
        if rest.starts_with('{') {
            for item in group_items(rest) {
                found.push(ident(item).0.to_owned());
            }
        } else {
            found.push(ident(rest).0.to_owned());
        }
    }
    found.retain(|name| !name.is_empty());
    found
}

/// The top-level modules the crate root declares (`mod x;`, `pub mod x;`, `pub mod x { .. }`).
fn declared_modules(root_code: &str) -> BTreeSet<String> {
    root_code
        .match_indices("mod ")
        .filter(|(at, _)| !root_code[..*at].chars().next_back().is_some_and(is_ident))
        .map(|(at, _)| ident(&root_code[at + 4..]).0.to_owned())
        .filter(|name| !name.is_empty())
        .collect()
}

/// The names the crate root re-exports from a module (`pub use api::{Request, ...}`,
/// `pub use bindings::wit;`), mapped to that module.
fn root_reexports(root_code: &str, modules: &BTreeSet<String>) -> BTreeMap<String, String> {
    let mut names = BTreeMap::new();
    for (at, _) in root_code.match_indices("pub use ") {
        let statement = &root_code[at + "pub use ".len()..];
        let statement = &statement[..statement.find(';').unwrap_or(statement.len())];
        let (module, rest) = ident(statement);
        if !modules.contains(module) {
            continue;
        }
        let rest = rest.trim_start().trim_start_matches("::").trim_start();
        let items = if rest.starts_with('{') {
            group_items(rest)
        } else {
            vec![rest]
        };
        for item in items {
            // The name the root gives: the alias after `as`, else the path's last segment.
            let name = match item.split_once(" as ") {
                Some((_, alias)) => alias.trim(),
                None => item.rsplit("::").next().unwrap_or(item).trim(),
            };
            names.insert(name.to_owned(), module.to_owned());
        }
    }
    names
}

fn rust_files(dir: &Path, files: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

/// The graph of the crate's top-level modules: who refers to whom through `crate::`.
fn module_graph(src: &Path) -> Graph {
    let root = code_only(&std::fs::read_to_string(src.join("lib.rs")).expect("lib.rs"));
    let modules = declared_modules(&root);
    let reexports = root_reexports(&root, &modules);
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let mut graph = Graph::new();
    for file in files {
        let relative = file.strip_prefix(src).expect("under src");
        let first = relative.components().next().expect("a path");
        let first = first.as_os_str().to_string_lossy();
        let from = first.strip_suffix(".rs").unwrap_or(&first).to_owned();
        if from == "lib" {
            continue;
        }
        assert!(
            modules.contains(&from),
            "{} is not under a module the crate root declares",
            relative.display()
        );
        let code = code_only(&std::fs::read_to_string(&file).expect("a source file"));
        let targets = graph.entry(from.clone()).or_default();
        for name in crate_paths(&code) {
            let to = match reexports.get(&name) {
                Some(module) => module.clone(),
                None if modules.contains(&name) => name,
                // An item of the crate root itself (a macro, a constant).
                None => continue,
            };
            if to != from {
                targets.insert(to);
            }
        }
    }
    graph
}

/// Every cycle of the graph, each as the path that closes it (`a -> b -> a`), once each.
fn cycles(graph: &Graph) -> Vec<String> {
    fn walk(
        node: &str,
        graph: &Graph,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
        found: &mut BTreeSet<Vec<String>>,
    ) {
        if let Some(at) = path.iter().position(|n| n == node) {
            // Rotate the loop to start at its smallest name, so each is reported once.
            let mut cycle = path[at..].to_vec();
            let start = (0..cycle.len()).min_by_key(|i| &cycle[*i]).unwrap_or(0);
            cycle.rotate_left(start);
            found.insert(cycle);
            return;
        }
        if done.contains(node) {
            return;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            walk(next, graph, path, done, found);
        }
        path.pop();
        done.insert(node.to_owned());
    }
    let mut found = BTreeSet::new();
    for node in graph.keys() {
        walk(
            node,
            graph,
            &mut Vec::new(),
            &mut BTreeSet::new(),
            &mut found,
        );
    }
    found
        .into_iter()
        .map(|mut cycle| {
            cycle.push(cycle[0].clone());
            cycle.join(" -> ")
        })
        .collect()
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn no_two_modules_of_the_host_import_each_other() {
    let graph = module_graph(&src());
    let found = cycles(&graph);
    assert!(
        found.is_empty(),
        "modules of host-rust that import each other:\n  {}\n(the graph: {graph:#?})",
        found.join("\n  ")
    );
}

#[test]
fn the_graph_sees_the_imports_it_must_see() {
    // A check on the parser: edges that are in the code, in each of the forms it reads.
    let graph = module_graph(&src());
    for (from, to) in [
        ("runtime", "host"),      // use crate::host::HostState;
        ("runtime", "sandbox"),   // pub use crate::sandbox::Limits;
        ("host", "sandbox"),      // use crate::sandbox::{...};
        ("api", "handlers"),      // from a file of the api/ directory
        ("api", "bindings"),      // crate::wit, a name the root re-exports
        ("hooktools", "backend"), // from a file of the hooktools/ directory
    ] {
        assert!(
            graph.get(from).is_some_and(|to_| to_.contains(to)),
            "{from} -> {to} is missing from {graph:#?}"
        );
    }
    assert!(graph["sandbox"].is_empty(), "sandbox is a leaf: {graph:#?}");
}

#[test]
fn a_loop_is_named_and_comments_and_strings_do_not_count() {
    let code = code_only(
        "use crate::{a::X, b};\n// crate::c\nlet s = \"crate::d\"; let c = '\"'; crate::e::f();\n\
         /* crate::g */ let r = r#\"crate::h\"#; fn l<'a>() {} crate :: i;",
    );
    assert_eq!(crate_paths(&code), ["a", "b", "e"]);
    let graph: Graph = [
        ("a", "b"),
        ("b", "c"),
        ("c", "a"),
        ("d", "e"),
        ("e", "d"),
        ("f", "a"),
    ]
    .into_iter()
    .fold(Graph::new(), |mut g, (from, to)| {
        g.entry(from.to_owned()).or_default().insert(to.to_owned());
        g
    });
    assert_eq!(cycles(&graph), ["a -> b -> c -> a", "d -> e -> d"]);
}
