//! Facts about file names that several rules share.

use gix::bstr::{BStr, ByteSlice};

use crate::util::split_path;

/// File extensions of hand-written source code and documentation. Directory-based rules
/// (`logs/**`, `backup/**`) never report these: `src/backup/mod.rs` is code about backups.
const SOURCE_EXTENSIONS: &[&str] = &[
    "rs",
    "c",
    "h",
    "cc",
    "cpp",
    "cxx",
    "hpp",
    "hh",
    "go",
    "py",
    "pyi",
    "rb",
    "java",
    "kt",
    "kts",
    "scala",
    "swift",
    "m",
    "mm",
    "cs",
    "fs",
    "vb",
    "js",
    "mjs",
    "cjs",
    "jsx",
    "ts",
    "tsx",
    "vue",
    "svelte",
    "php",
    "pl",
    "pm",
    "lua",
    "r",
    "jl",
    "ex",
    "exs",
    "erl",
    "hrl",
    "hs",
    "ml",
    "mli",
    "clj",
    "cljs",
    "dart",
    "zig",
    "nim",
    "sh",
    "bash",
    "zsh",
    "fish",
    "ps1",
    "bat",
    "cmd",
    "sql",
    "proto",
    "graphql",
    "gql",
    "tf",
    "hcl",
    "nix",
    "md",
    "rst",
    "adoc",
    "tex",
    "html",
    "htm",
    "css",
    "scss",
    "sass",
    "less",
    "toml",
    "ini",
    "cfg",
    "conf",
    "mk",
    "cmake",
    "gradle",
    "groovy",
    "dockerfile",
    "yaml",
    "yml",
];

/// Extensions of structured data, which the log rule leaves to the audit and data rules.
const DATA_EXTENSIONS: &[&str] = &[
    "csv", "tsv", "json", "jsonl", "ndjson", "xml", "yaml", "yml", "geojson", "kml", "parquet", "avro",
];

/// Dependency lock files: generated on purpose, reviewed, and never a misuse.
const LOCKFILES: &[&str] = &[
    "cargo.lock",
    "package-lock.json",
    "npm-shrinkwrap.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "bun.lockb",
    "poetry.lock",
    "pipfile.lock",
    "uv.lock",
    "pdm.lock",
    "gemfile.lock",
    "composer.lock",
    "go.sum",
    "flake.lock",
    "mix.lock",
    "pubspec.lock",
    "podfile.lock",
    "packages.lock.json",
    "gradle.lockfile",
    "deno.lock",
    "conan.lock",
    "cabal.project.freeze",
    "package.resolved",
];

/// Whether `name` is a dependency lock file.
pub(crate) fn is_lockfile(name: &[u8]) -> bool {
    let lower = name.to_ascii_lowercase();
    LOCKFILES.iter().any(|l| lower == l.as_bytes())
}

/// Configuration of CI and developer tools, whose pinned versions dependency bots
/// (Dependabot, Renovate, pre-commit.ci) bump on a schedule: automated edits of a file that
/// belongs in git, never data churn.
pub(crate) fn is_tool_config(path: &BStr) -> bool {
    const DIRS: &[&str] = &[".github/", ".gitlab/", ".circleci/", ".buildkite/", ".devcontainer/"];
    const NAMES: &[&str] = &[
        ".gitlab-ci.yml",
        ".pre-commit-config.yaml",
        ".pre-commit-hooks.yaml",
        ".travis.yml",
        "azure-pipelines.yml",
        "bitbucket-pipelines.yml",
        "buildspec.yml",
        "renovate.json",
        "renovate.json5",
        ".renovaterc",
        ".renovaterc.json",
        "codecov.yml",
        ".readthedocs.yaml",
        ".readthedocs.yml",
        "dependabot.yml",
    ];
    let lower = path.to_ascii_lowercase();
    if DIRS.iter().any(|d| lower.starts_with(d.as_bytes())) {
        return true;
    }
    let name = lower.rsplit_str("/").next().unwrap_or_default();
    NAMES.iter().any(|n| name == n.as_bytes())
}

/// Dependency manifests and version files: release and dependency bots bump them on a
/// schedule, and they belong in git.
const MANIFESTS: &[&str] = &[
    "package.json",
    "composer.json",
    "bower.json",
    "deno.json",
    "jsr.json",
    "cargo.toml",
    "pyproject.toml",
    "setup.cfg",
    "pipfile",
    "go.mod",
    "go.work",
    "gemfile",
    "pom.xml",
    "build.gradle",
    "build.gradle.kts",
    "pubspec.yaml",
    "mix.exs",
    "project.clj",
    "chart.yaml",
    "environment.yml",
    "environment.yaml",
    "manifest.json",
    "version",
    "version.txt",
    "version.json",
    ".version",
];

