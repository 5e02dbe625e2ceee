//! The rules: one file each, listed once in the [registry].
//!
//! A rule's file holds everything about it: its pattern, its documentation (what,
//! why, signals, fix: what `pushgate explain` prints), its settings (`[rules.<id>]`), its
//! evidence (`Evidence`: the typed facts its findings report, one variant of [`RuleEvidence`]),
//! its per-blob check, and its life after that (the `Rule` trait): the first step its findings give, the
//! alternative they name, what it makes of a path's history or a range, and how it settles,
//! folds and groups its findings. Per-blob rules look at one [`Candidate`] (path, size, sniffed
//! content, attributes); the history rules (`churning-blob`, `data-churn`, `machine-cadence`,
//! and the subjects of `database-file` and `backup-file`) read the [history
//! model](crate::history) through [`behaviour`]; `history-growth` reads a range's totals. The
//! engine calls every rule through the registry and names none. Adding a rule is its file plus
//! one line in the [registry].

use serde::{Deserialize, Serialize};

use crate::advice::wording::{self, Alternative, Step};
use std::collections::{BTreeMap, HashMap};

use gix::bstr::BString;

use crate::candidate::Candidate;
use crate::history::Model;
use crate::outcome::{Evidence, Finding, Pattern};
use crate::policy::PolicyFile;
use settings::RuleSettings;

pub(crate) mod behaviour;
pub(crate) mod job;
pub(crate) mod paths;
pub(crate) mod registry;
pub(crate) mod settings;

pub(crate) use registry::{Hit, RuleDoc, RuleId, UnknownRule};

/// One finding about a subject.
#[derive(Debug, Clone)]
pub(crate) struct Subject {
    /// What the rule found.
    pub(crate) hit: Hit,
    /// The subject: a file, a directory (ending in `/`) or a series' pattern.
    pub(crate) path: BString,
    /// Every file it covers.
    pub(crate) members: Vec<BString>,
    /// A member in scope whose newest blob stands for the subject.
    pub(crate) representative: Option<BString>,
}

/// What the behaviour rules found.
#[derive(Debug, Default)]
pub(crate) struct Analysis {
    /// One finding per subject and rule.
    pub(crate) subjects: Vec<Subject>,
    /// Directories that are one subject (engine directories): per-file findings there, but
    /// for size, belong to it.
    pub(crate) engine_dirs: Vec<BString>,
    /// Distinct versions per path in the model.
    pub(crate) versions: HashMap<BString, usize>,
}

/// Everything the behaviour rules read.
pub(crate) struct Input<'a, 'm> {
    /// The repository (blob headers and appends).
    pub(crate) repo: &'a gix::Repository,
    /// The history.
    pub(crate) model: &'a Model<'m>,
    /// The candidates in scope, by path (new in the range, or every path in an audit).
    pub(crate) touched: &'a BTreeMap<BString, Candidate>,
    /// What the rules read of the policy.
    pub(crate) policy: Context<'a>,
}

/// The size of version `v`: as the model knows it, else from the blob's header.
pub(crate) fn version_size(input: &Input<'_, '_>, v: u32) -> Option<u64> {
    input.model.version_size(v).or_else(|| {
        let blob = input.model.version_blob(v)?;
        input.repo.try_find_header(blob).ok().flatten().map(|h| h.size())
    })
}

