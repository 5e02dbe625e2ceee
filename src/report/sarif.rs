//! `--format sarif`: SARIF 2.1.0, as GitHub code scanning and other SARIF viewers read it.
//!
//! Every rule is a reporting descriptor (id, a PascalCase name, short and full descriptions,
//! help that says how to fix a finding and then what to use instead, and its level in the
//! effective policy as the default configuration). Every finding is a result with the rule's
//! id and index, a message that ends with the finding's first step (also its `fix`
//! property), a level (`deny` → `error`, `warn` → `warning`, `info` → `note`), the path as a percent-encoded URI
//! relative to the checkout (`%SRCROOT%`), and the finding's fingerprint (blob, path, rule)
//! as a partial fingerprint, so that code scanning tracks one alert across runs. Notices
//! become tool execution notifications.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde_sarif::sarif::{
    ArtifactLocation, Invocation, Location, Message, MultiformatMessageString, Notification, PhysicalLocation,
    PropertyBag, Region, ReportingConfiguration, ReportingDescriptor, Result as SarifResult, ResultLevel, Run, Sarif,
    Tool, ToolComponent,
};

use crate::outcome::Outcome;
use crate::outcome::{Finding, Level, Notice};
use crate::policy::Policy;
use crate::rules::RuleId;
use crate::util::{human_size, uri_path};

/// The schema the document declares.
pub(crate) const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The key of pushgate's fingerprint in `partialFingerprints`.
pub(crate) const FINGERPRINT_KEY: &str = "pushgate/v1";

/// The URI base of every artifact location: the root of the checkout.
pub(crate) const SRCROOT: &str = "%SRCROOT%";

/// Write the SARIF log, pretty-printed, with a trailing newline.
pub(crate) fn report(out: &mut dyn Write, outcome: &Outcome, policy: &Policy, _options: &super::format::Options) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &document(outcome, policy))?;
    writeln!(out)
}

/// The SARIF log for `outcome`.
pub(crate) fn document(outcome: &Outcome, policy: &Policy) -> Sarif {
    let driver = ToolComponent::builder()
        .name(env!("CARGO_PKG_NAME"))
        .version(env!("CARGO_PKG_VERSION"))
        .semantic_version(env!("CARGO_PKG_VERSION"))
        .full_name(format!("pushgate {}", env!("CARGO_PKG_VERSION")))
        .short_description(text(env!("CARGO_PKG_DESCRIPTION")))
        .rules(
            RuleId::ALL
                .iter()
                .map(|&rule| descriptor(rule, policy))
                .collect::<Vec<_>>(),
        )
        .build();
    let results: Vec<SarifResult> = outcome.findings.iter().map(result).collect();
    let notifications: Vec<Notification> = outcome.notices.iter().map(notification).collect();
    let mut invocation = Invocation::builder().execution_successful(true).build();
    if !notifications.is_empty() {
        invocation.tool_execution_notifications = Some(notifications);
    }
    let run = Run::builder()
        .tool(Tool::from(driver))
        .results(results)
        .invocations(vec![invocation])
        .column_kind(serde_json::json!("unicodeCodePoints"))
        .build();
    Sarif::builder()
        .schema(SCHEMA)
        .version(serde_json::json!("2.1.0"))
        .runs(vec![run])
        .build()
}

/// The SARIF level of a finding level.
pub(crate) fn level(level: Level) -> ResultLevel {
    match level {
        Level::Deny => ResultLevel::Error,
        Level::Warn => ResultLevel::Warning,
        Level::Info => ResultLevel::Note,
    }
}

