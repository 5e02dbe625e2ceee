//! The library's shape, measured from its sources: the file-level import graph and the
//! width of the public surface.
//!
//! The import graph has one node per file of `src/` outside the binary (`src/bin/`); a file
//! imports another when it names an item defined there: a `use` path, a `crate::…`,
//! `super::…` or `self::…` path in code, a path through a name a `use` bound, or a path into
//! a child module. A path through a re-export (`pub use`) leads to the file that defines the
//! item, not to the file that re-exports it. Comments, string literals and `#[cfg(test)]`
//! items are left out. No cycle of that graph may span more than two files: the model sits
//! below the rules, the rules below the engine, the engine below the reports.
//!
//! The surface counts, in the same files, the declarations marked `pub` (not `pub(crate)`
//! or `pub(super)`): items (`fn`, `struct`, `enum`, `trait`, `type`, `const`, `static`,
//! `union` and `use` re-exports), `pub mod` declarations and `pub` fields, each counted once
//! where it is written (a declaration inside a macro counts once), beside the restricted
//! `pub(…)` declarations. Only what the binary, the integration tests and the fuzz targets use
//! is `pub`: at most [`MAX_PUB_ITEMS`] items.
//!
//! `cargo test --test integration architecture -- --nocapture` prints both.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    PathSep,
    Punct(char),
}

/// The tokens of `src`, without comments, literals or lifetimes.
fn lex(src: &str) -> Vec<Tok> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let ident_start = |c: u8| c.is_ascii_alphabetic() || c == b'_';
    let ident_char = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied().unwrap_or(0);
        if c.is_ascii_whitespace() {
            i += 1;
        } else if c == b'/' && next == b'/' {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if c == b'/' && next == b'*' {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                    depth += 1;
                    i += 2;
                } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if (c == b'r' || c == b'b') && raw_string_start(b, i).is_some() {
            let (hashes, body) = raw_string_start(b, i).unwrap();
            i = body;
            loop {
                if i >= b.len() {
                    break;
                }
                if b[i] == b'"' && b[i + 1..].iter().take(hashes).filter(|&&h| h == b'#').count() == hashes {
                    i += 1 + hashes;
                    break;
                }
                i += 1;
            }
        } else if c == b'"' || (c == b'b' && next == b'"') {
            i += if c == b'b' { 2 } else { 1 };
            while i < b.len() && b[i] != b'"' {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            i += 1;
        } else if c == b'\'' || (c == b'b' && next == b'\'') {
            let start = if c == b'b' { i + 1 } else { i };
            // A character literal ends with a quote; a lifetime does not.
            let rest = &b[start + 1..];
            let len = if rest.first() == Some(&b'\\') {
                rest.iter().skip(1).position(|&x| x == b'\'').map(|p| p + 2)
            } else {
                let ch = std::str::from_utf8(&rest[..rest.len().min(4)])
                    .ok()
                    .or_else(|| {
                        (1..4)
                            .rev()
                            .find_map(|n| std::str::from_utf8(&rest[..rest.len().min(n)]).ok())
                    })
                    .and_then(|s| s.chars().next())
                    .map_or(1, char::len_utf8);
                (rest.get(ch) == Some(&b'\'')).then_some(ch + 1)
            };
            match len {
                Some(n) => i = start + 1 + n,
                None => {
                    i = start + 1;
                    while i < b.len() && ident_char(b[i]) {
                        i += 1;
                    }
                }
            }
        } else if ident_start(c) || (c == b'r' && next == b'#') {
            let start = if c == b'r' && next == b'#' { i + 2 } else { i };
            i = start;
            while i < b.len() && ident_char(b[i]) {
                i += 1;
            }
            out.push(Tok::Ident(src[start..i].to_string()));
        } else if c.is_ascii_digit() {
            while i < b.len() && (ident_char(b[i]) || b[i] == b'.' && b.get(i + 1).is_some_and(u8::is_ascii_digit)) {
                i += 1;
            }
        } else if c == b':' && next == b':' {
            out.push(Tok::PathSep);
            i += 2;
        } else {
            out.push(Tok::Punct(c as char));
            i += 1;
        }
    }
    out
}

