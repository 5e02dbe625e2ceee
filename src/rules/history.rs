//! History-aware rules: what no name or size rule can see in one blob, read from how a path
//! changed over the look-back window.
//!
//! - `churning-blob` (large-churn): a large path with many versions;
//! - `deep-delta-chain` (large-churn): a large object git must rebuild through a deep chain;
//! - `data-churn` (database): a structured data file rewritten by automation;
//! - `machine-cadence` (audit-trail, reported under the rewritten path's own pattern):
//!   commits that look machine-made.
//!
//! The decisions here are pure functions of a [`PathHistory`]; [`crate::lookback`] reads the
//! history from the repository.

use gix::ObjectId;

use super::{Hit, RuleDoc, RuleId};
use crate::finding::{Level, Pattern};
use crate::policy::PolicyFile;
use crate::util::human_size;

const CHURNING_BLOB: RuleDoc = RuleDoc {
    id: RuleId::ChurningBlob,
    summary: "A large file with many versions in the look-back window.",
    why: "Each version of a large file stays in history for good: ten versions of a 6 MiB model are 60 MiB \
          that every clone downloads, and reading an old version means rebuilding it through a delta chain.",
    signals: "The distinct versions (blob ids) of the path over every commit of the look-back window \
              (`lookback_commits`, `lookback_days`, measured back from the newest commit in scope, merges and \
              every ref in scope included), their sizes from object headers, and the bytes they add per month.",
    fix: "Store the file in Amazon S3 and commit a manifest or pointer that names the current version, or \
          track it with Git LFS (`git lfs migrate import --include=<path>` for unpushed commits).",
};

const DEEP_DELTA_CHAIN: RuleDoc = RuleDoc {
    id: RuleId::DeepDeltaChain,
    summary: "A large object stored behind a deep delta chain in a pack.",
    why: "Git stores versions as deltas of other versions; to read one it inflates every link of the chain. \
          Deep chains of large objects make checkouts, blame and server-side operations slow and memory-hungry.",
    signals: "The chain depth and the bytes to inflate, read from the pack index and the pack entry headers \
              (nothing is inflated to learn them), for new objects of at least `min_size`.",
    fix: "Keep the file out of git (Amazon S3 or Git LFS). For the existing history, repacking with a \
          smaller depth (`git repack -adf --depth=<n>`) shortens chains at the cost of a larger pack.",
};

const DATA_CHURN: RuleDoc = RuleDoc {
    id: RuleId::DataChurn,
    summary: "A structured data file rewritten again and again by automation.",
    why: "A JSON, CSV or XML file that a job rewrites every hour uses git as a database: every write is a \
          commit kept forever, history grows without end, and readers get no queries, indexes or concurrency.",
    signals: "Commits in the look-back window that change a structured data file (json, jsonl, csv, tsv, xml, \
              yaml, geojson, parquet, ...), and signs of automation among them: one identity making most of \
              them, and messages that follow one template or times that follow one period. Files many people \
              edit at irregular times, lock files, changelogs and CI or tool configuration that bots \
              bump (.github/**, .gitlab-ci.yml, .pre-commit-config.yaml, renovate.json, ...) are not \
              data-churn.",
    fix: "Write the data to a database (Amazon DynamoDB, or a managed relational database) or to Amazon S3, \
          and keep only the code and schema in git.",
};

const MACHINE_CADENCE: RuleDoc = RuleDoc {
    id: RuleId::MachineCadence,
    summary: "Commits that look machine-made, rewriting the same few files on a schedule.",
    why: "A job that commits every few minutes or hours turns the repository into a log: history grows \
          without end, clones slow down, and the records are hard to query or retain properly.",
    signals: "Among the commits of the look-back window that change a path: one identity (whatever its name: \
              automation often commits as a person or root), intervals that fit one period (every 5 minutes, \
              hourly, nightly; skipped runs allowed), messages that are identical once digits and dates are \
              replaced, and few paths per commit. The finding takes the pattern of the path the cadence \
              rewrites (a log is audit-trail, a data file or database is database, a dump is backup); \
              paths of no such kind, like lock files, are not reported.",
    fix: "Send the records where records belong: Amazon CloudWatch Logs or Amazon S3 for logs and exports, \
          AWS CloudTrail and AWS Config for audit history, a database for data; keep the job's code in git.",
};

