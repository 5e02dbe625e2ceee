//! Lists of path globs with git's conventions, compiled once into a [`globset::GlobSet`].

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Globs as the user wrote them, and their compiled matcher.
///
/// A pattern without a `/` matches the file name at any depth (`*.log` is `**/*.log`); a
/// pattern with a `/` matches the whole path from the root (a leading `/` is dropped); `*`
/// never crosses a `/`, `**` does.
#[derive(Clone, Default)]
pub struct Globs {
    patterns: Vec<String>,
    set: GlobSet,
    /// The answers given so far, by path: a history asks about the same few paths once per
    /// version (a scraper's file hundreds of thousands of times), and a lookup costs a tenth
    /// of a match. Shared by clones (the same patterns); emptied when it grows past
    /// [`REMEMBERED`].
    answers: Arc<Mutex<Answers>>,
}

/// Whether a list of globs matches each path asked about.
type Answers = HashMap<Box<[u8]>, bool, foldhash::fast::RandomState>;

/// At most this many paths' answers are kept per list of globs.
const REMEMBERED: usize = 4096;

impl Globs {
    /// Compile `patterns`, naming the first one that is not a valid glob.
    pub(crate) fn new(patterns: Vec<String>) -> Result<Self, String> {
        if patterns.len() > MAX_GLOBS {
            return Err(format!(
                "{} globs in one list; at most {MAX_GLOBS} are allowed",
                patterns.len()
            ));
        }
        let mut builder = GlobSetBuilder::new();
        for pattern in &patterns {
            builder.add(compile(pattern)?);
        }
        let set = builder.build().map_err(|e| format!("invalid glob set: {e}"))?;
        Ok(Globs {
            patterns,
            set,
            answers: Default::default(),
        })
    }

    /// Whether any pattern matches `path` (a repository-relative path with `/` separators).
    pub fn is_match(&self, path: &[u8]) -> bool {
        if self.patterns.is_empty() {
            return false;
        }
        // A poisoned lock (a panic elsewhere while it was held) only loses the shortcut.
        if let Ok(answers) = self.answers.lock()
            && let Some(&answer) = answers.get(path)
        {
            return answer;
        }
        let answer = match gix::path::from_byte_slice(path) {
            Ok(p) => self.set.is_match(p),
            Err(_) => self.set.is_match(String::from_utf8_lossy(path).as_ref()),
        };
        if let Ok(mut answers) = self.answers.lock() {
            if answers.len() >= REMEMBERED {
                answers.clear();
            }
            answers.insert(path.into(), answer);
        }
        answer
    }

    /// The patterns as written.
    pub(crate) fn patterns(&self) -> &[String] {
        &self.patterns
    }

    /// Whether the list is empty.
    pub(crate) fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }
}

/// At most this many globs in one list: more is a generated file gone wrong, and would only
/// make every path lookup slower.
pub(crate) const MAX_GLOBS: usize = 10_000;

/// At most this many bytes in one glob (git's paths are rarely a tenth as long).
pub(crate) const MAX_GLOB_LEN: usize = 4096;

fn compile(pattern: &str) -> Result<globset::Glob, String> {
    if pattern.is_empty() {
        return Err("invalid glob ``: a glob cannot be empty".into());
    }
    if pattern.len() > MAX_GLOB_LEN {
        let start: String = pattern.chars().take(40).collect();
        return Err(format!("invalid glob `{start}…`: longer than {MAX_GLOB_LEN} bytes"));
    }
    let anchored = pattern.trim_start_matches('/');
    let full = if pattern.contains('/') {
        anchored.to_owned()
    } else {
        format!("**/{pattern}")
    };
    GlobBuilder::new(&full)
        .literal_separator(true)
        .backslash_escape(true)
        .build()
        .map_err(|e| format!("invalid glob `{pattern}`: {}", e.kind()))
}

impl fmt::Debug for Globs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(&self.patterns).finish()
    }
}

impl PartialEq for Globs {
    fn eq(&self, other: &Self) -> bool {
        self.patterns == other.patterns
    }
}

impl Serialize for Globs {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.patterns.serialize(serializer)
    }
}

/// One glob, validated as it is read, so an error points at the glob itself.
struct Pattern(String);

impl<'de> Deserialize<'de> for Pattern {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let pattern = String::deserialize(deserializer)?;
        compile(&pattern).map_err(serde::de::Error::custom)?;
        Ok(Pattern(pattern))
    }
}

impl<'de> Deserialize<'de> for Globs {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Counted before any glob is compiled.
        let patterns = Vec::<toml::Value>::deserialize(deserializer)?;
        if patterns.len() > MAX_GLOBS {
            return Err(serde::de::Error::custom(format!(
                "{} globs in one list; at most {MAX_GLOBS} are allowed",
                patterns.len()
            )));
        }
        let patterns = patterns
            .into_iter()
            .map(|v| Pattern::deserialize(v).map_err(serde::de::Error::custom))
            .collect::<Result<Vec<Pattern>, D::Error>>()?;
        Globs::new(patterns.into_iter().map(|p| p.0).collect()).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn globs(p: &[&str]) -> Globs {
        Globs::new(p.iter().map(|s| s.to_string()).collect()).expect("valid globs in test")
    }

    #[test]
    fn remembered_answers_are_the_answers() {
        // More paths than are remembered, asked twice over in turn: every answer is the
        // compiled set's own, whether it was remembered, forgotten or never asked before.
        let g = globs(&["*.log", "dist/**"]);
        let paths: Vec<String> = (0..REMEMBERED * 2 + 7)
            .map(|i| match i % 3 {
                0 => format!("a{i}/x.log"),
                1 => format!("dist/{i}.js"),
                _ => format!("src/dist/{i}.js"),
            })
            .collect();
        for _ in 0..2 {
            for path in &paths {
                let fresh = g.set.is_match(path.as_str());
                assert_eq!(g.is_match(path.as_bytes()), fresh, "{path}");
                assert_eq!(g.is_match(path.as_bytes()), fresh, "{path}, again");
            }
        }
        let copy = g.clone();
        assert!(copy.is_match(b"b/y.log") && !copy.is_match(b"src/dist/y.js"));
        assert!(g.answers.lock().is_ok_and(|a| a.len() <= REMEMBERED));
    }

    #[test]
    fn basename_patterns_match_at_any_depth() {
        let g = globs(&["*.log"]);
        assert!(g.is_match(b"app.log"));
        assert!(g.is_match(b"a/b/app.log"));
        assert!(!g.is_match(b"app.log.txt"));
    }

    #[test]
    fn slash_patterns_are_anchored() {
        let g = globs(&["dist/**", "/target/**"]);
        assert!(g.is_match(b"dist/a.js"));
        assert!(g.is_match(b"target/debug/x"));
        assert!(!g.is_match(b"src/dist/a.js"));
        let g = globs(&["**/logs/**"]);
        assert!(g.is_match(b"logs/a.txt"));
        assert!(g.is_match(b"srv/logs/a.txt"));
        assert!(!g.is_match(b"srv/logsx/a.txt"));
    }

    #[test]
    fn star_does_not_cross_directories() {
        let g = globs(&["refs/heads/*"]);
        assert!(g.is_match(b"refs/heads/main"));
        assert!(!g.is_match(b"refs/heads/feature/x"));
    }

    #[test]
    fn bad_globs_are_named() {
        let err = Globs::new(vec!["a[b".into()]).err().unwrap_or_default();
        assert!(err.contains("a[b"), "{err}");
        assert!(Globs::new(vec![String::new()]).is_err());
        assert!(!globs(&[]).is_match(b"x"));
    }
}