/// Where a raw string starting at `i` (`r"`, `r#"`, `br#"`) has its body: the number of
/// hashes and the index after the opening quote.
fn raw_string_start(b: &[u8], i: usize) -> Option<(usize, usize)> {
    let mut j = i;
    if b.get(j) == Some(&b'b') {
        j += 1;
    }
    if b.get(j) != Some(&b'r') {
        return None;
    }
    j += 1;
    let hashes = b[j..].iter().take_while(|&&h| h == b'#').count();
    j += hashes;
    (b.get(j) == Some(&b'"')).then_some((hashes, j + 1))
}

/// `tokens` without the items marked `#[cfg(test)]`.
fn without_tests(tokens: Vec<Tok>) -> Vec<Tok> {
    let cfg_test = [
        Tok::Punct('#'),
        Tok::Punct('['),
        Tok::Ident("cfg".into()),
        Tok::Punct('('),
        Tok::Ident("test".into()),
        Tok::Punct(')'),
        Tok::Punct(']'),
    ];
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if tokens[i..].starts_with(&cfg_test) {
            i += cfg_test.len();
            // The item ends at its first `;` outside brackets, or with its first block.
            let mut depth = 0i32;
            while i < tokens.len() {
                match tokens[i] {
                    Tok::Punct('(') | Tok::Punct('[') => depth += 1,
                    Tok::Punct(')') | Tok::Punct(']') => depth -= 1,
                    Tok::Punct(';') if depth == 0 => {
                        i += 1;
                        break;
                    }
                    Tok::Punct('{') if depth == 0 => {
                        let mut braces = 0;
                        while i < tokens.len() {
                            match tokens[i] {
                                Tok::Punct('{') => braces += 1,
                                Tok::Punct('}') => braces -= 1,
                                _ => {}
                            }
                            i += 1;
                            if braces == 0 {
                                break;
                            }
                        }
                        break;
                    }
                    _ => {}
                }
                i += 1;
            }
        } else {
            out.push(tokens[i].clone());
            i += 1;
        }
    }
    out
}

/// One `use` leaf: the path as written and the name it binds (`None` for a glob).
#[derive(Debug, Clone)]
struct UseLeaf {
    path: Vec<String>,
    name: Option<String>,
    exported: bool,
}

/// The leaves of the use tree at `tokens[*i..]`, each under `prefix`.
fn use_tree(tokens: &[Tok], i: &mut usize, prefix: Vec<String>, out: &mut Vec<(Vec<String>, Option<String>)>) {
    let mut path = prefix;
    loop {
        match tokens.get(*i) {
            Some(Tok::Ident(s)) if s == "as" => {
                *i += 1;
                let alias = match tokens.get(*i) {
                    Some(Tok::Ident(a)) => a.clone(),
                    _ => String::new(),
                };
                *i += 1;
                out.push((path, Some(alias)));
                return;
            }
            Some(Tok::Ident(s)) => {
                if s == "self" && !path.is_empty() {
                    let name = path.last().cloned();
                    *i += 1;
                    if matches!(tokens.get(*i), Some(Tok::Ident(a)) if a == "as") {
                        continue;
                    }
                    out.push((path, name));
                    return;
                }
                path.push(s.clone());
                *i += 1;
            }
            Some(Tok::PathSep) => *i += 1,
            Some(Tok::Punct('*')) => {
                *i += 1;
                out.push((path, None));
                return;
            }
            Some(Tok::Punct('{')) => {
                *i += 1;
                loop {
                    match tokens.get(*i) {
                        Some(Tok::Punct('}')) => {
                            *i += 1;
                            return;
                        }
                        Some(Tok::Punct(',')) => *i += 1,
                        None => return,
                        _ => use_tree(tokens, i, path.clone(), out),
                    }
                }
            }
            _ => {
                let name = path.last().cloned();
                out.push((path, name));
                return;
            }
        }
    }
}