/// The documentation of the history rules.
pub fn doc(rule: RuleId) -> &'static RuleDoc {
    match rule {
        RuleId::DeepDeltaChain => &DEEP_DELTA_CHAIN,
        RuleId::DataChurn => &DATA_CHURN,
        RuleId::MachineCadence => &MACHINE_CADENCE,
        _ => &CHURNING_BLOB,
    }
}

/// What kind of misuse a path is by its own nature (from its per-blob findings and name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathKind {
    /// A log or audit record.
    Log,
    /// Build output or generated files.
    Generated,
    /// A structured data file.
    Data,
    /// A database file.
    Database,
    /// A dump, archive, image or backup copy.
    Backup,
}

impl PathKind {
    /// The pattern findings about such a path belong to.
    pub fn pattern(self) -> Pattern {
        match self {
            PathKind::Log | PathKind::Generated => Pattern::AuditTrail,
            PathKind::Data | PathKind::Database => Pattern::Database,
            PathKind::Backup => Pattern::Backup,
        }
    }

    /// A word for messages.
    pub fn noun(self) -> &'static str {
        match self {
            PathKind::Log => "log",
            PathKind::Generated => "generated output",
            PathKind::Data => "data file",
            PathKind::Database => "database",
            PathKind::Backup => "backup",
        }
    }

    /// The kind a per-blob rule's finding implies.
    pub fn of_rule(rule: RuleId) -> Option<PathKind> {
        match rule {
            RuleId::LogFile | RuleId::AuditRecord => Some(PathKind::Log),
            RuleId::GeneratedArtifact => Some(PathKind::Generated),
            RuleId::DatabaseFile => Some(PathKind::Database),
            RuleId::DatabaseDump | RuleId::ArchiveBackup | RuleId::DiskImage | RuleId::BackupFile => {
                Some(PathKind::Backup)
            }
            _ => None,
        }
    }
}

/// One commit of the window that changed the path (merges excluded).
#[derive(Debug, Clone)]
pub struct Change {
    /// The commit.
    pub commit: ObjectId,
    /// Committer time, seconds since the epoch.
    pub time: i64,
    /// Author e-mail (or name), lower-cased.
    pub identity: String,
    /// The message's first line with digits and dates replaced (see [`template`]).
    pub template: String,
    /// The blob the commit left at the path (`None`: deleted).
    pub blob: Option<ObjectId>,
    /// The blob at the path in the commit's parent (`None`: added).
    pub previous: Option<ObjectId>,
}

/// A path's history over the look-back window.
#[derive(Debug, Clone, Default)]
pub struct PathHistory {
    /// What the path is, by its own nature.
    pub kind: Option<PathKind>,
    /// Distinct versions (blob ids) with their sizes, in the window.
    pub versions: Vec<(ObjectId, Option<u64>)>,
    /// The commits that changed it, newest first.
    pub changes: Vec<Change>,
    /// The window stopped at missing history (shallow clone, absent objects).
    pub truncated: bool,
}

/// Seconds in a day.
const DAY: i64 = 86_400;

fn span(changes: &[Change]) -> (i64, i64) {
    let first = changes.iter().map(|c| c.time).min().unwrap_or(0);
    let last = changes.iter().map(|c| c.time).max().unwrap_or(0);
    (first, last)
}

