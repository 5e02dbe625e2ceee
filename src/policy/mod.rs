//! The policy: what is checked, at which level, and what fails.
//!
//! A policy file is TOML (schema in [`schema`]); the built-in default is
//! `policy.example.toml`, compiled into the binary. A user's file only holds the keys it
//! changes: it is validated on its own (so every error points at the user's file, line and
//! column), then laid over the built-in table key by key.

use std::fmt;
use std::path::{Path, PathBuf};

mod allow;
mod globs;
pub(crate) mod schema;
mod size;

pub(crate) use allow::today;
pub(crate) use globs::Globs;
pub(crate) use schema::{OnError, OnShallow, PolicyFile, SuggestionStyle};
pub use size::Size;

use crate::outcome::Pattern;

/// The text of the built-in policy.
pub(crate) const BUILTIN: &str = include_str!("../../policy.example.toml");

/// Where the effective policy came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// `--policy FILE`
    Flag(PathBuf),
    /// `PUSHGATE_POLICY`
    Env(PathBuf),
    /// git config `pushgate.policy`
    GitConfig(PathBuf),
    /// `.pushgate.toml` at the work-tree root.
    WorkTree(PathBuf),
    /// `pushgate.toml` in the git directory (bare repositories, and the pre-receive hook).
    GitDir(PathBuf),
    /// A file named as an argument (`policy check FILE`).
    File(PathBuf),
    /// Compiled in.
    BuiltIn,
}

impl Source {
    /// The file behind the source, if any.
    pub(crate) fn path(&self) -> Option<&Path> {
        match self {
            Source::Flag(p)
            | Source::Env(p)
            | Source::GitConfig(p)
            | Source::WorkTree(p)
            | Source::GitDir(p)
            | Source::File(p) => Some(p),
            Source::BuiltIn => None,
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Flag(p) => write!(f, "{} (--policy)", p.display()),
            Source::Env(p) => write!(f, "{} (PUSHGATE_POLICY)", p.display()),
            Source::GitConfig(p) => write!(f, "{} (git config pushgate.policy)", p.display()),
            Source::WorkTree(p) => write!(f, "{} (work tree)", p.display()),
            Source::GitDir(p) => write!(f, "{} (git directory)", p.display()),
            Source::File(p) => write!(f, "{}", p.display()),
            Source::BuiltIn => f.write_str("built-in default"),
        }
    }
}

/// A policy file could not be used. Always a user error (exit status 2).
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    /// The file could not be read (a missing file is one line: `policy file … does not exist`).
    #[error("{}", read_message(file, cause))]
    Read {
        /// The file, and where it was named (`p.toml (--policy)`).
        file: String,
        /// Why (in the message: a missing file is one line, no chain of causes).
        cause: std::io::Error,
    },
    /// The file is not valid TOML, or does not fit the schema, or breaks a rule of its own.
    #[error("{}{}: {message}", file.display(), location.map(|(l, c)| format!(":{l}:{c}")).unwrap_or_default())]
    Invalid {
        /// The file (or `<built-in>`).
        file: PathBuf,
        /// One-based line and column, when known.
        location: Option<(usize, usize)>,
        /// What is wrong, and the closest valid name where that helps.
        message: String,
    },
}

/// A loaded, validated policy.
#[derive(Debug, Clone)]
pub struct Policy {
    /// The effective settings (the user's keys over the built-in ones).
    pub file: PolicyFile,
    /// Where it came from.
    pub(crate) source: Source,
}

impl From<&Policy> for crate::outcome::Gate {
    fn from(policy: &Policy) -> Self {
        crate::outcome::Gate {
            fail_on: policy.file.fail_on,
            mode: policy.file.mode,
        }
    }
}

impl Policy {
    /// The built-in default policy.
    pub fn builtin() -> Policy {
        // The text is compiled in and `builtin_parses_and_is_complete` parses it on every
        // test run, so this cannot fail in a released binary; a silent fallback to empty
        // settings would quietly switch the gate off, which is worse than stopping.
        #[allow(clippy::expect_used)]
        Policy::from_text(BUILTIN, Source::BuiltIn).expect("the built-in policy is valid")
    }