/// A rule's life after its per-blob check, each step with a default that does nothing: its
/// first step and alternative, what it makes of a path's history or a range, and how it
/// settles, folds and groups its findings once the history is read. Each rule's file
/// implements it for the unit struct named after the rule's [`RuleId`] variant; the
/// [registry] calls every rule in turn, so the engine names none.
pub(crate) trait Rule {
    /// The first step for a finding of the rule: what fits this finding, in proportion to what
    /// it found, before the pattern's alternative.
    fn first_step(step: &Step<'_>) -> String;

    /// What to use instead: the pattern's alternative, unless the finding is of a kind with a
    /// store of its own.
    fn alternative(pattern: Pattern, evidence: &Evidence) -> Alternative {
        let _ = evidence;
        Alternative::Pattern(pattern)
    }

    /// Among a path's findings of the rule at one level, the one with the highest rank stands
    /// for the path (the newest among equals).
    fn rank(f: &Finding) -> u64 {
        let _ = f;
        0
    }

    /// Whether per-file findings of the rule fold into one per subject (files in one directory,
    /// or directories that differ only in dates and counters).
    const BY_SUBJECT: bool = true;

    /// The smallest size of a path in scope from which the rule reads the path's history.
    fn history_from(policy: Context<'_>) -> Option<u64> {
        let _ = policy;
        None
    }

    /// The rule over a path's history.
    fn history(input: &Input<'_, '_>, t: &Candidate) -> Option<Hit> {
        let _ = (input, t);
        None
    }

    /// The rule over what a whole range adds to history.
    fn range(growth: &history_growth::Growth, policy: Context<'_>) -> Option<Hit> {
        let _ = (growth, policy);
        None
    }

    /// What the history says of the rule's findings (raise, lower), before subjects are added.
    fn settle(input: &Input<'_, '_>, analysis: &Analysis, findings: &mut Vec<Finding>) {
        let _ = (input, analysis, findings);
    }

    /// Fold other findings about the same paths into the rule's, once subjects are grouped
    /// (`suggest`: the policy's alternative for a finding whose evidence changed).
    fn fold(findings: &mut Vec<Finding>, suggest: &dyn Fn(&Finding) -> String) {
        let _ = (findings, suggest);
    }

    /// Group the rule's findings, last.
    fn group(findings: &mut Vec<Finding>) {
        let _ = findings;
    }

    /// What the tips of the history say of the rule's findings (`whole`: the whole history,
    /// as the audit reads it).
    fn at_tips(
        repo: &gix::Repository,
        tips: &[gix::ObjectId],
        whole: bool,
        findings: &mut [Finding],
    ) -> Result<(), crate::repo::RepoError> {
        let _ = (repo, tips, whole, findings);
        Ok(())
    }
}

/// Whether a finding's evidence says a job wrote the versions of its path: the churn finding
/// says so, and the path's other large-churn findings carry it too.
pub(crate) fn written_by_job(evidence: &Evidence) -> bool {
    evidence.written_by_job()
}

/// The first step of a large-churn finding about data a job keeps rewriting, if it is one.
pub(crate) fn job_data_step(step: &Step<'_>) -> Option<String> {
    step.f.evidence.written_by_job().then(|| {
        format!(
            "A job keeps rewriting {}: move the data out of git. Have the job write it to the store below and \
             publish it from there, and stop it committing the file; Git LFS is no fix, as it keeps every version \
             whole.",
            step.named("it")
        )
    })
}

/// The alternative of a large-churn finding: a store the job writes to for data a job keeps
/// rewriting, the pattern's otherwise.
pub(crate) fn job_data_alternative(pattern: Pattern, evidence: &Evidence) -> Alternative {
    if evidence.written_by_job() {
        Alternative::JobData
    } else {
        Alternative::Pattern(pattern)
    }
}

/// The first step for a small file under a test or fixture directory, of a kind a test suite
/// reads as input: keep it as a fixture, with the exemption that says so. A rule whose
/// findings can be subjects a job writes (`backup-file`) asks for it only for a file.
pub(crate) fn fixture_step(step: &Step<'_>) -> Option<String> {
    let f = step.f;
    let path = step.path?;
    (!step.many && paths::in_test_dir(path) && f.size.is_some_and(|s| s < paths::FIXTURE_MAX))
        .then(|| wording::fixture(f, path))
}

/// The first step for what a job writes, of `kind` where the evidence names one.
pub(crate) fn job_step(step: &Step<'_>, kind: Option<crate::candidate::Kind>) -> String {
    let f = step.f;
    let what = kind
        .map(|k| k.noun())
        .map(|k| {
            if f.paths.is_empty() {
                format!("the {k}")
            } else {
                format!("these {k}s")
            }
        })
        .unwrap_or_else(|| "the file".into());
    format!(
        "Stop the job from committing {what}: have it write to the store below instead, keep only the job's \
         code in git, and add {} to .gitignore.",
        step.ignore()
    )
}

/// What the rules read of the policy: every rule's settings (each rule reads its own table),
/// the look-back window, and `--max-size`. The policy's schema aggregates the rules' settings
/// ([`Rules`]); no rule reads the whole policy file.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Context<'p> {
    /// `[rules.*]`.
    pub(crate) rules: &'p Rules,
    /// `lookback_days`: the stretch in which churn is counted.
    pub(crate) lookback_days: u32,
    /// `--max-size`: every file larger is denied.
    pub(crate) max_size: Option<crate::policy::Size>,
}

impl<'p> Context<'p> {
    /// What the rules read of `policy`.
    pub(crate) fn of(policy: &'p PolicyFile) -> Self {
        Context {
            rules: &policy.rules,
            lookback_days: policy.lookback_days,
            max_size: policy.max_size,
        }
    }
}