/// Whether `name` is a dependency manifest or version file (`requirements*.txt`, `*.csproj`
/// and `*.gemspec` included).
pub(crate) fn is_manifest(name: &[u8]) -> bool {
    let lower = name.to_ascii_lowercase();
    MANIFESTS.iter().any(|m| lower == m.as_bytes())
        || (lower.starts_with(b"requirements") && lower.ends_with(b".txt"))
        || [".csproj", ".fsproj", ".vbproj", ".gemspec", ".nuspec", ".podspec"]
            .iter()
            .any(|e| lower.ends_with(e.as_bytes()))
}

/// Directories of translations, which translation platforms rewrite on their own schedule.
const TRANSLATION_DIRS: &[&str] = &["locale", "locales", "i18n", "l10n", "lang", "langs", "translations"];

/// Whether `path` is a translation catalogue (`*.po`, or under a locale directory).
pub(crate) fn is_translation(path: &BStr) -> bool {
    let lower = path.to_ascii_lowercase();
    if lower.ends_with(b".po") || lower.ends_with(b".pot") || lower.ends_with(b".xliff") || lower.ends_with(b".xlf") {
        return true;
    }
    let mut parts = lower.split_str("/").collect::<Vec<_>>();
    parts.pop();
    parts
        .iter()
        .any(|p| TRANSLATION_DIRS.iter().any(|d| p == &d.as_bytes()))
}

/// Directories of tests and their fixtures.
const TEST_DIRS: &[&str] = &[
    "test",
    "tests",
    "testdata",
    "test-data",
    "test_data",
    "testing",
    "spec",
    "specs",
    "fixtures",
    "fixture",
    "__tests__",
    "__fixtures__",
    "stubs",
    "golden",
    "examples-test",
];

/// Whether `path` lies under a test or fixture directory.
pub(crate) fn in_test_dir(path: &[u8]) -> bool {
    let lower = path.to_ascii_lowercase();
    let mut parts = lower.split_str("/").collect::<Vec<_>>();
    parts.pop();
    parts.iter().any(|p| TEST_DIRS.iter().any(|d| p == &d.as_bytes()))
}

/// Directories of code and data copied from other projects.
const VENDORED_DIRS: &[&str] = &["vendor", "third_party", "third-party", "thirdparty", "3rdparty"];

/// Whether `path` lies under a directory of vendored (copied) dependencies.
pub(crate) fn in_vendored_dir(path: &[u8]) -> bool {
    let lower = path.to_ascii_lowercase();
    let mut parts = lower.split_str("/").collect::<Vec<_>>();
    parts.pop();
    parts.iter().any(|p| VENDORED_DIRS.iter().any(|d| p == &d.as_bytes()))
}

/// Files under a test or fixture directory below this size are fixtures: judged by what the
/// history shows them to be, not by their content alone.
pub(crate) const FIXTURE_MAX: u64 = 1024 * 1024;

/// Whether `blob` is a small file under a test or fixture directory.
pub(crate) fn is_small_fixture(blob: &crate::candidate::Candidate) -> bool {
    in_test_dir(&blob.path) && blob.size.is_some_and(|s| s < FIXTURE_MAX)
}

/// The level for a content or name match on `blob`: a small file under a test or fixture
/// directory is the input or expected output of a tool's tests (a log viewer's sample logs, a
/// dump library's golden dump, a packet capture a parser reads), written by people with the
/// code: `info`. A job that keeps writing such files is judged by the history rules, not here.
pub(crate) fn fixture_level(blob: &crate::candidate::Candidate, level: crate::outcome::Level) -> crate::outcome::Level {
    if is_small_fixture(blob) {
        level.min(crate::outcome::Level::Info)
    } else {
        level
    }
}

/// Names of files that record history by hand and must never count as logs.
const CHANGELOG_STEMS: &[&str] = &["changelog", "changes", "news", "history", "releases", "release-notes"];

/// The lower-cased extension of a file name (`archive.tar.gz` → `gz`), if any.
pub(crate) fn extension(name: &[u8]) -> Option<String> {
    match name.rsplit_once_str(".") {
        Some((stem, ext)) if !stem.is_empty() => Some(ext.to_str_lossy().to_ascii_lowercase()),
        _ => None,
    }
}