    /// Read and validate the policy in `path`.
    pub(crate) fn from_file(path: &Path, source: Source) -> Result<Policy, PolicyError> {
        use std::io::Read;
        let file = match source.path() {
            Some(_) => source.to_string(),
            None => path.display().to_string(),
        };
        let read_error = |cause| PolicyError::Read {
            file: file.clone(),
            cause,
        };
        // Read one byte past the limit, so that a larger file is refused without being read.
        let mut bytes = Vec::new();
        std::fs::File::open(path)
            .and_then(|f| f.take(MAX_POLICY_BYTES as u64 + 1).read_to_end(&mut bytes))
            .map_err(read_error)?;
        let text = String::from_utf8(bytes)
            .map_err(|e| read_error(std::io::Error::new(std::io::ErrorKind::InvalidData, e)))?;
        Policy::from_text(&text, source)
    }

    /// Validate `text` and lay it over the built-in policy.
    pub fn from_text(text: &str, source: Source) -> Result<Policy, PolicyError> {
        let file_name = source
            .path()
            .map(Path::to_owned)
            .unwrap_or_else(|| PathBuf::from("<built-in>"));
        let invalid = |location, message| PolicyError::Invalid {
            file: file_name.clone(),
            location,
            message,
        };
        if text.len() > MAX_POLICY_BYTES {
            return Err(invalid(
                None,
                format!(
                    "the policy is larger than {} KiB; a policy file is never that long",
                    MAX_POLICY_BYTES >> 10
                ),
            ));
        }
        let parse_error = |e: toml::de::Error| {
            let message = with_suggestion(e.message());
            let Some(span) = e.span() else {
                let message = if message == "recursion limit" {
                    "tables or arrays nested too deeply (recursion limit)".to_owned()
                } else {
                    message
                };
                return invalid(Some(spanless_location(text, e.message())), message);
            };
            if message == "duplicate key" {
                return invalid(Some(line_col(text, span.start)), duplicate_key(text, span));
            }
            if message.starts_with("unknown field") {
                // Named by its table too: `hook.timeot: unknown field `timeot`, …`.
                let (path, _) = key_path(text, span.clone());
                let message = match path.contains(['.', '[']) {
                    true => format!("{path}: {message}"),
                    false => message,
                };
                return invalid(Some(line_col(text, span.start)), message);
            }
            match culprit(text, span.start, &message) {
                Some((key, start)) => invalid(Some(line_col(text, start)), format!("{key}: {message}")),
                _ => invalid(Some(line_col(text, span.start)), message),
            }
        };
        // Pass 1: the user's text alone, so that errors point into it.
        toml::from_str::<PolicyFile>(text).map_err(parse_error)?;
        // Pass 2: the user's keys over the built-in table.
        let user_table: toml::Table = toml::from_str(text).map_err(parse_error)?;
        let mut merged: toml::Table =
            toml::from_str(BUILTIN).map_err(|e| invalid(None, format!("built-in policy: {}", e.message())))?;
        merge(&mut merged, user_table);
        let file: PolicyFile = toml::Value::Table(merged)
            .try_into()
            .map_err(|e: toml::de::Error| invalid(None, e.message().to_owned()))?;
        validate(&file).map_err(|(key_path, message)| invalid(locate(text, &key_path), message))?;
        Ok(Policy { file, source })
    }

    /// What to use instead of git for `pattern`: the policy's own text for the pattern when it
    /// sets one, otherwise the wording of `[suggestions] style`.
    pub(crate) fn suggestion(&self, pattern: Pattern) -> &str {
        self.suggestion_of(pattern, crate::advice::wording::Alternative::Pattern(pattern))
    }

    /// What to use instead for a finding of `rule` under `pattern` with `evidence`: the
    /// policy's own text for the pattern when it sets one, otherwise the wording of
    /// `[suggestions] style` for what the finding is (the rule's alternative).
    pub(crate) fn suggestion_for(
        &self,
        pattern: Pattern,
        rule: crate::rules::RuleId,
        evidence: &crate::outcome::Evidence,
    ) -> &str {
        self.suggestion_of(pattern, rule.alternative(pattern, evidence))
    }

