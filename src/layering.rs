//! Holds the code to the layers written in ARCHITECTURE.md: every `crate::` path in `src/` must
//! point to a layer below its own file's, and no two files may reach each other through
//! `crate::` paths, however long the way round. One crate keeps its layering by test, where
//! lychee and cargo-deny keep theirs by crate boundaries.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The layers, top first, from the ```layers block of ARCHITECTURE.md.
fn layers(root: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(root.join("ARCHITECTURE.md")).expect("ARCHITECTURE.md");
    let start = text.find("```layers\n").expect("a ```layers block") + "```layers\n".len();
    let end = start + text[start..].find("```").expect("the block ends");
    text[start..end]
        .lines()
        .map(|l| l.split_whitespace().map(str::to_string).collect::<Vec<_>>())
        .filter(|l| !l.is_empty())
        .collect()
}

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src is readable").flatten() {
        let path = entry.path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module path of a file: `src/fetch/client.rs` → `fetch::client`.
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).expect("under src");
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// The code of a file, without comments, string contents and `#[cfg(test)]` items: what the
/// compiler resolves outside tests.
fn code(text: &str) -> String {
    let mut plain = String::with_capacity(text.len());
    for line in text.lines() {
        if line.trim_start().starts_with("//") {
            continue;
        }
        let mut in_str = false;
        let mut escaped = false;
        for c in line.chars() {
            match (in_str, c) {
                (true, '\\') if !escaped => escaped = true,
                (true, '"') if !escaped => in_str = false,
                (true, _) => escaped = false,
                (false, '"') => in_str = true,
                (false, _) => plain.push(c),
            }
        }
        plain.push('\n');
    }
    let mut out = String::with_capacity(plain.len());
    let mut rest = plain.as_str();
    while let Some(i) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        let end = match (after.find(';'), after.find('{')) {
            (Some(semi), Some(brace)) if semi < brace => semi + 1,
            (_, Some(brace)) => {
                let mut depth = 0usize;
                let mut end = after.len();
                for (k, c) in after[brace..].char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                end = brace + k + 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                end
            }
            (Some(semi), None) => semi + 1,
            (None, None) => after.len(),
        };
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// Every `crate::a::b` path in `code`, braces of `use` lists expanded one level deep.
fn crate_paths(code: &str) -> Vec<Vec<String>> {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        let before = rest[..i].chars().next_back();
        rest = &rest[i + "crate::".len()..];
        if before.is_some_and(|c| ident(c) || c == ':') {
            continue;
        }
        let mut segs = Vec::new();
        let mut tail = rest;
        loop {
            let n = tail.find(|c: char| !ident(c)).unwrap_or(tail.len());
            if n == 0 {
                break;
            }
            segs.push(tail[..n].to_string());
            tail = &tail[n..];
            match tail.strip_prefix("::") {
                Some(t) => tail = t,
                None => break,
            }
        }
        if let Some(list) = tail.strip_prefix('{') {
            let list = &list[..list.find('}').unwrap_or(list.len())];
            for item in list.split(',') {
                let mut p = segs.clone();
                p.extend(
                    item.split(" as ")
                        .next()
                        .unwrap_or("")
                        .split("::")
                        .map(str::trim)
                        .filter(|s| !s.is_empty() && *s != "self")
                        .map(str::to_string),
                );
                out.push(p);
            }
        } else if !segs.is_empty() {
            out.push(segs);
        }
    }
    out
}

struct Tree {
    src: PathBuf,
    files: Vec<PathBuf>,
    modules: BTreeMap<Vec<String>, PathBuf>,
}

fn tree() -> Tree {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    files.sort();
    let modules = files
        .iter()
        .map(|f| (module_of(&src, f), f.clone()))
        .collect();
    Tree {
        src,
        files,
        modules,
    }
}

impl Tree {
    /// The file a path resolves to: the longest prefix that is a module.
    fn resolve(&self, path: &[String]) -> Option<&PathBuf> {
        (1..=path.len())
            .rev()
            .find_map(|n| self.modules.get(&path[..n]))
    }

    fn edges(&self) -> BTreeMap<&PathBuf, BTreeSet<&PathBuf>> {
        self.files
            .iter()
            .map(|f| {
                let text = std::fs::read_to_string(f).expect("readable");
                let to = crate_paths(&code(&text))
                    .iter()
                    .filter_map(|p| self.resolve(p))
                    .filter(|t| *t != f)
                    .collect();
                (f, to)
            })
            .collect()
    }
}

#[test]
fn imports_run_down_the_layers() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let layers = layers(root);
    let rank: BTreeMap<&str, usize> = layers
        .iter()
        .enumerate()
        .flat_map(|(i, l)| l.iter().map(move |m| (m.as_str(), i)))
        .collect();
    let t = tree();
    let top = |f: &Path| module_of(&t.src, f).first().cloned().unwrap_or_default();
    let mut problems = Vec::new();
    for f in &t.files {
        let from = top(f);
        if from.is_empty() || from == "layering" {
            continue;
        }
        let Some(&from_rank) = rank.get(from.as_str()) else {
            problems.push(format!(
                "src/{from}: not in ARCHITECTURE.md's layers; add it where it belongs"
            ));
            continue;
        };
        let text = std::fs::read_to_string(f).expect("readable");
        for path in crate_paths(&code(&text)) {
            let to = &path[0];
            if *to == from {
                continue;
            }
            match rank.get(to.as_str()) {
                Some(&r) if r > from_rank => {}
                Some(_) => problems.push(format!(
                    "{}: `crate::{}` — {from} may only use layers below it (ARCHITECTURE.md)",
                    f.strip_prefix(root).unwrap_or(f).display(),
                    path.join("::")
                )),
                None => {}
            }
        }
    }
    problems.sort();
    problems.dedup();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn no_file_reaches_itself_through_crate_paths() {
    let t = tree();
    let edges = t.edges();
    let mut cycles = Vec::new();
    for start in edges.keys() {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<(&PathBuf, Vec<&PathBuf>)> = vec![(start, vec![start])];
        while let Some((node, trail)) = stack.pop() {
            for next in edges.get(node).into_iter().flatten() {
                if next == start {
                    let names: Vec<String> = trail
                        .iter()
                        .chain(std::iter::once(next))
                        .map(|p| module_of(&t.src, p).join("::"))
                        .collect();
                    cycles.push(names.join(" → "));
                } else if seen.insert(*next) {
                    let mut tr = trail.clone();
                    tr.push(next);
                    stack.push((next, tr));
                }
            }
        }
    }
    cycles.sort();
    cycles.dedup();
    assert!(cycles.is_empty(), "import cycles:\n{}", cycles.join("\n"));
}

#[test]
fn the_path_reader_sees_use_lists_and_ignores_comments_and_strings() {
    let c = code(
        "use crate::model::{Need, request::http::Request as R};\n// crate::app::x\nlet s = \"crate::app\"; crate::eval::Exit::Go\n#[cfg(test)]\nmod tests {\n    use crate::app;\n    fn f() { crate::cli::x(); }\n}\n#[cfg(test)]\nuse crate::app;\nfn g() { crate::diag::y(); }",
    );
    let paths = crate_paths(&c);
    assert_eq!(
        paths,
        vec![
            vec!["model".to_string(), "Need".to_string()],
            vec![
                "model".to_string(),
                "request".to_string(),
                "http".to_string(),
                "Request".to_string()
            ],
            vec!["eval".to_string(), "Exit".to_string(), "Go".to_string()],
            vec!["diag".to_string(), "y".to_string()],
        ]
    );
}