/// What one file says: its `use` leaves and the other paths its code names.
#[derive(Debug, Default)]
struct Parsed {
    uses: Vec<UseLeaf>,
    paths: Vec<Vec<String>>,
    /// The identifiers in macro invocations: a registry macro names modules bare.
    macro_idents: BTreeSet<String>,
    /// The macros invoked.
    invoked: BTreeSet<String>,
    /// The macros defined (`macro_rules!`), with the identifiers of their bodies: a registry
    /// kept in one file and expanded in another names the modules there.
    macro_defs: BTreeMap<String, BTreeSet<String>>,
    surface: Surface,
}

/// The declarations of one file (or all), by visibility and kind.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Surface {
    items: usize,
    mods: usize,
    fields: usize,
    restricted: usize,
}

impl std::ops::AddAssign for Surface {
    fn add_assign(&mut self, o: Surface) {
        self.items += o.items;
        self.mods += o.mods;
        self.fields += o.fields;
        self.restricted += o.restricted;
    }
}

const ITEM_KINDS: [&str; 9] = [
    "fn", "struct", "enum", "trait", "type", "const", "static", "union", "use",
];
const QUALIFIERS: [&str; 4] = ["async", "unsafe", "extern", "const"];

fn parse(src: &str) -> Parsed {
    let tokens = without_tests(lex(src));
    let mut parsed = Parsed::default();
    let ident = |i: usize| match tokens.get(i) {
        Some(Tok::Ident(s)) => Some(s.as_str()),
        _ => None,
    };
    let mut i = 0;
    while i < tokens.len() {
        if ident(i) == Some("pub") {
            if tokens.get(i + 1) == Some(&Tok::Punct('(')) {
                parsed.surface.restricted += 1;
            } else {
                // `pub const fn`, `pub unsafe fn`, `pub extern "C" fn`: the item is the `fn`.
                let mut j = i + 1;
                while ident(j).is_some_and(|k| QUALIFIERS.contains(&k))
                    && ident(j + 1).is_some_and(|k| k == "fn" || QUALIFIERS.contains(&k))
                {
                    j += 1;
                }
                match ident(j) {
                    Some("mod") => parsed.surface.mods += 1,
                    Some(k) if ITEM_KINDS.contains(&k) => parsed.surface.items += 1,
                    Some(_) if tokens.get(j + 1) == Some(&Tok::Punct(':')) => parsed.surface.fields += 1,
                    _ => {}
                }
            }
        }
        if ident(i) == Some("use") && tokens.get(i.wrapping_sub(1)) != Some(&Tok::Punct('$')) {
            let exported = i > 0
                && (ident(i - 1) == Some("pub")
                    || (tokens.get(i - 1) == Some(&Tok::Punct(')')) && {
                        // `pub(crate) use`, `pub(super) use`, `pub(in …) use`
                        let open = tokens[..i - 1].iter().rposition(|t| *t == Tok::Punct('('));
                        open.is_some_and(|o| o > 0 && ident(o - 1) == Some("pub"))
                    }));
            let mut j = i + 1;
            if tokens.get(j) == Some(&Tok::PathSep) {
                j += 1;
            }
            let mut leaves = Vec::new();
            use_tree(&tokens, &mut j, Vec::new(), &mut leaves);
            for (path, name) in leaves {
                parsed.uses.push(UseLeaf { path, name, exported });
            }
            i = j;
            continue;
        }
        let defined = (ident(i) == Some("macro_rules") && tokens.get(i + 1) == Some(&Tok::Punct('!')))
            .then(|| ident(i + 2))
            .flatten();
        let invoked = ident(i).filter(|&name| {
            name != "macro_rules"
                && tokens.get(i + 1) == Some(&Tok::Punct('!'))
                && matches!(tokens.get(i + 2), Some(Tok::Punct('{' | '(' | '[')))
        });
        if defined.is_some() || invoked.is_some() {
            let body = if defined.is_some() { i + 3 } else { i + 2 };
            let mut idents = BTreeSet::new();
            let mut depth = 0;
            for tok in tokens.get(body..).unwrap_or_default() {
                match tok {
                    Tok::Punct('{' | '(' | '[') => depth += 1,
                    Tok::Punct('}' | ')' | ']') => depth -= 1,
                    Tok::Ident(s) => {
                        idents.insert(s.clone());
                    }
                    _ => {}
                }
                if depth == 0 {
                    break;
                }
            }
            if let Some(name) = defined {
                parsed.macro_defs.entry(name.to_string()).or_default().extend(idents);
            } else if let Some(name) = invoked {
                parsed.invoked.insert(name.to_string());
                parsed.macro_idents.extend(idents);
            }
        }
        // A path: two or more segments joined by `::`, not preceded by `::`.
        if let Some(first) = ident(i)
            && tokens.get(i + 1) == Some(&Tok::PathSep)
            && tokens.get(i.wrapping_sub(1)) != Some(&Tok::PathSep)
            && tokens.get(i.wrapping_sub(1)) != Some(&Tok::Punct('$'))
        {
            let mut path = vec![first.to_string()];
            let mut j = i + 1;
            while tokens.get(j) == Some(&Tok::PathSep) {
                match ident(j + 1) {
                    Some(s) => path.push(s.to_string()),
                    None => break,
                }
                j += 2;
            }
            parsed.paths.push(path);
            // A macro by its path (`list::each!`): its name is read next.
            i = if tokens.get(j) == Some(&Tok::Punct('!')) {
                j - 1
            } else {
                j
            };
            continue;
        }
        i += 1;
    }
    parsed
}