    /// What to use instead for any finding of `rule`, as its documentation gives it.
    pub(crate) fn suggestion_for_rule(&self, rule: crate::rules::RuleId) -> &str {
        self.suggestion_for(rule.pattern(), rule, &crate::outcome::Evidence::default())
    }

    fn suggestion_of(&self, pattern: Pattern, alternative: crate::advice::wording::Alternative) -> &str {
        let s = &self.file.suggestions;
        let own = match pattern {
            Pattern::LargeChurn => &s.large_churn,
            Pattern::Database => &s.database,
            Pattern::AuditTrail => &s.audit_trail,
            Pattern::Backup => &s.backup,
        };
        if own.trim().is_empty() {
            crate::advice::wording::alternative_text(s.style, alternative)
        } else {
            own
        }
    }

    /// Deny every file larger than `max` on top of what the policy says (`--max-size`, as
    /// pre-commit's `check-added-large-files --maxkb`): such a file is a `large-blob` finding
    /// at deny whatever the rule's `level` and thresholds; the rule's `exclude` and the
    /// `[[allow]]` exemptions still apply. With the rule switched off, only this size reports.
    pub fn deny_larger_than(&mut self, max: Size) {
        let rule = &mut self.file.rules.large_blob;
        if rule.level.is_off() {
            rule.level = crate::outcome::Setting::Deny;
            rule.warn_size = Size(u64::MAX);
            rule.deny_size = Size(u64::MAX);
        }
        self.file.max_size = Some(max);
    }

    /// Settings that are valid but do not do what they seem to, for `policy check`: a bypass
    /// enabled with no log to record it (every bypass is refused), a fail-open with no log.
    pub(crate) fn setting_warnings(&self) -> Vec<String> {
        let mut warnings = Vec::new();
        let (bypass, hook) = (&self.file.bypass, &self.file.hook);
        if bypass.log.is_empty() && bypass.enabled {
            warnings.push(
                "[bypass] enabled = true, but log = \"\": every bypass is refused, because a bypass is only \
                 granted with a record of it; name a log (the default is \"pushgate-bypass.jsonl\")"
                    .to_owned(),
            );
        }
        if bypass.log.is_empty() && hook.on_error == OnError::Allow {
            warnings.push(
                "[hook] on_error = \"allow\" with [bypass] log = \"\": pushes let through unchecked are not \
                 logged; name a log (the default is \"pushgate-bypass.jsonl\")"
                    .to_owned(),
            );
        }
        warnings
    }

    /// The effective policy as TOML, headed by where it came from.
    pub(crate) fn to_toml(&self) -> String {
        let body = toml::to_string_pretty(&self.file).unwrap_or_else(|e| format!("# cannot render policy: {e}\n"));
        format!("# source: {}\n{body}", self.source)
    }
}

/// The one policy lookup every command uses, in order: `--policy`, `PUSHGATE_POLICY`, git
/// config `pushgate.policy`, then the repository's own file ([`Discovery::repository_file`]):
/// `$GIT_DIR/pushgate.toml` in a bare repository (for every command, so that `policy show`
/// there reports what the pre-receive hook reads) and for the pre-receive hook anywhere;
/// `.pushgate.toml` at the work-tree root otherwise. Nothing found: the built-in policy.
#[derive(Debug, Default)]
pub(crate) struct Discovery<'a> {
    /// `--policy`
    pub(crate) flag: Option<PathBuf>,
    /// The repository, for git config and the file next to it.
    pub(crate) repo: Option<&'a gix::Repository>,
    /// The pre-receive hook reads the policy: `$GIT_DIR/pushgate.toml`, never the work tree
    /// (in a bare repository every command reads that file).
    pub(crate) server: bool,
}