fn date(t: i64) -> String {
    jiff::Timestamp::from_second(t)
        .map(|ts| ts.strftime("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// `churning-blob`: many versions of a large path.
pub fn churning_blob(h: &PathHistory, policy: &PolicyFile) -> Option<Hit> {
    let rule = &policy.rules.churning_blob;
    let max = h.versions.iter().filter_map(|(_, s)| *s).max()?;
    if max < rule.min_size.0 {
        return None;
    }
    let n = h.versions.len() as u64;
    let level = if n >= u64::from(rule.deny_versions) {
        Level::Deny
    } else if n >= u64::from(rule.warn_versions) {
        Level::Warn
    } else {
        return None;
    }
    .capped(rule.level);
    let total: u64 = h.versions.iter().filter_map(|(_, s)| *s).fold(0, u64::saturating_add);
    let (first, last) = span(&h.changes);
    let months = (last.saturating_sub(first) as f64 / (30.0 * DAY as f64)).max(1.0);
    let per_month = (total as f64 / months) as u64;
    Some(
        Hit::new(
            RuleId::ChurningBlob,
            level,
            format!(
                "{n} versions in the look-back window (warn at {}, deny at {}), up to {} each: {} of history, about {} a month",
                rule.warn_versions,
                rule.deny_versions,
                human_size(max),
                human_size(total),
                human_size(per_month)
            ),
        )
        .with("versions", n)
        .with("first", date(first))
        .with("last", date(last))
        .with("max_size", max)
        .with("total_size", total)
        .with("bytes_per_month", per_month)
        .with("history_truncated", h.truncated),
    )
}

/// Signs of automation among some changes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Automation {
    /// The identity with most changes.
    pub identity: String,
    /// Its changes.
    pub commits: usize,
    /// Its share of all changes.
    pub identity_share: f64,
    /// The most common message template among its changes, and that template's share.
    pub template: String,
    /// Share of its changes with that template.
    pub template_share: f64,
    /// The period its intervals fit, in seconds.
    pub period: i64,
    /// Share of its intervals that fit the period.
    pub regular_share: f64,
}

/// Share of messages that must share a template to count as templated.
const TEMPLATED_SHARE: f64 = 0.6;

impl Automation {
    /// Whether the messages follow one template.
    pub fn templated(&self) -> bool {
        self.template_share >= TEMPLATED_SHARE
    }
}

/// Measure the automation among `changes`: its dominant identity's share, template and period.
pub fn automation(changes: &[Change]) -> Automation {
    let mut by_identity: std::collections::HashMap<&str, Vec<&Change>> = Default::default();
    for c in changes {
        by_identity.entry(c.identity.as_str()).or_default().push(c);
    }
    let Some((identity, mine)) = by_identity
        .into_iter()
        .max_by(|a, b| a.1.len().cmp(&b.1.len()).then_with(|| b.0.cmp(a.0)))
    else {
        return Automation::default();
    };
    let mut templates: std::collections::HashMap<&str, usize> = Default::default();
    for c in &mine {
        *templates.entry(c.template.as_str()).or_default() += 1;
    }
    let (template, count) = templates
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(a.0)))
        .unwrap_or_default();
    let mut times: Vec<i64> = mine.iter().map(|c| c.time).collect();
    times.sort_unstable();
    let (period, regular_share) = regularity(&times);
    Automation {
        identity: identity.to_owned(),
        commits: mine.len(),
        identity_share: mine.len() as f64 / changes.len().max(1) as f64,
        template: template.to_owned(),
        template_share: count as f64 / mine.len().max(1) as f64,
        period,
        regular_share,
    }
}