/// The library's sources, by module path (`[]` is the crate root).
struct Crate {
    files: BTreeMap<Vec<String>, (String, Parsed)>,
}

impl Crate {
    /// The crate whose files are `sources` (path relative to `src/`, text).
    fn new(sources: impl IntoIterator<Item = (String, String)>) -> Crate {
        let mut files = BTreeMap::new();
        for (rel, text) in sources {
            let rel = rel.replace('\\', "/");
            if rel.starts_with("bin/") || !rel.ends_with(".rs") {
                continue;
            }
            let mut module: Vec<String> = rel.trim_end_matches(".rs").split('/').map(str::to_string).collect();
            if module.last().is_some_and(|m| m == "mod" || m == "lib" || m == "main") {
                module.pop();
            }
            files.insert(module, (rel, parse(&text)));
        }
        Crate { files }
    }

    /// The crate in the directory `src`.
    fn read(src: &Path) -> Crate {
        fn walk(dir: &Path, base: &Path, out: &mut Vec<(String, String)>) {
            for entry in fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(&path, base, out);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let rel = path.strip_prefix(base).unwrap().to_string_lossy().into_owned();
                    out.push((rel, fs::read_to_string(&path).unwrap()));
                }
            }
        }
        let mut sources = Vec::new();
        walk(src, src, &mut sources);
        Crate::new(sources)
    }

    /// The absolute form of `path` as written in the file of `module`, or `None` where it
    /// leaves the crate.
    fn absolute(
        &self,
        module: &[String],
        path: &[String],
        aliases: &HashMap<String, Vec<String>>,
    ) -> Option<Vec<String>> {
        let (first, rest) = path.split_first()?;
        let mut base: Vec<String> = match first.as_str() {
            "crate" => Vec::new(),
            "self" => module.to_vec(),
            "super" => {
                let mut m = module.to_vec();
                m.pop();
                let mut rest = rest;
                while rest.first().is_some_and(|s| s == "super") {
                    m.pop();
                    rest = &rest[1..];
                }
                m.extend(rest.iter().cloned());
                return Some(m);
            }
            _ => {
                let mut child = module.to_vec();
                child.push(first.clone());
                if self.files.contains_key(&child) {
                    child
                } else if let Some(target) = aliases.get(first) {
                    target.clone()
                } else {
                    return None;
                }
            }
        };
        base.extend(rest.iter().cloned());
        Some(base)
    }

    /// The file defining what the absolute `path` names (following re-exports).
    fn resolve(&self, path: &[String], depth: usize) -> Option<Vec<String>> {
        let k = (0..=path.len()).rev().find(|&k| self.files.contains_key(&path[..k]))?;
        let module = path[..k].to_vec();
        let Some(name) = path.get(k) else { return Some(module) };
        if depth < 8
            && let Some((_, parsed)) = self.files.get(&module)
        {
            let aliases = HashMap::new();
            for leaf in parsed
                .uses
                .iter()
                .filter(|l| l.exported && l.name.as_deref() == Some(name))
            {
                if let Some(mut target) = self.absolute(&module, &leaf.path, &aliases) {
                    target.extend(path[k + 1..].iter().cloned());
                    if let Some(found) = self.resolve(&target, depth + 1) {
                        return Some(found);
                    }
                }
            }
        }
        Some(module)
    }

    /// Which files each file imports, by relative file name.
    fn graph(&self) -> BTreeMap<String, BTreeSet<String>> {
        let mut graph = BTreeMap::new();
        for (module, (rel, parsed)) in &self.files {
            let mut aliases = HashMap::new();
            for leaf in &parsed.uses {
                if let (Some(name), Some(abs)) = (&leaf.name, self.absolute(module, &leaf.path, &HashMap::new())) {
                    aliases.insert(name.clone(), abs);
                }
            }
            let mut edges = BTreeSet::new();
            // A `use` of a module binds a name and imports nothing by itself (the paths
            // through the name do); a glob imports the module's items.
            let written = parsed
                .uses
                .iter()
                .map(|l| (&l.path, l.name.is_none()))
                .chain(parsed.paths.iter().map(|p| (p, false)));
            for (path, glob) in written {
                let Some(abs) = self.absolute(module, path, &aliases) else {
                    continue;
                };
                if !glob && self.files.contains_key(&abs) {
                    continue;
                }
                if let Some(target) = self.resolve(&abs, 0)
                    && target != *module
                {
                    edges.insert(self.files[&target].0.clone());
                }
            }
            // A module a macro invocation names bare (`registry! { LargeBlob => large_blob }`)
            // is one the expansion reaches into.
            let expanded = parsed.invoked.iter().flat_map(|m| {
                self.files
                    .values()
                    .filter_map(move |(_, p)| p.macro_defs.get(m))
                    .flatten()
            });
            for name in parsed.macro_idents.iter().chain(expanded) {
                let mut child = module.clone();
                child.push(name.clone());
                if let Some((file, _)) = self.files.get(&child) {
                    edges.insert(file.clone());
                }
            }
            graph.insert(rel.clone(), edges);
        }
        graph
    }

    /// The public surface, summed over the files.
    fn surface(&self) -> Surface {
        let mut total = Surface::default();
        for (_, parsed) in self.files.values() {
            total += parsed.surface;
        }
        total
    }
}