/// A per-blob check: what one rule makes of one blob.
pub(crate) type BlobCheck = fn(&Candidate, Context<'_>, &mut Vec<Hit>);

/// Expands the [registry]: each rule's module, its pattern and documentation lookups, the
/// per-blob checks, and the `[rules.*]` tables of the policy.
macro_rules! registry {
    ($( $(#[$meta:meta])* $variant:ident => $module:ident = $id:literal, )*) => {
        $( pub(crate) mod $module; )*

        /// A finding's own evidence, in its rule's shape: one variant per rule, holding the
        /// `Evidence` its file declares. A finding carries it in its
        /// [`Evidence`](crate::outcome::Evidence); the rule reads it back with the `evidence`
        /// function of its unit struct.
        #[derive(Debug, Clone, PartialEq, Serialize)]
        #[serde(untagged)]
        pub(crate) enum RuleEvidence {
            $(
                #[doc = concat!("What `", $id, "` found.")]
                $variant($module::Evidence),
            )*
        }

        impl RuleEvidence {
            /// The rule whose evidence it is.
            pub(crate) fn rule(&self) -> RuleId {
                match self { $( RuleEvidence::$variant(_) => RuleId::$variant, )* }
            }
        }

        $(
            impl From<$module::Evidence> for RuleEvidence {
                fn from(evidence: $module::Evidence) -> Self {
                    RuleEvidence::$variant(evidence)
                }
            }

            // Generated for every rule: a rule whose facts nothing reads back leaves them unused.
            #[allow(dead_code)]
            impl $module::$variant {
                /// The rule's own facts in `evidence`, if it holds the rule's.
                pub(crate) fn evidence(evidence: &Evidence) -> Option<&$module::Evidence> {
                    match evidence.own::<RuleEvidence>()? {
                        RuleEvidence::$variant(own) => Some(own),
                        _ => None,
                    }
                }

                /// The rule's own facts in `evidence`, to change, if it holds the rule's.
                pub(crate) fn evidence_mut(evidence: &mut Evidence) -> Option<&mut $module::Evidence> {
                    match evidence.own_mut::<RuleEvidence>()? {
                        RuleEvidence::$variant(own) => Some(own),
                        _ => None,
                    }
                }
            }
        )*

        impl RuleId {
            /// The first step for a finding of the rule (see [`Rule::first_step`]).
            pub(crate) fn first_step(self, step: &Step<'_>) -> String {
                match self { $( RuleId::$variant => <$module::$variant as Rule>::first_step(step), )* }
            }

            /// What to use instead for a finding of the rule (see [`Rule::alternative`]).
            pub(crate) fn alternative(self, pattern: Pattern, evidence: &Evidence) -> Alternative {
                match self { $( RuleId::$variant => <$module::$variant as Rule>::alternative(pattern, evidence), )* }
            }

            /// Which version stands for a path (see [`Rule::rank`]).
            pub(crate) fn rank(self, f: &Finding) -> u64 {
                match self { $( RuleId::$variant => <$module::$variant as Rule>::rank(f), )* }
            }

            /// Whether per-file findings of the rule fold into one per subject (see
            /// [`Rule::BY_SUBJECT`]).
            pub(crate) fn by_subject(self) -> bool {
                match self { $( RuleId::$variant => <$module::$variant as Rule>::BY_SUBJECT, )* }
            }
        }

        /// The smallest size of a path in scope from which some rule reads the path's history
        /// (see [`Rule::history_from`]).
        pub(crate) fn history_from(policy: Context<'_>) -> Option<u64> {
            [$( <$module::$variant as Rule>::history_from(policy), )*].into_iter().flatten().min()
        }

        /// Every rule over each path's history (see [`Rule::history`]); rules set to `off`
        /// and paths a rule excludes give nothing.
        pub(crate) fn history(input: &Input<'_, '_>, t: &Candidate) -> Vec<Hit> {
            let mut hits = Vec::new();
            $(
                if !input.policy.rules.level(RuleId::$variant).is_off()
                    && let Some(hit) = <$module::$variant as Rule>::history(input, t)
                    && !input.policy.rules.exclude(hit.rule).is_match(&t.path)
                {
                    hits.push(hit);
                }
            )*
            hits
        }

        /// Every rule over what a whole range adds (see [`Rule::range`]).
        pub(crate) fn range(growth: &history_growth::Growth, policy: Context<'_>) -> Vec<Hit> {
            [$( <$module::$variant as Rule>::range(growth, policy), )*].into_iter().flatten().collect()
        }

        /// What the history says of every rule's findings (see [`Rule::settle`]).
        pub(crate) fn settle(
            input: &Input<'_, '_>,
            analysis: &Analysis,
            findings: &mut Vec<Finding>,
        ) {
            $( <$module::$variant as Rule>::settle(input, analysis, findings); )*
        }

        /// Every rule's folding of other findings into its own (see [`Rule::fold`]).
        pub(crate) fn fold(findings: &mut Vec<Finding>, suggest: &dyn Fn(&Finding) -> String) {
            $( <$module::$variant as Rule>::fold(findings, suggest); )*
        }

        /// Every rule's grouping of its findings (see [`Rule::group`]).
        pub(crate) fn group(findings: &mut Vec<Finding>) {
            $( <$module::$variant as Rule>::group(findings); )*
        }

        /// What the tips of a history say of every rule's findings (see [`Rule::at_tips`]).
        pub(crate) fn at_tips(
            repo: &gix::Repository,
            tips: &[gix::ObjectId],
            whole: bool,
            findings: &mut [Finding],
        ) -> Result<(), crate::repo::RepoError> {
            $( <$module::$variant as Rule>::at_tips(repo, tips, whole, findings)?; )*
            Ok(())
        }

        impl RuleId {
            /// The pattern the rule belongs to.
            pub fn pattern(self) -> Pattern {
                match self { $( RuleId::$variant => $module::PATTERN, )* }
            }

            /// The rule's documentation, as `pushgate explain` prints it.
            pub(crate) fn doc(self) -> &'static RuleDoc {
                match self { $( RuleId::$variant => &$module::DOC, )* }
            }

            /// The rule's per-blob check, if it has one.
            pub(crate) fn blob_check(self) -> Option<BlobCheck> {
                match self { $( RuleId::$variant => $module::BLOB, )* }
            }
        }

        /// `[rules.*]`, one table per rule id, each the rule's own settings type.
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
        #[serde(deny_unknown_fields, default, rename_all = "kebab-case")]
        pub(crate) struct Rules {
            $(
                #[doc = concat!("`[rules.", stringify!($module), "]` (kebab-case in the file)")]
                pub(crate) $module: $module::Settings,
            )*
        }

        impl Rules {
            /// The settings of `rule`, as every rule's settings answer.
            pub(crate) fn settings(&self, rule: RuleId) -> &dyn RuleSettings {
                match rule { $( RuleId::$variant => &self.$module, )* }
            }
        }
    };
}

registry::each_rule!(registry);

impl Hit {
    /// The hit with its rule's own facts, `evidence` (the `Evidence` the rule's file declares).
    pub(crate) fn with(mut self, evidence: impl Into<RuleEvidence>) -> Self {
        let evidence = evidence.into();
        debug_assert_eq!(evidence.rule(), self.rule, "a rule reports its own evidence");
        self.evidence = Evidence::of(evidence);
        self
    }
}

/// Versions up to which a file that history then removed was never kept in git.
const ONE_OFF_VERSIONS: usize = 2;

/// History already fixed: a file people committed once or twice and then deleted (a file added
/// by mistake, a benchmark's fixture) was never rewritten in git; what is left is a cost in
/// history, which the audit's fix plan removes. The loud findings `applies` picks are lowered
/// to `info` when the history model shows that shape: at most two versions, the path's last
/// change a deletion, and no change by a job. A push that adds and deletes the file and the
/// audit of the repository after it agree; a push that adds it is judged as before, and a file
/// rewritten more often, added again after its deletion, or written by a job keeps its level.
pub(crate) fn settle_removed(
    input: &Input<'_, '_>,
    findings: &mut [crate::outcome::Finding],
    applies: impl Fn(&crate::outcome::Finding) -> bool,
    kept_as: &str,
) {
    use gix::bstr::ByteSlice;
    for f in findings
        .iter_mut()
        .filter(|f| f.level > crate::outcome::Level::Info && f.paths.is_empty() && applies(f))
    {
        let Some(i) = f.path.as_ref().and_then(|p| input.model.path_index(p.as_bstr())) else {
            continue;
        };
        let mut versions: Vec<u32> = Vec::new();
        let mut last: Option<((i64, u32), bool)> = None;
        let mut by_job = false;
        for c in input.model.changes_of(i) {
            by_job |= input.model.jobs.writes(c.commit);
            versions.extend(c.blob());
            let when = (input.model.commit(c.commit).map_or(0, |m| m.time), c.commit);
            if last.is_none_or(|(w, _)| when >= w) {
                last = Some((when, c.blob().is_none()));
            }
        }
        versions.sort_unstable();
        versions.dedup();
        if by_job
            || versions.is_empty()
            || versions.len() > ONE_OFF_VERSIONS
            || !last.is_some_and(|(_, deleted)| deleted)
        {
            continue;
        }
        f.level = crate::outcome::Level::Info;
        f.evidence.shared.removed = true;
        f.message = format!(
            "{} (committed {}, then deleted: a cost in history, not {kept_as})",
            f.message,
            if versions.len() == 1 { "once" } else { "twice" }
        );
    }
}

/// Versions up to which a file people committed is one they committed "once or a few times":
/// added, then corrected once or twice while the work that needed it was done.
pub(crate) const FEW_VERSIONS: usize = 3;

/// Left alone by people: a small file that people (never a job) committed once or a few
/// times and have then left unchanged for `lookback_days` (a benchmark's fixture, a data file a
/// documentation page reads, a helper binary committed prebuilt) is not what its pattern is
/// about, git storing the writes of a database or output committed at a machine's cadence: the
/// loud findings `applies` picks are lowered to `info`, with `evidence.left_alone` and
/// `evidence.unchanged_days`. The shape the model must show: at most [`FEW_VERSIONS`]
/// versions, each under [`paths::FIXTURE_MAX`], no change by a job's commit (maintenance bots'
/// included), and its newest version unchanged for `lookback_days` up to the path's next change
/// (its deletion) or the newest commit of the history. As for `large-blob`'s settled versions,
/// a push and the audit of the repository after it agree: a version a push brings ends at the
/// push's newest commit, so a push that adds such a file, or a new version of it, is judged by
/// its content as before, and the audit right after says the same.
pub(crate) fn settle_left_alone(
    input: &Input<'_, '_>,
    findings: &mut [crate::outcome::Finding],
    applies: impl Fn(&crate::outcome::Finding) -> bool,
    kept_as: &str,
) {
    use crate::history::DAY;
    use gix::bstr::ByteSlice;
    let model = input.model;
    let span = i64::from(input.policy.lookback_days).saturating_mul(DAY);
    let made = model.made();
    let newest = made.last().copied().unwrap_or(0);
    for f in findings
        .iter_mut()
        .filter(|f| f.level > crate::outcome::Level::Info && f.paths.is_empty() && applies(f))
    {
        let Some(i) = f.path.as_ref().and_then(|p| model.path_index(p.as_bstr())) else {
            continue;
        };
        // Each change of the path: when, and the version it wrote (none for a deletion).
        let mut steps: Vec<(i64, Option<u32>)> = Vec::new();
        let mut by_job = false;
        for c in model.changes_of(i) {
            by_job |= model.jobs.is_machine(c.commit);
            steps.push((made.get(c.commit as usize).copied().unwrap_or(newest), c.blob()));
        }
        let mut versions: Vec<u32> = steps.iter().filter_map(|s| s.1).collect();
        versions.sort_unstable();
        versions.dedup();
        let small = versions
            .iter()
            .all(|v| version_size(input, *v).is_some_and(|s| s < paths::FIXTURE_MAX));
        if by_job || versions.is_empty() || versions.len() > FEW_VERSIONS || !small {
            continue;
        }
        // The newest write, and how long its version stood: to the next change, else the
        // newest commit.
        steps.sort_unstable();
        let Some(last) = steps.iter().rposition(|s| s.1.is_some()) else {
            continue;
        };
        let Some(&(since, _)) = steps.get(last) else {
            continue;
        };
        let until = steps.get(last + 1).map_or(newest, |s| s.0);
        if until.saturating_sub(since) < span {
            continue;
        }
        let days = until.saturating_sub(since) / DAY;
        let times = match versions.len() {
            1 => "once".to_owned(),
            2 => "twice".to_owned(),
            n => format!("{n} times"),
        };
        f.level = crate::outcome::Level::Info;
        f.evidence.shared.left_alone = true;
        f.evidence.shared.unchanged_days = Some(days);
        f.message = format!(
            "{} (committed {times} by people, then unchanged for {days} days from {}: a small file left alone, not {kept_as})",
            f.message,
            crate::history::cadence::date(since)
        );
    }
}

/// The root trees of `tips`, sorted, without duplicates.
pub(crate) fn tip_trees(repo: &gix::Repository, tips: &[gix::ObjectId]) -> Vec<gix::ObjectId> {
    let mut roots: Vec<gix::ObjectId> = tips
        .iter()
        .filter_map(|t| repo.find_commit(*t).ok()?.tree_id().ok().map(|t| t.detach()))
        .collect();
    roots.sort();
    roots.dedup();
    roots
}

/// The blobs that the trees `roots` hold at `path` (none where the path is gone or is not a
/// file): what the tips still hold of a path that history once held.
pub(crate) fn blobs_at(repo: &gix::Repository, roots: &[gix::ObjectId], path: &[u8]) -> Vec<gix::ObjectId> {
    use gix::bstr::ByteSlice;
    roots
        .iter()
        .filter_map(|root| {
            let tree = repo.find_tree(*root).ok()?;
            let entry = tree.lookup_entry(path.split_str("/")).ok()??;
            entry.mode().is_blob().then(|| entry.object_id())
        })
        .collect()
}

impl Rules {
    /// The configured `level` of `rule` (the highest it reports at, or `off`).
    pub(crate) fn level(&self, rule: RuleId) -> crate::outcome::Setting {
        self.settings(rule).level()
    }

    /// The `exclude` globs of `rule`.
    pub(crate) fn exclude(&self, rule: RuleId) -> &crate::policy::Globs {
        self.settings(rule).exclude()
    }
}

/// Put the findings a grouping made in place of those it grouped: drop the findings at the
/// indices `gone` (the others keep their order) and append `merged`, the ones that stand for
/// them. A fold that only drops passes no `merged`.
pub(crate) fn replace_grouped(
    findings: &mut Vec<Finding>,
    gone: &std::collections::HashSet<usize>,
    merged: Vec<Finding>,
) {
    let mut i = 0;
    findings.retain(|_| {
        let keep = !gone.contains(&i);
        i += 1;
        keep
    });
    findings.extend(merged);
}

/// Run every per-blob rule of `policy` on `blob` (rules set to `off` do not run).
pub(crate) fn check_blob(blob: &Candidate, policy: &crate::policy::PolicyFile, out: &mut Vec<Hit>) {
    for rule in RuleId::ALL {
        let Some(check) = rule.blob_check() else { continue };
        if policy.rules.level(rule).is_off() || policy.rules.exclude(rule).is_match(&blob.path) {
            continue;
        }
        check(blob, Context::of(policy), out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_round_trip_and_documented() {
        let mut seen = std::collections::HashSet::new();
        for rule in RuleId::ALL {
            assert!(seen.insert(rule.as_str()), "duplicate id {rule}");
            assert_eq!(rule.as_str().parse::<RuleId>(), Ok(rule));
            let doc = rule.doc();
            for text in [doc.summary, doc.why, doc.signals, doc.fix] {
                assert!(text.len() > 20, "{rule} lacks documentation");
            }
            let json = serde_json::to_string(&rule).unwrap_or_default();
            assert_eq!(json, format!("\"{rule}\""));
        }
        let err = "large-blobs".parse::<RuleId>().err();
        assert_eq!(err.and_then(|e| e.suggestion), Some("large-blob"));
    }

    #[test]
    fn a_grouping_replaces_the_findings_it_grouped_keeping_the_others_in_order() {
        let finding = |path: &str| crate::testing::finding(RuleId::LogFile, crate::outcome::Level::Warn, path);
        let paths = |findings: &[Finding]| -> Vec<String> {
            findings
                .iter()
                .filter_map(|f| f.path.as_ref().map(|p| p.to_string()))
                .collect()
        };
        let mut findings: Vec<Finding> = ["a", "b", "c", "d", "e"].into_iter().map(finding).collect();
        let gone = [1, 3].into_iter().collect();
        replace_grouped(&mut findings, &gone, vec![finding("b+d")]);
        assert_eq!(paths(&findings), ["a", "c", "e", "b+d"]);
        // A fold only drops.
        replace_grouped(&mut findings, &[0].into_iter().collect(), Vec::new());
        assert_eq!(paths(&findings), ["c", "e", "b+d"]);
    }

    /// Every shape of every rule's evidence prints the object the reports have always printed:
    /// the same keys, sorted, with the same values, its shared facts among them.
    #[test]
    fn the_evidence_of_every_rule_prints_its_keys_sorted() {
        use crate::candidate::Kind;
        use crate::outcome::Level;
        let print = |own: RuleEvidence, shared: crate::outcome::Evidence| {
            let mut evidence = Evidence::of(own);
            evidence.shared = shared.shared;
            serde_json::to_string(&evidence).unwrap_or_default()
        };
        let none = Evidence::default;
        let with = |set: &dyn Fn(&mut Evidence)| {
            let mut e = Evidence::default();
            set(&mut e);
            e
        };
        let job = job::Job {
            commits: 30,
            first: "2024-01-01".into(),
            last: "2024-01-30".into(),
            busiest: 7,
            busiest_days: 7,
            window_days: 7,
            identity: "bot".into(),
            identities: 1,
            template: "update #".into(),
            period_seconds: 86_400,
            regular_share: 0.97,
        };
        let job_text = r#"{"busiest":7,"busiest_days":7,"commits":30,"first":"2024-01-01","identities":1,"identity":"bot","last":"2024-01-30","period_seconds":86400,"regular_share":0.97,"template":"update #","window_days":7}"#;
        let churn = churning_blob::Evidence {
            versions_total: 12,
            first: "2024-06-01".into(),
            last: "2024-06-12".into(),
            max_size: 6,
            totals: Some(churning_blob::Totals {
                unknown_sizes: 0,
                total_size: 72,
                bytes_per_month: 72,
                history_truncated: false,
            }),
            settled: false,
            large_blob: Some(churning_blob::FoldedSize {
                level: Level::Warn,
                size: None,
            }),
            fewest_versions: None,
            files_total_size: None,
        };
        let cases: Vec<(RuleEvidence, Evidence, String)> = vec![
            (
                large_blob::Evidence {
                    limit: large_blob::Limit::Graded { warn_size: 1, deny_size: 2 },
                    settled: true,
                    copies: Some(2),
                }
                .into(),
                with(&|e| e.shared.unchanged_days = Some(400)),
                r#"{"copies":2,"deny_size":2,"settled":true,"unchanged_days":400,"warn_size":1}"#.into(),
            ),
            (
                large_blob::Evidence {
                    limit: large_blob::Limit::Max { max_size: 5 },
                    settled: false,
                    copies: None,
                }
                .into(),
                with(&|e| {
                    e.shared.versions = Some(3);
                    e.shared.removed = true;
                    e.shared.written_by_job = Some(true);
                }),
                r#"{"max_size":5,"removed":true,"versions":3,"written_by_job":true}"#.into(),
            ),
            (
                history_growth::Evidence {
                    bytes: 3,
                    blobs: 2,
                    largest: vec![history_growth::Largest {
                        path: "a.bin".into(),
                        size: 3,
                    }],
                }
                .into(),
                none(),
                r#"{"blobs":2,"bytes":3,"largest":[{"path":"a.bin","size":3}]}"#.into(),
            ),
            (
                churn.clone().into(),
                with(&|e| {
                    e.shared.versions = Some(12);
                    e.shared.written_by_job = Some(false);
                }),
                r#"{"bytes_per_month":72,"first":"2024-06-01","history_truncated":false,"large_blob":{"level":"warn","size":null},"last":"2024-06-12","max_size":6,"total_size":72,"unknown_sizes":0,"versions":12,"versions_total":12,"written_by_job":false}"#.into(),
            ),
            (
                churning_blob::Evidence {
                    totals: None,
                    settled: true,
                    large_blob: None,
                    fewest_versions: Some(4),
                    files_total_size: Some(9),
                    ..churn
                }
                .into(),
                with(&|e| e.shared.files = Some(3)),
                r#"{"fewest_versions":4,"files":3,"files_total_size":9,"first":"2024-06-01","last":"2024-06-12","max_size":6,"settled":true,"versions_total":12}"#.into(),
            ),
            (
                deep_delta_chain::Evidence {
                    depth: 9,
                    max_depth: 5,
                    inflate_bytes: 100,
                }
                .into(),
                none(),
                r#"{"depth":9,"inflate_bytes":100,"max_depth":5}"#.into(),
            ),
            (
                lfs_bypassed::Evidence {
                    attribute: "filter=lfs",
                    held_at_tips: Some(false),
                    lfs_at_tips: None,
                }
                .into(),
                none(),
                r#"{"attribute":"filter=lfs","held_at_tips":false}"#.into(),
            ),
            (
                database_file::Evidence::File(database_file::Matched::Content {
                    format: "SQLite database",
                })
                .into(),
                with(&|e| {
                    e.shared.left_alone = true;
                    e.shared.unchanged_days = Some(197);
                }),
                r#"{"format":"SQLite database","left_alone":true,"matched":"content","unchanged_days":197}"#.into(),
            ),
            (
                database_file::Evidence::Engine {
                    engine: "PostgreSQL".into(),
                    commits: 3,
                    first: "2024-01-01".into(),
                    last: "2024-02-01".into(),
                }
                .into(),
                with(&|e| e.shared.files = Some(10)),
                r#"{"commits":3,"engine":"PostgreSQL","files":10,"first":"2024-01-01","last":"2024-02-01"}"#.into(),
            ),
            (
                data_churn::Evidence::Export {
                    tool: "pocketbase".into(),
                    job: job.clone(),
                }
                .into(),
                with(&|e| e.shared.files = Some(4)),
                format!(r#"{{"files":4,"job":{job_text},"subject":"export","tool":"pocketbase"}}"#),
            ),
            (
                data_churn::Evidence::Companion(job::Companion {
                    kind: Kind::Data,
                    written_with: "feed.xml".into(),
                    job: job.clone(),
                })
                .into(),
                with(&|e| e.shared.files = Some(2)),
                format!(
                    r#"{{"files":2,"job":{job_text},"kind":"data file","subject":"companion","written_with":"feed.xml"}}"#
                ),
            ),
            (
                machine_cadence::Evidence::Rewritten(job::Rewritten {
                    kind: Kind::Log,
                    append_growth: Some(job::Appends {
                        versions_checked: 3,
                        commits: 40,
                        bytes_added: 900,
                        bytes_per_day: 30,
                    }),
                    new_file_each_run: true,
                    job: job.clone(),
                })
                .into(),
                with(&|e| e.shared.files = Some(1)),
                format!(
                    r#"{{"append_growth":{{"bytes_added":900,"bytes_per_day":30,"commits":40,"versions_checked":3}},"files":1,"job":{job_text},"kind":"log","new_file_each_run":true,"subject":"rewritten"}}"#
                ),
            ),
            (
                machine_cadence::Evidence::Snapshot {
                    files_per_commit: 5,
                    job: job.clone(),
                }
                .into(),
                with(&|e| e.shared.files = Some(20)),
                format!(r#"{{"files":20,"files_per_commit":5,"job":{job_text},"subject":"snapshot"}}"#),
            ),
            (
                log_file::Evidence {
                    matched: log_file::Matched::UntimedDirectory,
                    lines: Some(log_file::Lines {
                        lines: 40,
                        timestamped_lines: 0,
                    }),
                    published_sample: true,
                }
                .into(),
                none(),
                r#"{"lines":40,"matched":"log directory, no timestamped lines","published_sample":true,"timestamped_lines":0}"#.into(),
            ),
            (
                audit_record::Evidence::Format { format: "pcap capture" }.into(),
                none(),
                r#"{"format":"pcap capture"}"#.into(),
            ),
            (
                audit_record::Evidence::Matched(audit_record::Matched::Content {
                    lines: Some(audit_record::Lines {
                        lines: 5,
                        timestamped_lines: 5,
                    }),
                })
                .into(),
                none(),
                r#"{"lines":5,"matched":"content","timestamped_lines":5}"#.into(),
            ),
            (
                generated_artifact::Evidence::Content {
                    format: Some("ELF executable"),
                    compiled: true,
                }
                .into(),
                none(),
                r#"{"compiled":true,"format":"ELF executable","matched":"content"}"#.into(),
            ),
            (
                generated_artifact::Evidence::Name {
                    build_output: true,
                    tool_output: false,
                    rebuilt_versions: Some(6),
                }
                .into(),
                none(),
                r#"{"build_output":true,"matched":"name","rebuilt_versions":6}"#.into(),
            ),
            (
                generated_artifact::Evidence::Attribute.into(),
                none(),
                r#"{"matched":"attribute"}"#.into(),
            ),
            (
                database_dump::Evidence::Name.into(),
                none(),
                r#"{"matched":"name"}"#.into(),
            ),
            (
                disk_image::Evidence::Content { format: "QCOW2 image" }.into(),
                none(),
                r#"{"format":"QCOW2 image","matched":"content"}"#.into(),
            ),
            (
                archive_backup::Evidence {
                    format: "zip archive",
                    word: Some("backup".into()),
                    dated: false,
                }
                .into(),
                none(),
                r#"{"format":"zip archive","word":"backup"}"#.into(),
            ),
            (
                archive_backup::Evidence {
                    format: "tar archive",
                    word: None,
                    dated: true,
                }
                .into(),
                none(),
                r#"{"dated":true,"format":"tar archive"}"#.into(),
            ),
            (
                backup_file::Evidence::File(backup_file::Matched::Directory).into(),
                none(),
                r#"{"matched":"directory"}"#.into(),
            ),
            (
                backup_file::Evidence::Subject(backup_file::Subject::Series {
                    template: "db-*.sql".into(),
                    job: job.clone(),
                })
                .into(),
                with(&|e| e.shared.files = Some(3)),
                format!(r#"{{"files":3,"job":{job_text},"subject":"series","template":"db-*.sql"}}"#),
            ),
            (
                backup_file::Evidence::Subject(backup_file::Subject::BackupCopy { job }).into(),
                with(&|e| e.shared.versions = Some(4)),
                format!(r#"{{"job":{job_text},"subject":"backup-copy","versions":4}}"#),
            ),
        ];
        let mut rules: Vec<RuleId> = cases.iter().map(|(own, _, _)| own.rule()).collect();
        rules.sort();
        rules.dedup();
        assert_eq!(rules, RuleId::ALL.to_vec(), "every rule has a shape here");
        for (own, shared, expected) in cases {
            let rule = own.rule();
            assert_eq!(print(own, shared), expected, "{rule}");
        }
    }

    /// A rule reads back its own evidence, and nothing from another rule's.
    #[test]
    fn a_rule_reads_back_only_its_own_evidence() {
        let hit = Hit::new(RuleId::LogFile, crate::outcome::Level::Warn, "log").with(log_file::Evidence {
            matched: log_file::Matched::Name,
            lines: None,
            published_sample: false,
        });
        let own = log_file::LogFile::evidence(&hit.evidence).map(|e| e.matched);
        assert_eq!(own, Some(log_file::Matched::Name));
        assert!(disk_image::DiskImage::evidence(&hit.evidence).is_none());
        assert!(log_file::LogFile::evidence(&Evidence::default()).is_none());
        let mut evidence = hit.evidence.clone();
        if let Some(own) = log_file::LogFile::evidence_mut(&mut evidence) {
            own.published_sample = true;
        }
        assert!(evidence != hit.evidence);
        assert!(
            serde_json::to_string(&evidence)
                .unwrap_or_default()
                .contains(r#""published_sample":true"#)
        );
    }

    fn hits(path: &str, size: Option<u64>, sniff: Option<&crate::detect::Sniff>, lfs: bool) -> Vec<RuleId> {
        let mut blob = Candidate::new(
            gix::ObjectId::null(gix::hash::Kind::Sha1),
            path.into(),
            None,
            None,
            None,
        );
        blob.size = size;
        blob.sniff = sniff.cloned();
        blob.attrs = crate::attributes::PathAttributes { lfs, generated: false };
        let mut out = Vec::new();
        check_blob(&blob, &crate::policy::Policy::builtin().file, &mut out);
        out.into_iter().map(|h| h.rule).collect()
    }

    #[test]
    fn lfs_bypass_is_known_from_size_alone_when_content_is_unreadable() {
        // Too large to be a pointer: raw, even though the content could not be read.
        assert_eq!(hits("a.psd", Some(2 << 20), None, true), [RuleId::LfsBypassed]);
        // Small and unread: it might be a pointer, so nothing is claimed.
        assert!(hits("a.psd", Some(200), None, true).is_empty());
        let pointer = crate::detect::sniff(
            b"version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n",
            None,
        );
        assert!(hits("a.psd", Some(130), Some(&pointer), true).is_empty());
        assert!(hits("a.psd", Some(2 << 20), None, false).is_empty());
    }
}
