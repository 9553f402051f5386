//! Keeps `api/src`'s imports one way: reads every source file, extracts the top-level
//! modules each one reaches through `crate::…` (single paths, `use crate::{a, b::c}`
//! groups, and `super::super…` chains that climb out of the module) and fails on any
//! import of a module that is not below it in [`LAYERS`], the order written in
//! `api/src/lib.rs`'s module doc.

use std::{
    collections::{BTreeMap, BTreeSet},
    fs,
    path::{Path, PathBuf},
};

/// The modules from the bottom up: each may import only the modules listed before it.
const LAYERS: &[(&str, &[&str])] = &[
    ("foundation", &["config", "telemetry", "secrets", "db"]),
    (
        "infrastructure",
        &["cache", "events", "error", "auth", "notify"],
    ),
    ("state", &["state"]),
    (
        "domain",
        &[
            "services",
            "alerts",
            "audit",
            "effects",
            "catalog",
            "connections",
            "customers",
            "compliance",
            "orders",
            "integrity",
            "operations",
        ],
    ),
    ("workers", &["sync", "outbox", "webhooks"]),
    ("administration", &["admin"]),
    ("interface", &["graphql", "server"]),
    ("entry points", &["demo", "simulate", "cli"]),
];

/// Upward imports still to remove, each with why it is still there. The test fails when
/// one of them disappears, so the list only shrinks.
const ALLOWED: &[(&str, &str, &str)] = &[];

/// `from` → `to` import pairs and one file showing each.
type Imports = BTreeMap<(String, String), PathBuf>;

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("readable source dir") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push(path);
        }
    }
}

/// The module path of `file` relative to `src` (`orders/outbox/mod.rs` → `[orders, outbox]`).
fn module_path(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).expect("file under src");
    let mut parts: Vec<String> = rel
        .iter()
        .map(|part| part.to_string_lossy().into_owned())
        .collect();
    let last = parts.pop().expect("a file name");
    let stem = last.trim_end_matches(".rs");
    if stem != "mod" {
        parts.push(stem.to_owned());
    }
    parts
}

/// The code of `text` without comments (doc links are not imports) or string literals.
fn code(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if in_string {
            match c {
                '\\' => {
                    chars.next();
                }
                '"' => in_string = false,
                '\n' => out.push('\n'),
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '/' if chars.peek() == Some(&'/') => {
                for skipped in chars.by_ref() {
                    if skipped == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut last = ' ';
                for skipped in chars.by_ref() {
                    if last == '*' && skipped == '/' {
                        break;
                    }
                    last = skipped;
                }
            }
            // a char literal such as '"' must not open a string
            '\'' => {
                let rest: String = chars.clone().take(3).collect();
                let mut it = rest.chars();
                match (it.next(), it.next(), it.next()) {
                    (Some('\\'), Some(_), Some('\'')) => {
                        chars.nth(2);
                    }
                    (Some(_), Some('\''), _) => {
                        chars.nth(1);
                    }
                    _ => out.push(c),
                }
            }
            _ => out.push(c),
        }
    }
    out
}

fn identifier(text: &str) -> &str {
    let end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    &text[..end]
}

/// The first segments of the paths in a `{…}` group starting at `text` (just after `{`).
fn group_heads(text: &str) -> Vec<String> {
    let mut heads = Vec::new();
    let mut depth = 0usize;
    let mut expecting = true;
    for (at, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => expecting = true,
            c if expecting && depth == 0 && (c.is_ascii_alphabetic() || c == '_') => {
                heads.push(identifier(&text[at..]).to_owned());
                expecting = false;
            }
            _ => {}
        }
    }
    heads
}

/// The top-level modules `text` names after a path prefix that resolves to the crate root.
fn heads_after(text: &str) -> Vec<String> {
    let text = text.trim_start();
    match text.strip_prefix('{') {
        Some(group) => group_heads(group),
        None => vec![identifier(text).to_owned()],
    }
}