/// The period the intervals between `times` (ascending) fit, and the share of intervals that
/// are within tolerance of a whole multiple of it (a job that skips runs when nothing changed
/// still fits). The period is taken from the shorter intervals, where a schedule shows itself.
pub fn regularity(times: &[i64]) -> (i64, f64) {
    // Commit times come from the pushed objects: any i64 is possible, so no arithmetic on
    // them may overflow.
    let mut intervals: Vec<i64> = times
        .iter()
        .zip(times.iter().skip(1))
        .map(|(a, b)| b.saturating_sub(*a))
        .filter(|d| *d > 0)
        .collect();
    intervals.sort_unstable();
    let Some(&period) = intervals.get(intervals.len() / 4).filter(|_| intervals.len() >= 2) else {
        return (0, 0.0);
    };
    if period < 60 {
        return (period, 0.0);
    }
    let tolerance = (period / 10).max(30);
    let fitting = intervals
        .iter()
        .filter(|&&d| {
            let k = ((d as f64) / (period as f64)).round().max(1.0) as i64;
            d.saturating_sub(k.saturating_mul(period)).saturating_abs() <= tolerance
        })
        .count();
    (period, fitting as f64 / intervals.len() as f64)
}

/// A commit message's first line with dates, times, hex ids and numbers replaced, so the
/// messages of one job compare equal: `Latest data: 2024-01-01T10:00:00Z` → `latest data: #`.
pub fn template(message: &[u8]) -> String {
    let line = message.split(|b| *b == b'\n').next().unwrap_or_default();
    let text = String::from_utf8_lossy(line).to_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut token = String::new();
    let flush = |token: &mut String, out: &mut String| {
        if token.is_empty() {
            return;
        }
        let has_digit = token.chars().any(|c| c.is_ascii_digit());
        let hexish = token.len() >= 7 && token.chars().all(|c| c.is_ascii_hexdigit());
        if has_digit || hexish {
            if !out.ends_with('#') {
                out.push('#');
            }
        } else {
            out.push_str(token);
        }
        token.clear();
    };
    for c in text.chars() {
        // Digits and the characters that join the parts of dates and times form one token.
        if c.is_alphanumeric() || (matches!(c, '-' | ':' | '.' | '/' | '+' | '_') && !token.is_empty()) {
            token.push(c);
        } else {
            flush(&mut token, &mut out);
            out.push(c);
        }
    }
    flush(&mut token, &mut out);
    out.trim().to_owned()
}

/// `data-churn`: a data file rewritten by automation.
pub fn data_churn(h: &PathHistory, policy: &PolicyFile) -> Option<Hit> {
    let rule = &policy.rules.data_churn;
    if h.kind != Some(PathKind::Data) || h.changes.len() < rule.min_commits as usize {
        return None;
    }
    let auto = automation(&h.changes);
    let regular = auto.regular_share >= policy.rules.machine_cadence.min_regular_share;
    if auto.identity_share < rule.min_identity_share || !(auto.templated() || regular) {
        return None;
    }
    let (first, last) = span(&h.changes);
    let mut signs = vec![format!("{:.0}% by one identity", auto.identity_share * 100.0)];
    if auto.templated() {
        signs.push(format!("messages like `{}`", auto.template));
    }
    if regular {
        signs.push(format!("every {}", period_text(auto.period)));
    }
    Some(
        Hit::new(
            RuleId::DataChurn,
            rule.level,
            format!(
                "rewritten in {} commits between {} and {} ({})",
                h.changes.len(),
                date(first),
                date(last),
                signs.join(", ")
            ),
        )
        .with("commits", h.changes.len())
        .with("first", date(first))
        .with("last", date(last))
        .with("identity", auto.identity.clone())
        .with("identity_share", round2(auto.identity_share))
        .with("template", auto.template.clone())
        .with("template_share", round2(auto.template_share))
        .with("period_seconds", auto.period)
        .with("regular_share", round2(auto.regular_share))
        .with("history_truncated", h.truncated),
    )
}