/// Whether `name` looks like hand-written source code or documentation.
pub(crate) fn is_source_code(name: &[u8]) -> bool {
    let lower = name.to_ascii_lowercase();
    if matches!(
        lower.as_slice(),
        b"makefile" | b"dockerfile" | b"rakefile" | b"gemfile" | b"justfile"
    ) {
        return true;
    }
    extension(name).is_some_and(|e| SOURCE_EXTENSIONS.contains(&e.as_str()))
}

/// Whether `name` is a structured data file.
pub(crate) fn is_structured_data(name: &[u8]) -> bool {
    extension(name).is_some_and(|e| DATA_EXTENSIONS.contains(&e.as_str()))
}

/// Whether `name` is a changelog, release notes or the like.
pub(crate) fn is_changelog(name: &[u8]) -> bool {
    let lower = name.to_ascii_lowercase();
    let stem = lower.split_once_str(".").map_or(lower.as_slice(), |(stem, _)| stem);
    CHANGELOG_STEMS.iter().any(|s| stem == s.as_bytes())
}

/// Directories of release notes and changelog fragments (towncrier, reno, per-release notes).
const RELEASE_NOTE_DIRS: &[&str] = &[
    "relnotes",
    "release-notes",
    "release_notes",
    "releasenotes",
    "changelog",
    "changelog.d",
    "changes",
    "newsfragments",
];

/// Whether `path` is release notes or a changelog: by its name, or under a release-notes
/// directory (`Documentation/RelNotes/2.45.0.txt`, `changelog.d/123.fix.md`).
pub(crate) fn is_release_notes(path: &[u8]) -> bool {
    let lower = path.to_ascii_lowercase();
    let mut parts = lower.split_str("/").collect::<Vec<_>>();
    let name = parts.pop().unwrap_or_default();
    is_changelog(name)
        || parts
            .iter()
            .any(|p| RELEASE_NOTE_DIRS.iter().any(|d| p == &d.as_bytes()))
}

/// Whether a file name carries a calendar date stamp: `2024-05-01`, `20240501`, `2024_05_01`,
/// `2024.05.01` (years 1970–2099, valid month and day), not part of a longer number.
pub(crate) fn has_date_stamp(name: &[u8]) -> bool {
    let digit = |i: usize| name.get(i).is_some_and(u8::is_ascii_digit);
    let num = |i: usize, n: usize| -> Option<u32> {
        (0..n).try_fold(0u32, |acc, k| {
            name.get(i + k)
                .filter(|b| b.is_ascii_digit())
                .map(|b| acc * 10 + u32::from(b - b'0'))
        })
    };
    for start in 0..name.len() {
        if start > 0 && digit(start - 1) {
            continue;
        }
        let Some(year) = num(start, 4) else { continue };
        if !(1970..=2099).contains(&year) {
            continue;
        }
        for sep in [None, Some(b'-'), Some(b'_'), Some(b'.')] {
            let mut i = start + 4;
            if let Some(s) = sep {
                if name.get(i) != Some(&s) {
                    continue;
                }
                i += 1;
            }
            let Some(month) = num(i, 2) else { continue };
            i += 2;
            if let Some(s) = sep {
                if name.get(i) != Some(&s) {
                    continue;
                }
                i += 1;
            }
            let Some(day) = num(i, 2) else { continue };
            i += 2;
            if (1..=12).contains(&month) && (1..=31).contains(&day) && !digit(i) {
                return true;
            }
        }
    }
    false
}

/// The first of `words` that stands as a whole word (between non-letters) in `path`, case-insensitively.
pub(crate) fn find_word<'w>(path: &[u8], words: &'w [String]) -> Option<&'w str> {
    let lower = path.to_ascii_lowercase();
    words.iter().map(String::as_str).find(|word| {
        let w = word.as_bytes();
        if w.is_empty() {
            return false;
        }
        lower.find_iter(w).any(|at| {
            let before = at.checked_sub(1).and_then(|i| lower.get(i));
            let after = lower.get(at + w.len());
            !before.is_some_and(u8::is_ascii_alphabetic) && !after.is_some_and(u8::is_ascii_alphabetic)
        })
    })
}

/// Per-file findings fold into one per subject from this many files.
pub(crate) const GROUP_MIN: usize = 12;

