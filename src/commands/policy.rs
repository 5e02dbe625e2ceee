//! `pushgate policy check|show` and `pushgate init`: the policy file a repository reads.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{Context, Status};
use crate::error::Error;
use crate::policy::{BUILTIN, Discovery, Policy, Source};
use crate::report::Format;

/// `policy` writes text or JSON.
fn json(format: Format) -> Result<bool, Error> {
    match format {
        Format::Text => Ok(false),
        Format::Json => Ok(true),
        other => Err(Error::Usage(format!(
            "`pushgate policy` writes text or json, not {}",
            other.name()
        ))),
    }
}

/// Check the policy `file` (or the one the lookup finds; `server`: as the pre-receive hook
/// reads it), and its exemptions; say so on `out` in `format`.
pub fn check(
    context: &Context,
    file: Option<&Path>,
    server: bool,
    format: Format,
    out: &mut dyn Write,
) -> Result<Status, Error> {
    let json = json(format)?;
    let repo = context.open_if_any()?;
    let policy = match file {
        Some(f) if context.policy.is_some() => {
            return Err(Error::Usage(format!(
                "two policy files: {} and --policy; check one at a time",
                f.display()
            )));
        }
        Some(f) => Policy::from_file(f, Source::File(f.to_path_buf()))?,
        None => context.policy(repo.as_ref(), server)?,
    };
    let exemptions = policy.check_exemptions(repo.as_ref(), crate::policy::today());
    let mut warnings = policy.setting_warnings();
    warnings.extend(exemptions.warnings);
    if json {
        let value = serde_json::json!({
            "valid": true,
            "source": policy.source.to_string(),
            "path": policy.source.path().map(|p| p.display().to_string()),
            "warnings": warnings,
            "unchecked": exemptions.unchecked,
        });
        writeln!(out, "{}", serde_json::to_string_pretty(&value).unwrap_or_default())?;
        return Ok(Status::Pass);
    }
    let found = match (&policy.source, &repo) {
        (Source::BuiltIn, Some(repo)) => format!(
            "no policy file here; the built-in default applies (`pushgate init` writes {})",
            Discovery::repository_file(repo, server)
        ),
        (source, _) => format!("{source} is a valid pushgate policy"),
    };
    writeln!(out, "ok: {found}")?;
    for warning in &warnings {
        writeln!(out, "warning: {warning}")?;
    }
    if let Some(why) = &exemptions.unchecked {
        writeln!(out, "note: {why}")?;
    }
    Ok(Status::Pass)
}

/// Write the policy in effect (`server`: as the pre-receive hook reads it) to `out`, as TOML,
/// or in `format` JSON with where it comes from.
pub fn show(context: &Context, server: bool, format: Format, out: &mut dyn Write) -> Result<Status, Error> {
    let json = json(format)?;
    let repo = context.open_if_any()?;
    let policy = context.policy(repo.as_ref(), server)?;
    if json {
        // Through TOML text, so that dates come back as dates (a date serialized straight into
        // a value is a table with a private key).
        let file = toml::to_string(&policy.file)
            .ok()
            .and_then(|text| toml::from_str::<toml::Value>(&text).ok())
            .unwrap_or(toml::Value::Table(Default::default()));
        let value = serde_json::json!({
            "source": policy.source.to_string(),
            "path": policy.source.path().map(|p| p.display().to_string()),
            "policy": toml_to_json(file),
        });
        writeln!(out, "{}", serde_json::to_string_pretty(&value).unwrap_or_default())?;
    } else {
        out.write_all(policy.to_toml().as_bytes())?;
    }
    Ok(Status::Pass)
}

/// Write the built-in policy, every key commented, where the repository's lookup finds it
/// (`server`: `$GIT_DIR/pushgate.toml`); `force` overwrites. A note goes to `err` when the
/// lookup would find another file first.
pub fn init(
    context: &Context,
    force: bool,
    server: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Status, Error> {
    let repo = context.open()?;
    let file = Discovery::repository_file(&repo, server);
    let path: PathBuf = file.path().map(Path::to_owned).unwrap_or_default();
    if path.exists() && !force {
        return Err(Error::Usage(format!(
            "{} exists already; pass --force to overwrite it",
            path.display()
        )));
    }
    std::fs::write(&path, BUILTIN).map_err(|source| Error::File {
        what: format!("writing {}", path.display()),
        source,
    })?;
    writeln!(
        out,
        "wrote {}: the built-in policy, every key commented; keep what you change",
        path.display()
    )?;
    out.flush()?;
    let found = Discovery {
        flag: None,
        repo: Some(&repo),
        server,
    }
    .find();
    if let Some(other) = found.filter(|f| f.path() != Some(path.as_path())) {
        writeln!(
            err,
            "pushgate: note: {other} comes first in the policy lookup, so this file is not read while it is set"
        )?;
    }
    Ok(Status::Pass)
}

/// A TOML value as JSON (dates as strings).
fn toml_to_json(value: toml::Value) -> serde_json::Value {
    use serde_json::Value as J;
    match value {
        toml::Value::String(s) => J::String(s),
        toml::Value::Integer(i) => J::from(i),
        toml::Value::Float(f) => J::from(f),
        toml::Value::Boolean(b) => J::Bool(b),
        toml::Value::Datetime(d) => J::String(d.to_string()),
        toml::Value::Array(a) => J::Array(a.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => J::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect()),
    }
}