/// The strongly connected components of `graph` with more than one file, largest first.
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    // Tarjan's algorithm, iterative over an index of the nodes.
    let names: Vec<&String> = graph.keys().collect();
    let index_of: HashMap<&String, usize> = names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let succ: Vec<Vec<usize>> = names
        .iter()
        .map(|n| graph[*n].iter().filter_map(|m| index_of.get(m).copied()).collect())
        .collect();
    let n = names.len();
    let (mut index, mut low, mut on_stack) = (vec![usize::MAX; n], vec![0; n], vec![false; n]);
    let (mut stack, mut next, mut out) = (Vec::new(), 0, Vec::new());
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        let mut work = vec![(root, 0usize)];
        index[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (v, ref mut child)) = work.last_mut() {
            if let Some(&w) = succ[v].get(*child) {
                *child += 1;
                if index[w] == usize::MAX {
                    index[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
            } else {
                work.pop();
                if let Some(&(parent, _)) = work.last() {
                    low[parent] = low[parent].min(low[v]);
                }
                if low[v] == index[v] {
                    let mut component = Vec::new();
                    while let Some(w) = stack.pop() {
                        on_stack[w] = false;
                        component.push(names[w].clone());
                        if w == v {
                            break;
                        }
                    }
                    if component.len() > 1 {
                        component.sort();
                        out.push(component);
                    }
                }
            }
        }
    }
    out.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    out
}