/// Every top-level module the file at `module` reaches through `crate::` or `super::`.
fn targets(module: &[String], code: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for (at, _) in code.match_indices("crate::") {
        let before = code[..at].chars().next_back();
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$') {
            continue; // `$crate::` in macros, `some_crate::`
        }
        found.extend(heads_after(&code[at + "crate::".len()..]));
    }
    for (at, _) in code.match_indices("super::") {
        let before = code[..at].chars().next_back();
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':') {
            continue; // counted from the first `super` of a chain
        }
        let mut rest = &code[at..];
        let mut climbs = 0;
        while let Some(after) = rest.strip_prefix("super::") {
            climbs += 1;
            rest = after;
        }
        if climbs >= module.len() {
            found.extend(heads_after(rest));
        }
    }
    found
}

/// Every cross-module import in `api/src`, with the set of top-level modules there.
fn imports() -> (Imports, BTreeSet<String>) {
    let src = src_dir();
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut modules = BTreeSet::new();
    let mut imports = Imports::new();
    for file in &files {
        let module = module_path(&src, file);
        let Some(top) = module.first() else {
            continue;
        };
        if module.len() == 1 && (top == "lib" || top == "main") {
            continue; // the crate root declares the modules; the binary says `api::`
        }
        modules.insert(top.clone());
        let text = fs::read_to_string(file).expect("readable source file");
        for target in targets(&module, &code(&text)) {
            if &target != top && target != "self" {
                imports
                    .entry((top.clone(), target))
                    .or_insert_with(|| file.strip_prefix(&src).expect("under src").into());
            }
        }
    }
    (imports, modules)
}

fn ranks() -> BTreeMap<&'static str, usize> {
    LAYERS
        .iter()
        .flat_map(|(_, modules)| modules.iter().copied())
        .enumerate()
        .map(|(rank, module)| (module, rank))
        .collect()
}

#[test]
fn every_module_has_a_place_in_the_layers() {
    let ranks = ranks();
    let (_, modules) = imports();
    let unplaced: Vec<_> = modules
        .iter()
        .filter(|m| !ranks.contains_key(m.as_str()))
        .collect();
    assert!(
        unplaced.is_empty(),
        "add these modules to LAYERS in api/tests/layering.rs and lib.rs's doc: {unplaced:?}"
    );
    let stale: Vec<_> = ranks.keys().filter(|m| !modules.contains(**m)).collect();
    assert!(
        stale.is_empty(),
        "LAYERS names modules that are gone: {stale:?}"
    );
}

#[test]
fn imports_only_go_down_the_layers() {
    let ranks = ranks();
    let (imports, _) = imports();
    let allowed: BTreeSet<(&str, &str)> = ALLOWED.iter().map(|(a, b, _)| (*a, *b)).collect();
    let mut upward = Vec::new();
    for ((from, to), file) in &imports {
        let (Some(from_rank), Some(to_rank)) = (ranks.get(from.as_str()), ranks.get(to.as_str()))
        else {
            continue; // unplaced modules fail the other test; `to` may be a crate item
        };
        if to_rank > from_rank && !allowed.contains(&(from.as_str(), to.as_str())) {
            upward.push(format!("{from} → {to} (in {})", file.display()));
        }
    }
    assert!(
        upward.is_empty(),
        "imports against the layer order (see api/src/lib.rs):\n{}",
        upward.join("\n")
    );
    let healed: Vec<_> = ALLOWED
        .iter()
        .filter(|(from, to, _)| !imports.contains_key(&((*from).to_owned(), (*to).to_owned())))
        .collect();
    assert!(
        healed.is_empty(),
        "these allowed upward imports are gone; remove them from ALLOWED: {healed:?}"
    );
}

#[test]
fn the_extractor_sees_groups_paths_and_super_escapes() {
    let module = vec!["orders".to_owned(), "outbox".to_owned()];
    let code = code(
        "use crate::{a, b::{c, d}, e::f};\n\
         // crate::commented\n\
         let x = crate::g::h(\"crate::quoted\");\n\
         use super::super::i::j;\n\
         use super::k;\n\
         let m = $crate::macro_path;\n",
    );
    let found: Vec<String> = targets(&module, &code).into_iter().collect();
    assert_eq!(found, ["a", "b", "e", "g", "i"]);
}