impl Discovery<'_> {
    /// Find and load the effective policy.
    pub(crate) fn load(&self) -> Result<Policy, PolicyError> {
        match self.find() {
            Some(source) => {
                let path = source.path().map(Path::to_owned).unwrap_or_default();
                Policy::from_file(&path, source)
            }
            None => Ok(Policy::builtin()),
        }
    }

    /// The first policy source that applies, or `None` for the built-in policy.
    pub(crate) fn find(&self) -> Option<Source> {
        if let Some(p) = &self.flag {
            return Some(Source::Flag(p.clone()));
        }
        if let Some(p) = std::env::var_os("PUSHGATE_POLICY").filter(|p| !p.is_empty()) {
            return Some(Source::Env(PathBuf::from(p)));
        }
        let repo = self.repo?;
        let base = repo.workdir().unwrap_or_else(|| repo.git_dir()).to_owned();
        if let Some(value) = repo.config_snapshot().string("pushgate.policy") {
            let p = PathBuf::from(value.to_string());
            return Some(Source::GitConfig(base.join(p)));
        }
        let file = Discovery::repository_file(repo, self.server);
        file.path().is_some_and(Path::is_file).then_some(file)
    }

    /// The policy file a repository holds for the command that will read it (`server`: the
    /// pre-receive hook): `$GIT_DIR/pushgate.toml` for the hook and in a bare repository,
    /// `.pushgate.toml` at the work-tree root otherwise. `pushgate init` writes it.
    pub(crate) fn repository_file(repo: &gix::Repository, server: bool) -> Source {
        match repo.workdir() {
            Some(dir) if !server => Source::WorkTree(dir.join(".pushgate.toml")),
            _ => Source::GitDir(repo.git_dir().join("pushgate.toml")),
        }
    }
}

/// `policy file p.toml (--policy) does not exist`, or the reason it could not be read.
fn read_message(file: &str, source: &std::io::Error) -> String {
    match source.kind() {
        std::io::ErrorKind::NotFound => format!("policy file {file} does not exist"),
        std::io::ErrorKind::IsADirectory => format!("policy file {file} is a directory, not a file"),
        _ => format!("cannot read policy file {file}: {source}"),
    }
}

/// Policy files are read up to this many bytes.
pub const MAX_POLICY_BYTES: usize = 1 << 20;

/// Where an error the TOML parser gives without a position (nesting too deep) starts: the
/// first line whose prefix of the text already fails with the same message. Found by
/// bisection, so a long file costs a few parses, each of which stops at the error.
fn spanless_location(text: &str, message: &str) -> (usize, usize) {
    let ends: Vec<usize> = text
        .match_indices('\n')
        .map(|(i, _)| i + 1)
        .chain([text.len()])
        .collect();
    let fails_within = |lines: usize| {
        let end = ends.get(lines).copied().unwrap_or(text.len());
        let prefix = text.get(..end).unwrap_or(text);
        toml::de::DeTable::parse(prefix).is_err_and(|e| e.message() == message)
    };
    let (mut lo, mut hi) = (0, ends.len().saturating_sub(1));
    if !fails_within(hi) {
        return (1, 1);
    }
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if fails_within(mid) { hi = mid } else { lo = mid + 1 }
    }
    (lo + 1, 1)
}

/// Lay `over` onto `base`: tables merge key by key, every other value (arrays included) replaces.
fn merge(base: &mut toml::Table, over: toml::Table) {
    for (key, value) in over {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            (_, v) => {
                base.insert(key, v);
            }
        }
    }
}