/// `machine-cadence`: the path is rewritten by a job. `paths_per_commit` gives the median
/// number of paths the cadence's commits touch, computed only when asked (it costs diffs).
pub fn machine_cadence(
    h: &PathHistory,
    policy: &PolicyFile,
    paths_per_commit: impl FnOnce(&[&Change]) -> Option<usize>,
) -> Option<Hit> {
    let rule = &policy.rules.machine_cadence;
    let kind = h.kind?;
    let auto = automation(&h.changes);
    if auto.commits < rule.min_commits as usize || !auto.templated() || auto.regular_share < rule.min_regular_share {
        return None;
    }
    let mine: Vec<&Change> = h.changes.iter().filter(|c| c.identity == auto.identity).collect();
    let paths = paths_per_commit(&mine)?;
    if paths > rule.max_paths as usize {
        return None;
    }
    let (first, last) = span(&h.changes);
    let mut hit = Hit::new(
        RuleId::MachineCadence,
        rule.level,
        format!(
            "{} rewritten by {} commits of one identity about every {} ({}% on schedule), messages like `{}`, {} path{} per commit",
            kind.noun(),
            auto.commits,
            period_text(auto.period),
            (auto.regular_share * 100.0).round(),
            auto.template,
            paths,
            if paths == 1 { "" } else { "s" }
        ),
    )
    .with("kind", kind.noun())
    .with("commits", auto.commits)
    .with("identity", auto.identity.clone())
    .with("period_seconds", auto.period)
    .with("regular_share", round2(auto.regular_share))
    .with("template", auto.template.clone())
    .with("template_share", round2(auto.template_share))
    .with("paths_per_commit", paths)
    .with("first", date(first))
    .with("last", date(last))
    .with("history_truncated", h.truncated);
    hit.pattern = Some(kind.pattern());
    Some(hit)
}