/// The name of a group of `files` (sorted) whose folded directory is `folded`: their folder
/// and common extension (`data/*.json`), or, across folders, the folded folder (`logs/*/*`);
/// dated directories under identifiers (`<uuid>/<uuid>/20240403/`) name the tree above the
/// first identifier.
pub(crate) fn group_subject(files: &[gix::bstr::BString], folded: &str) -> String {
    let dirs: std::collections::BTreeSet<&gix::bstr::BStr> = files.iter().map(|p| split_path(p.as_bstr()).0).collect();
    let mut exts: std::collections::BTreeSet<Option<String>> =
        files.iter().map(|p| extension(split_path(p.as_bstr()).1)).collect();
    let name = match exts.pop_first() {
        Some(Some(ext)) if exts.is_empty() => format!("*.{ext}"),
        _ => "*".to_owned(),
    };
    match dirs.iter().next() {
        Some(d) if dirs.len() == 1 => {
            let dir = d.to_str_lossy();
            if dir.is_empty() { name } else { format!("{dir}/{name}") }
        }
        _ => identified_tree(&dirs).unwrap_or_else(|| format!("{}/{name}", folded.replace('#', "*"))),
    }
}

/// The folder above the first directory level that names an identifier (a UUID, a hash: hex
/// digits and dashes, eight or more, letters and digits both) in any of `dirs`, as `dir/`;
/// `None` when no level does, or the first one does.
fn identified_tree(dirs: &std::collections::BTreeSet<&gix::bstr::BStr>) -> Option<String> {
    let identifier = |s: &[u8]| {
        s.len() >= 8
            && s.iter().all(|b| b.is_ascii_hexdigit() || *b == b'-')
            && s.iter().any(u8::is_ascii_digit)
            && s.iter().any(u8::is_ascii_alphabetic)
    };
    let first = dirs.iter().next()?;
    let levels: Vec<&[u8]> = first.split(|b| *b == b'/').collect();
    let cut = (0..levels.len()).find(|&k| {
        dirs.iter()
            .any(|d| d.split(|b| *b == b'/').nth(k).is_some_and(identifier))
    })?;
    let tree = levels.get(..cut)?.join(&b'/');
    // The levels above it are one folder for all of them.
    let mut prefix = tree.clone();
    prefix.push(b'/');
    if cut == 0 || !dirs.iter().all(|d| d.starts_with(&prefix)) {
        return None;
    }
    Some(format!("{}/", tree.to_str_lossy()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tool_configuration_is_not_data() {
        for yes in [
            ".github/workflows/ci.yml",
            ".github/dependabot.yml",
            ".pre-commit-config.yaml",
            "ci/.gitlab-ci.yml",
            "renovate.json",
            ".circleci/config.yml",
        ] {
            assert!(is_tool_config(yes.into()), "{yes}");
        }
        for no in [
            "data/prices.json",
            "config/app.yaml",
            "github/workflows.json",
            "exports/ci.yml",
        ] {
            assert!(!is_tool_config(no.into()), "{no}");
        }
    }

    #[test]
    fn date_stamps() {
        for yes in [
            "backup-2024-05-01.tar.gz",
            "db_20171130.sql",
            "2017-04-02-db.sql",
            "x.2024.12.31.zip",
            "a_2024_01_09",
        ] {
            assert!(has_date_stamp(yes.as_bytes()), "{yes}");
        }
        for no in [
            "sample.zip",
            "v1.2.3.tar.gz",
            "build-123456789.zip",
            "2024-13-01",
            "x120240501",
            "file-1999.zip",
        ] {
            assert!(!has_date_stamp(no.as_bytes()), "{no}");
        }
    }

    #[test]
    fn words_stand_alone() {
        let words = vec!["backup".to_string(), "bak".to_string(), "dump".to_string()];
        assert_eq!(find_word(b"backups/db-backup.tar", &words), Some("backup"));
        assert_eq!(find_word(b"site_dump.zip", &words), Some("dump"));
        assert_eq!(find_word(b"kebab.zip", &words), None);
        assert_eq!(find_word(b"dumpling.zip", &words), None);
    }

    #[test]
    fn name_classes() {
        assert!(is_source_code(b"mod.rs") && is_source_code(b"Makefile") && !is_source_code(b"app.log"));
        assert!(is_structured_data(b"events.JSONL") && !is_structured_data(b"notes.txt"));
        assert!(is_lockfile(b"Cargo.lock") && is_lockfile(b"go.sum") && !is_lockfile(b"data.lock.json"));
        assert!(is_changelog(b"CHANGELOG.md") && is_changelog(b"NEWS") && !is_changelog(b"app.log"));
        assert_eq!(extension(b".gitignore"), None);
        assert_eq!(extension(b"a.tar.GZ").as_deref(), Some("gz"));
    }
}