/// `large-blob` → `LargeBlob`.
pub(crate) fn pascal_case(id: &str) -> String {
    id.split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn text(s: impl Into<String>) -> MultiformatMessageString {
    MultiformatMessageString::builder().text(s.into()).build()
}

/// A sentence: ends with a full stop.
fn sentence(s: &str) -> String {
    let s = s.trim_end();
    if s.ends_with(['.', '!', '?']) {
        s.to_owned()
    } else {
        format!("{s}.")
    }
}

fn descriptor(rule: RuleId, policy: &Policy) -> ReportingDescriptor {
    let doc = rule.doc();
    let pattern = rule.pattern();
    let suggestion = policy.suggestion_for_rule(rule);
    let configured = policy.file.rules.level(rule);
    let help_text = format!(
        "{}\n\nWhy it matters: {}\n\nHow to fix a finding: {}\n\nWhat to use instead: {}\n\nDetails: pushgate explain {rule}",
        sentence(doc.summary),
        doc.why,
        doc.fix,
        suggestion
    );
    let help_markdown = format!(
        "{}\n\n**Why it matters.** {}\n\n**How to fix a finding.** {}\n\n**What to use instead.** {}\n\nDetails: `pushgate explain {rule}`",
        sentence(doc.summary),
        doc.why,
        doc.fix,
        suggestion
    );
    let mut configuration = ReportingConfiguration::builder()
        .level(serde_json::json!(if configured.is_off() {
            ResultLevel::None
        } else {
            level(configured.level())
        }))
        .build();
    if configured.is_off() {
        configuration.enabled = Some(false);
    }
    ReportingDescriptor::builder()
        .id(rule.as_str())
        .name(pascal_case(rule.as_str()))
        .short_description(text(sentence(doc.summary)))
        .full_description(text(doc.why))
        .help(
            MultiformatMessageString::builder()
                .text(help_text)
                .markdown(help_markdown)
                .build(),
        )
        .default_configuration(configuration)
        .properties(
            PropertyBag::builder()
                .tags(vec!["pushgate".to_owned(), pattern.key().to_owned()])
                .additional_properties(BTreeMap::from([(
                    "pattern".to_owned(),
                    serde_json::json!(pattern.key()),
                )]))
                .build(),
        )
        .build()
}

fn result(f: &Finding) -> SarifResult {
    let rule_index = RuleId::ALL.iter().position(|&r| r == f.rule).unwrap_or_default();
    let mut message = sentence(&f.message);
    if let Some(commit) = f.commit {
        message.push_str(&format!(" Added in commit {}.", commit.to_hex_with_len(12)));
    }
    let step = crate::advice::first_step(f);
    message.push_str(&format!(" Fix: {step}"));
    // A range-wide finding has no path of its own: it points at the largest file it counts.
    let (path, note) = match f.anchor() {
        Some(path) if !f.paths.is_empty() => (Some(uri_path(path)), Some("One file of the subject")),
        Some(path) => (Some(uri_path(path)), None),
        None => (
            crate::rules::history_growth::largest_path(f).map(|p| uri_path(p.as_bytes())),
            Some("The largest new file of the range"),
        ),
    };
    let mut properties = BTreeMap::from([
        ("pattern".to_owned(), serde_json::json!(f.pattern.key())),
        ("level".to_owned(), serde_json::json!(f.level.as_str())),
    ]);
    if let Some(blob) = f.blob {
        properties.insert("blob".to_owned(), serde_json::json!(blob.to_string()));
    }
    if let Some(commit) = f.commit {
        properties.insert("commit".to_owned(), serde_json::json!(commit.to_string()));
    }
    properties.insert("fix".to_owned(), serde_json::json!(step));
    if let Some(size) = f.size {
        properties.insert("size".to_owned(), serde_json::json!(size));
        properties.insert("humanSize".to_owned(), serde_json::json!(human_size(size)));
    }
    let evidence = f.evidence.object();
    if !evidence.is_empty() {
        properties.insert("evidence".to_owned(), serde_json::Value::Object(evidence));
    }
    if !f.paths.is_empty() {
        let subject = f.path.as_ref().map(|p| p.to_string()).unwrap_or_default();
        properties.insert("subject".to_owned(), serde_json::json!(subject));
        let files: Vec<String> = f.paths.iter().map(|p| p.to_string()).collect();
        properties.insert("paths".to_owned(), serde_json::json!(files));
    }
    let mut result = SarifResult::builder()
        .rule_id(f.rule.as_str())
        .rule_index(rule_index as i64)
        .level(level(f.level))
        .message(Message::builder().text(message).build())
        .partial_fingerprints(BTreeMap::from([(FINGERPRINT_KEY.to_owned(), f.fingerprint())]))
        .properties(PropertyBag::builder().additional_properties(properties).build())
        .build();
    if let Some(uri) = path {
        let mut location = Location::builder()
            .physical_location(
                PhysicalLocation::builder()
                    .artifact_location(ArtifactLocation::builder().uri(uri).uri_base_id(SRCROOT).build())
                    // The whole file is the finding; code scanning needs a line to anchor it.
                    .region(Region::builder().start_line(1).build())
                    .build(),
            )
            .build();
        if let Some(note) = note {
            location.message = Some(Message::builder().text(sentence(note)).build());
        }
        result.locations = Some(vec![location]);
    }
    result
}

fn notification(n: &Notice) -> Notification {
    let level = level(n.level());
    let mut properties = BTreeMap::from([("kind".to_owned(), serde_json::json!(n.kind))]);
    if let Some(path) = &n.path {
        properties.insert("path".to_owned(), serde_json::json!(path));
    }
    if let Some(blob) = &n.blob {
        properties.insert("blob".to_owned(), serde_json::json!(blob));
    }
    Notification::builder()
        .message(
            Message::builder()
                .text(sentence(&format!("{}: {}", n.kind, n.message)))
                .build(),
        )
        .level(serde_json::json!(level))
        .properties(PropertyBag::builder().additional_properties(properties).build())
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_pascal_case() {
        assert_eq!(pascal_case("large-blob"), "LargeBlob");
        assert_eq!(pascal_case("lfs-bypassed"), "LfsBypassed");
    }

    #[test]
    fn levels_map_to_sarif() {
        assert_eq!(level(Level::Deny), ResultLevel::Error);
        assert_eq!(level(Level::Warn), ResultLevel::Warning);
        assert_eq!(level(Level::Info), ResultLevel::Note);
    }

    #[test]
    fn every_rule_is_described_with_its_policy_level() {
        let policy = Policy::builtin();
        let doc = serde_json::to_value(document(&Outcome::default(), &policy)).unwrap_or_default();
        let rules = doc["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert_eq!(rules.len(), RuleId::ALL.len());
        for (rule, descriptor) in RuleId::ALL.iter().zip(&rules) {
            assert_eq!(descriptor["id"], rule.as_str());
            let want = serde_json::json!(level(policy.file.rules.level(*rule).level()));
            assert_eq!(descriptor["defaultConfiguration"]["level"], want, "{rule}");
            let help = descriptor["help"]["text"].as_str().unwrap_or_default();
            assert!(help.contains(policy.suggestion_for_rule(*rule)), "{rule}: {help}");
        }
    }
}