/// The imports of `component` (a strongly connected component of `graph`) that close a cycle
/// of more than two files, or none where every cycle in it has two files.
///
/// Every cycle of a component has at most two files exactly when each import inside it is
/// answered by one back (a one-way import inside a component lies on a longer cycle) and the
/// pairs so formed make a tree (a ring of pairs is a longer cycle): a registry and the entries
/// that use its types form such a star, a knot of modules does not.
fn longer_cycle(graph: &BTreeMap<String, BTreeSet<String>>, component: &[String]) -> Vec<(String, String)> {
    let inside = |file: &String| graph[file].iter().filter(|t| component.contains(t));
    let one_way: Vec<(String, String)> = component
        .iter()
        .flat_map(|f| {
            inside(f)
                .filter(move |t| !graph[*t].contains(f))
                .map(move |t| (f.clone(), t.clone()))
        })
        .collect();
    if !one_way.is_empty() {
        return one_way;
    }
    let pairs: Vec<(String, String)> = component
        .iter()
        .flat_map(|f| inside(f).filter(move |t| f < *t).map(move |t| (f.clone(), t.clone())))
        .collect();
    if pairs.len() + 1 == component.len() {
        Vec::new()
    } else {
        pairs
    }
}

/// The most `pub` items (as [`Surface::items`] counts them) the library may declare.
const MAX_PUB_ITEMS: usize = 150;

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

// The figures are this test's report: libtest captures them, `--nocapture` shows them.
#[allow(clippy::disallowed_macros)]
#[test]
fn architecture_has_no_long_import_cycle_and_a_narrow_public_surface() {
    let krate = Crate::read(&src_dir());
    let graph = krate.graph();
    let found = cycles(&graph);
    let surface = krate.surface();
    eprintln!(
        "files {}; import edges {}; `pub` items {} (at most {MAX_PUB_ITEMS}; + {} `pub mod`, {} `pub` fields); `pub(…)` {}",
        graph.len(),
        graph.values().map(BTreeSet::len).sum::<usize>(),
        surface.items,
        surface.mods,
        surface.fields,
        surface.restricted
    );
    for component in &found {
        let shape = if longer_cycle(&graph, component).is_empty() {
            "two-file cycles only"
        } else {
            "longer cycles"
        };
        eprintln!(
            "strongly connected, {} files, {shape}: {}",
            component.len(),
            component.join(" ")
        );
    }
    // Each longer cycle with the imports that close it, so that a failure says what to move.
    let long: Vec<String> = found
        .iter()
        .map(|component| (component, longer_cycle(&graph, component)))
        .filter(|(_, imports)| !imports.is_empty())
        .map(|(component, imports)| {
            let imports: Vec<String> = imports.iter().map(|(a, b)| format!("  {a} -> {b}")).collect();
            format!("{}\n{}", component.join(" "), imports.join("\n"))
        })
        .collect();
    assert!(
        long.is_empty(),
        "import cycles of more than two files, each with the imports that close it:\n{}",
        long.join("\n")
    );
    assert!(
        surface.items <= MAX_PUB_ITEMS,
        "{} `pub` items, more than {MAX_PUB_ITEMS}: make what the binary, the tests and the fuzz targets do not use `pub(crate)`",
        surface.items
    );
}

fn synthetic(files: &[(&str, &str)]) -> Crate {
    Crate::new(files.iter().map(|(p, t)| (p.to_string(), t.to_string())))
}