/// `deep-delta-chain`: an object of `size` bytes behind a chain of `depth` deltas that needs
/// `inflate` bytes inflated to rebuild.
pub fn deep_delta_chain(size: u64, depth: u32, inflate: u64, policy: &PolicyFile) -> Option<Hit> {
    let rule = &policy.rules.deep_delta_chain;
    if size < rule.min_size.0 || depth <= rule.max_depth {
        return None;
    }
    Some(
        Hit::new(
            RuleId::DeepDeltaChain,
            rule.level,
            format!(
                "stored behind a chain of {depth} deltas (limit {}): reading it inflates {}",
                rule.max_depth,
                human_size(inflate)
            ),
        )
        .with("depth", depth)
        .with("max_depth", rule.max_depth)
        .with("inflate_bytes", inflate),
    )
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// A period in words: `5 min`, `1 h`, `1 d`, rounded to the minute.
pub fn period_text(seconds: i64) -> String {
    let minutes = (seconds + 30) / 60;
    match minutes {
        0 => format!("{seconds} s"),
        m if m % 1440 == 0 => format!("{} d", m / 1440),
        m if m % 60 == 0 => format!("{} h", m / 60),
        m if m >= 120 => format!("{:.1} h", m as f64 / 60.0),
        m => format!("{m} min"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_ignore_numbers_dates_and_ids() {
        assert_eq!(template(b"Latest data: 2024-01-01T10:00:00Z"), "latest data: #");
        assert_eq!(
            template(b"Latest data: 2024-01-02T11:00:00Z\n\nbody"),
            template(b"Latest data: 2024-03-09T23:00:00+01:00")
        );
        assert_eq!(template(b"status check 1704067200"), "status check #");
        assert_eq!(template(b"Bump serde from 1.0.1 to 1.0.2"), "bump serde from # to #");
        assert_ne!(template(b"Fix the parser"), template(b"Fix the lexer"));
        assert_eq!(template(b"sync 3f2a1b9c0d"), "sync #");
    }

    #[test]
    fn regular_schedules_fit_and_people_do_not() {
        let hourly: Vec<i64> = (0..50).map(|i| 1_000_000 + i * 3600 + (i % 3) * 7).collect();
        let (period, share) = regularity(&hourly);
        assert!((3580..=3610).contains(&period) && share > 0.95, "{period} {share}");
        // Skipped runs still fit the period.
        let skipping: Vec<i64> = (0..60).filter(|i| i % 4 != 1).map(|i| i * 300).collect();
        let (period, share) = regularity(&skipping);
        assert_eq!(period, 300);
        assert!(share > 0.95, "{share}");
        // Irregular, human-like intervals.
        let mut t = 0;
        let mut x: u64 = 12345;
        let human: Vec<i64> = (0..60)
            .map(|_| {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                t += 600 + (x >> 33) as i64 % 200_000;
                t
            })
            .collect();
        assert!(regularity(&human).1 < 0.6, "{:?}", regularity(&human));
    }

    fn changes(
        n: usize,
        who: impl Fn(usize) -> String,
        when: impl Fn(usize) -> i64,
        msg: impl Fn(usize) -> String,
    ) -> Vec<Change> {
        let id = ObjectId::null(gix::hash::Kind::Sha1);
        (0..n)
            .map(|i| Change {
                commit: id,
                time: when(i),
                identity: who(i),
                template: template(msg(i).as_bytes()),
                blob: Some(id),
                previous: Some(id),
            })
            .collect()
    }

    fn data(changes: Vec<Change>) -> PathHistory {
        PathHistory {
            kind: Some(PathKind::Data),
            changes,
            ..Default::default()
        }
    }

    #[test]
    fn automation_is_data_churn_and_people_are_not() {
        let policy = crate::policy::Policy::builtin().file;
        let bot = data(changes(
            30,
            |_| "ops@x".into(),
            |i| i as i64 * 3600,
            |i| format!("Latest data: {i}"),
        ));
        assert!(data_churn(&bot, &policy).is_some());
        // Many authors at irregular times, varied messages.
        let people = data(changes(
            60,
            |i| format!("dev{}@x", i % 15),
            |i| (i as i64 * 7919 * 37) % 5_000_000 + i as i64 * 50_000,
            |i| {
                format!(
                    "{} the {}",
                    ["Fix", "Add", "Tidy"][i % 3],
                    ["schema", "rows", "ids", "docs"][i % 4]
                )
            },
        ));
        assert!(data_churn(&people, &policy).is_none());
        // Too few rewrites, however regular.
        let few = data(changes(7, |_| "ops@x".into(), |i| i as i64 * 3600, |_| "sync".into()));
        assert!(data_churn(&few, &policy).is_none());
        // Not a data file.
        let mut code = bot.clone();
        code.kind = None;
        assert!(data_churn(&code, &policy).is_none());
        assert!(machine_cadence(&code, &policy, |_| Some(1)).is_none());
    }

    #[test]
    fn cadence_needs_schedule_template_and_few_paths() {
        let policy = crate::policy::Policy::builtin().file;
        let mut log = data(changes(
            20,
            |_| "root@h".into(),
            |i| i as i64 * 300,
            |i| format!("health check {i}"),
        ));
        log.kind = Some(PathKind::Log);
        let hit = machine_cadence(&log, &policy, |_| Some(1)).expect("a cadence");
        assert_eq!(hit.pattern, Some(Pattern::AuditTrail));
        assert!(
            machine_cadence(&log, &policy, |_| Some(40)).is_none(),
            "touches too many paths"
        );
        let mut varied = log.clone();
        for (i, c) in varied.changes.iter_mut().enumerate() {
            c.template = format!("message {}", ["a", "b", "c", "d", "e"][i % 5]);
        }
        assert!(machine_cadence(&varied, &policy, |_| Some(1)).is_none(), "no template");
    }

    #[test]
    fn periods_read_well() {
        assert_eq!(period_text(300), "5 min");
        assert_eq!(period_text(3600), "1 h");
        assert_eq!(period_text(86400), "1 d");
        assert_eq!(period_text(5400), "90 min");
        assert_eq!(period_text(3607), "1 h");
        assert_eq!(period_text(303), "5 min");
        assert_eq!(period_text(9000), "2.5 h");
    }
}