/// Checks serde cannot express. Returns the key path of the offending value and a message.
fn validate(f: &PolicyFile) -> Result<(), (Vec<String>, String)> {
    let key = |parts: &[&str]| parts.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    if f.version != 1 {
        return Err((
            key(&["version"]),
            format!(
                "unsupported policy version {}: this pushgate reads version 1",
                f.version
            ),
        ));
    }
    if f.fail_on.is_off() {
        return Err((
            key(&["fail_on"]),
            "fail_on cannot be \"off\": use mode = \"evaluate\" to never fail, or one of \"deny\", \"warn\", \"info\""
                .into(),
        ));
    }
    // Each rule checks its own settings.
    for rule in crate::rules::RuleId::ALL {
        let id = rule.as_str();
        f.rules
            .settings(rule)
            .validate(id)
            .map_err(|(name, message)| (key(&["rules", id, &name]), message))?;
    }
    if f.lookback_commits == 0 || f.lookback_days == 0 {
        let which = if f.lookback_commits == 0 {
            "lookback_commits"
        } else {
            "lookback_days"
        };
        return Err((
            key(&[which]),
            format!("{which} must be at least 1: the history-aware rules need a window"),
        ));
    }
    if f.hook.timeout == 0 {
        return Err((
            key(&["hook", "timeout"]),
            "hook.timeout must be at least 1 second".into(),
        ));
    }
    for (i, allow) in f.allow.iter().enumerate() {
        let at = |field: &str| vec!["allow".to_string(), i.to_string(), field.to_string()];
        if allow.reason.trim().is_empty() {
            return Err((
                at("reason"),
                format!("allow #{}: reason must say why the exemption exists", i + 1),
            ));
        }
        if allow.paths.is_empty() && allow.blob.is_none() {
            return Err((at("reason"), format!("allow #{}: give `paths`, `blob`, or both", i + 1)));
        }
        if let Some(blob) = &allow.blob
            && gix::ObjectId::from_hex(blob.as_bytes()).is_err()
        {
            return Err((
                at("blob"),
                format!("allow #{}: blob `{blob}` is not a full object id in hex", i + 1),
            ));
        }
        if let Some(expires) = &allow.expires
            && (expires.date.is_none() || expires.time.is_some())
        {
            return Err((
                at("expires"),
                format!("allow #{}: expires must be a date like 2027-06-30", i + 1),
            ));
        }
    }
    Ok(())
}

/// Add "did you mean" to serde's "unknown field/variant `x`, expected one of `a`, `b`".
fn with_suggestion(message: &str) -> String {
    let message = message.trim_end();
    let mut ticks = message.split('`').skip(1).step_by(2);
    let Some(given) = ticks.next() else {
        return message.to_owned();
    };
    if !(message.starts_with("unknown field") || message.starts_with("unknown variant")) {
        return message.to_owned();
    }
    let candidates: Vec<&str> = ticks.collect();
    match crate::util::closest(given, candidates) {
        Some(best) => format!("{message}; did you mean `{best}`?"),
        None => message.to_owned(),
    }
}

/// "duplicate key" with the key named by its dotted path (`hook.timeout`, `allow[1].reason`,
/// `rules.large-blob` for a table header given twice); `span` is the repeated key's.
fn duplicate_key(text: &str, span: std::ops::Range<usize>) -> String {
    match key_path(text, span) {
        (name, true) => {
            format!("duplicate key `{name}`: the table [{name}] is defined twice; put its keys under one header")
        }
        (path, false) => format!("duplicate key `{path}`: it is set twice; keep one"),
    }
}

/// The dotted path of the key at `span` (`hook.timeout`, `allow[1].reason`), read from the
/// table header above it and the key as written, and whether the key is in a table header.
/// Inside an inline table only the key itself is certain.
fn key_path(text: &str, span: std::ops::Range<usize>) -> (String, bool) {
    let line_start = text.get(..span.start).and_then(|t| t.rfind('\n')).map_or(0, |i| i + 1);
    let line = text
        .get(line_start..)
        .unwrap_or_default()
        .lines()
        .next()
        .unwrap_or_default();
    if let Some(header) = table_header(line) {
        return (dotted(header.trim_start_matches('[')), true);
    }
    let upto_key = text.get(line_start..span.end).unwrap_or_default();
    let key = if upto_key.contains(['=', '{']) {
        text.get(span).unwrap_or_default().trim().to_owned()
    } else {
        dotted(upto_key)
    };
    // The table the line is in: the last header above it (`allow[1]` for the second `[[allow]]`).
    let before = text.get(..line_start).unwrap_or_default();
    let headers: Vec<&str> = before.lines().filter_map(table_header).collect();
    let table = headers.last().map(|last| {
        let name = dotted(last.trim_start_matches('['));
        if last.starts_with('[') {
            let index = headers
                .iter()
                .filter(|h| h.starts_with('[') && dotted(h.trim_start_matches('[')) == name)
                .count();
            format!("{name}[{}]", index.saturating_sub(1))
        } else {
            name
        }
    });
    match table {
        Some(table) => (format!("{table}.{key}"), false),
        None => (key, false),
    }
}