#[test]
fn architecture_check_finds_a_cycle_through_uses_paths_and_re_exports() {
    let krate = synthetic(&[
        ("lib.rs", "pub mod a; pub mod b; pub mod c; pub use a::A;"),
        ("a.rs", "use crate::b; pub struct A; fn f() { b::g(); }"),
        ("b/mod.rs", "mod inner; pub use inner::g; // crate::c::C is a comment\n"),
        (
            "b/inner.rs",
            "pub fn g() { let _ = super::super::c::C; let _ = \"crate::a::A\"; }",
        ),
        ("c.rs", "pub struct C; fn h() -> crate::A { crate::A }"),
    ]);
    let graph = krate.graph();
    assert_eq!(
        graph["a.rs"],
        BTreeSet::from(["b/inner.rs".to_string()]),
        "a re-export leads to its source"
    );
    assert_eq!(
        graph["b/inner.rs"],
        BTreeSet::from(["c.rs".to_string()]),
        "comments and strings are no paths"
    );
    assert_eq!(graph["c.rs"], BTreeSet::from(["a.rs".to_string()]));
    assert_eq!(
        cycles(&graph),
        [["a.rs", "b/inner.rs", "c.rs"].map(String::from).to_vec()]
    );
}

#[test]
fn architecture_check_allows_a_registry_and_its_entries_but_not_a_ring() {
    let star = synthetic(&[
        ("lib.rs", "pub mod r;"),
        ("r/mod.rs", "pub struct Hit; registry! { A => a, B => b, }"),
        ("r/a.rs", "use super::Hit;"),
        ("r/b.rs", "fn f() -> super::Hit { super::Hit }"),
    ]);
    let graph = star.graph();
    let found = cycles(&graph);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].len(), 3, "{graph:?}");
    assert!(
        longer_cycle(&graph, &found[0]).is_empty(),
        "a star of pairs has no longer cycle"
    );

    let elsewhere = synthetic(&[
        ("lib.rs", "pub mod r;"),
        ("r/mod.rs", "pub struct Hit; list::each!(registry);"),
        (
            "r/list.rs",
            "macro_rules! each { ($m:ident) => { $m! { A => a, B => b, } } }",
        ),
        ("r/a.rs", "use super::Hit;"),
        ("r/b.rs", "pub fn g() {}"),
    ]);
    let graph = elsewhere.graph();
    assert_eq!(
        graph["r/mod.rs"],
        BTreeSet::from(["r/a.rs", "r/b.rs", "r/list.rs"].map(String::from)),
        "a registry expanded from another file's macro reaches the modules it names"
    );

    let ring = synthetic(&[
        ("lib.rs", "pub mod r;"),
        ("r/mod.rs", "pub struct Hit; registry! { A => a, B => b, }"),
        ("r/a.rs", "use super::Hit; use super::b::g;"),
        ("r/b.rs", "pub fn g() {} fn f() -> super::Hit { super::Hit }"),
    ]);
    let graph = ring.graph();
    let found = cycles(&graph);
    assert_eq!(
        longer_cycle(&graph, &found[0]),
        [("r/a.rs".to_string(), "r/b.rs".to_string())]
    );
}

#[test]
fn architecture_check_leaves_out_tests_and_counts_the_surface() {
    let krate = synthetic(&[
        ("lib.rs", "pub mod a; mod b;"),
        (
            "a.rs",
            "use super::b::B; pub struct A { pub x: u8, pub(crate) y: u8 } pub const fn f() {} \
             pub(crate) fn g() {} pub use crate::b::B as C;\n#[cfg(test)]\nmod tests { use crate::b::B; pub fn t() {} }",
        ),
        ("b.rs", "pub struct B; #[cfg(test)] fn t() { let _ = crate::a::A; }"),
    ]);
    let graph = krate.graph();
    assert!(graph["b.rs"].is_empty(), "a test item is no import");
    assert!(cycles(&graph).is_empty());
    assert_eq!(
        krate.surface(),
        Surface {
            items: 4,
            mods: 1,
            fields: 1,
            restricted: 2
        },
        "A, f, the re-export, B; `pub mod a`; x; y and g"
    );
}