/// The name inside a table header line (`[hook]` → `hook`; `[[allow]]` → `[allow`, marking an
/// array of tables), or `None` for any other line.
fn table_header(line: &str) -> Option<&str> {
    let line = line.trim();
    let inner = line.strip_prefix('[')?;
    let (name, rest) = match inner.strip_prefix('[') {
        Some(array) => {
            let end = array.find("]]")?;
            (inner.get(..end + 1)?, array.get(end + 2..)?)
        }
        None => {
            let end = inner.find(']')?;
            (inner.get(..end)?, inner.get(end + 1..)?)
        }
    };
    let rest = rest.trim_start();
    let key_chars = |c: char| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ' ' | '\t' | '"' | '\'');
    (name.trim_start_matches('[').chars().all(key_chars) && (rest.is_empty() || rest.starts_with('#'))).then_some(name)
}

/// A dotted key as written, without the spaces TOML allows around its dots.
fn dotted(key: &str) -> String {
    key.split('.').map(str::trim).collect::<Vec<_>>().join(".")
}

/// One-based line and column (in characters) of byte `offset` in `text`.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset.min(text.len())).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) + 1;
    (line, col)
}

/// The dotted key of the innermost value that holds byte `offset` of `text`
/// (`rules.large-blob.warn_size`, `allow[0].reason`) and where that value starts. When the
/// value is an array and `message` quotes one of its strings, that element is the culprit.
fn culprit(text: &str, offset: usize, message: &str) -> Option<(String, usize)> {
    use toml::de::{DeTable, DeValue};
    // Header tables (`[rules.x]`) have spans that do not cover their contents, so every
    // branch is searched and the smallest value span containing `offset` wins.
    fn search(
        value: &DeValue<'_>,
        offset: usize,
        path: &str,
        message: &str,
        best: &mut Option<(String, std::ops::Range<usize>)>,
    ) {
        fn consider(
            best: &mut Option<(String, std::ops::Range<usize>)>,
            offset: usize,
            path: String,
            span: std::ops::Range<usize>,
        ) {
            if span.contains(&offset) && best.as_ref().is_none_or(|(_, b)| span.len() <= b.len()) {
                *best = Some((path, span));
            }
        }
        match value {
            DeValue::Table(table) => {
                for (key, item) in table.iter() {
                    let here = if path.is_empty() {
                        key.get_ref().to_string()
                    } else {
                        format!("{path}.{}", key.get_ref())
                    };
                    consider(best, offset, here.clone(), item.span());
                    search(item.get_ref(), offset, &here, message, best);
                }
            }
            DeValue::Array(array) => {
                for (i, item) in array.iter().enumerate() {
                    match item.get_ref() {
                        DeValue::Table(_) => search(item.get_ref(), offset, &format!("{path}[{i}]"), message, best),
                        DeValue::String(s) if message.contains(&format!("`{s}`")) => {
                            *best = Some((path.to_owned(), item.span().start..usize::MAX));
                            return;
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    let root = DeTable::parse(text).ok()?;
    let mut best = None;
    search(&DeValue::Table(root.into_inner()), offset, "", message, &mut best);
    best.map(|(path, span)| (path, span.start))
}

/// Find the line and column of the value at `key_path` (numbers index arrays) in `text`.
fn locate(text: &str, key_path: &[String]) -> Option<(usize, usize)> {
    use toml::de::{DeTable, DeValue};
    let root = DeTable::parse(text).ok()?;
    let mut table = root.get_ref();
    let mut span = None;
    let mut parts = key_path.iter().peekable();
    while let Some(part) = parts.next() {
        let (_, value) = table.get_key_value(part.as_str())?;
        span = Some(value.span());
        let mut current = value.get_ref();
        if let DeValue::Array(array) = current {
            let index: usize = parts.next()?.parse().ok()?;
            let item = array.get(index)?;
            span = Some(item.span());
            current = item.get_ref();
        }
        match current {
            DeValue::Table(t) => table = t,
            _ => break,
        }
    }
    span.map(|s| line_col(text, s.start))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_parses_and_is_complete() {
        let builtin: PolicyFile = toml::from_str(BUILTIN).expect("built-in policy parses");
        let policy = Policy::builtin();
        assert_eq!(policy.file, builtin);
        assert_eq!(policy.file.version, 1);
        assert_eq!(policy.file.rules.large_blob.warn_size, Size(5 << 20));
        // Every key the schema knows is present in the built-in text.
        let defaults = toml::Value::try_from(PolicyFile::default()).expect("serializes");
        let text: toml::Value = toml::from_str(BUILTIN).expect("parses");
        assert_keys_present(&defaults, &text, "");
    }

    fn assert_keys_present(schema: &toml::Value, text: &toml::Value, at: &str) {
        if let (toml::Value::Table(s), toml::Value::Table(t)) = (schema, text) {
            for (k, v) in s {
                let inner = t.get(k).unwrap_or_else(|| panic!("built-in policy lacks `{at}{k}`"));
                assert_keys_present(v, inner, &format!("{at}{k}."));
            }
        }
    }

    #[test]
    fn user_keys_override_and_others_stay() {
        let p = Policy::from_text("[rules.large-blob]\nwarn_size = \"1MB\"\n", Source::BuiltIn).expect("valid");
        assert_eq!(p.file.rules.large_blob.warn_size, Size(1_000_000));
        assert_eq!(p.file.rules.large_blob.deny_size, Size(100 << 20));
        assert_eq!(p.file.fail_on, crate::outcome::Setting::Deny);
    }

    fn error(text: &str) -> String {
        match Policy::from_text(text, Source::Flag("p.toml".into())) {
            Ok(_) => panic!("accepted: {text}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn errors_point_at_the_key() {
        let e = error("version = 1\nfail_onn = \"warn\"\n");
        assert!(e.starts_with("p.toml:2:1: unknown field `fail_onn`"), "{e}");
        assert!(e.contains("did you mean `fail_on`?"), "{e}");
        let e = error("[rules.large-blobs]\nlevel = \"off\"\n");
        assert!(
            e.contains("p.toml:1:8") && e.contains("did you mean `large-blob`?"),
            "{e}"
        );
        let e = error("[rules.backup-file]\npaths = [\"a[b\"]\n");
        assert!(
            e.contains("p.toml:2:10: rules.backup-file.paths:") && e.contains("a[b"),
            "{e}"
        );
        let e = error("[rules.large-blob]\nwarn_size = \"5XB\"\n");
        assert!(e.contains("p.toml:2:13") && e.contains("5XB"), "{e}");
        let e = error("fail_on = \"dney\"\n");
        assert!(e.contains("did you mean `deny`?"), "{e}");
        let e = error("[rules.large-blob]\nwarn_size = \"200MiB\"\n");
        assert!(e.contains("p.toml:2:13") && e.contains("larger than deny_size"), "{e}");
        let e = error("[[allow]]\npaths = [\"a\"]\n");
        assert!(e.contains("reason"), "{e}");
        let e = error("[[allow]]\npaths = [\"a\"]\nrules = [\"large-blobb\"]\nreason = \"x\"\n");
        assert!(
            e.contains("p.toml:3:10") && e.contains("did you mean `large-blob`?"),
            "{e}"
        );
        let e = error("[[allow]]\npaths = [\"a\"]\nreason = \"x\"\n[[allow]]\nblob = \"xyz\"\nreason = \"y\"\n");
        assert!(e.contains("p.toml:5:8") && e.contains("xyz"), "{e}");
        let e = error("fail_on = \"off\"\n");
        assert!(e.contains("p.toml:1:11"), "{e}");
        let e = error("lookback_days = \"ten\"\n");
        assert!(e.contains("p.toml:1:17"), "{e}");
    }

    #[test]
    fn history_thresholds_are_checked() {
        for (text, key) in [
            ("[rules.churning-blob]\nwarn_versions = 12\n", "warn_versions"),
            ("[rules.data-churn]\nmin_days = 0\n", "min_days"),
            ("[rules.machine-cadence]\nsnapshot_files = 0\n", "snapshot_files"),
            ("[rules.machine-cadence]\nmin_commits = 0\n", "min_commits"),
            ("lookback_days = 0\n", "lookback_days"),
        ] {
            let e = error(text);
            assert!(
                e.contains(key) && (e.contains(":1:") || e.contains(":2:")),
                "{text}: {e}"
            );
        }
    }
}
