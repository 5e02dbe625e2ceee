//! The rules: one file each, listed once in the [registry].
//!
//! A rule's file holds everything about it: its pattern, its documentation (what,
//! why, signals, fix: what `pushgate explain` prints), its settings (`[rules.<id>]`), and its
//! check. Per-blob rules look at one [`Candidate`] (path, size, sniffed content, attributes); the
//! history rules (`churning-blob`, `data-churn`, `machine-cadence`, and the subjects of
//! `database-file` and `backup-file`) read the [history model](crate::history) through
//! [`behaviour`]; `history-growth` reads a range's totals. Adding a rule is its file plus one
//! line in the [registry].

use serde::{Deserialize, Serialize};

use crate::candidate::Candidate;
use crate::outcome::Pattern;
use settings::RuleSettings;

pub mod behaviour;
pub mod paths;
pub mod registry;
pub mod settings;

pub use registry::{Hit, RuleDoc, RuleId, UnknownRule};

/// A per-blob check: what one rule makes of one blob.
pub type BlobCheck = fn(&Candidate, &crate::policy::PolicyFile, &mut Vec<Hit>);

/// Expands the [registry]: each rule's module, its pattern and documentation lookups, the
/// per-blob checks, and the `[rules.*]` tables of the policy.
macro_rules! registry {
    ($( $(#[$meta:meta])* $variant:ident => $module:ident = $id:literal, )*) => {
        $( pub mod $module; )*

        impl RuleId {
            /// The pattern the rule belongs to.
            pub fn pattern(self) -> Pattern {
                match self { $( RuleId::$variant => $module::PATTERN, )* }
            }

            /// The rule's documentation, as `pushgate explain` prints it.
            pub fn doc(self) -> &'static RuleDoc {
                match self { $( RuleId::$variant => &$module::DOC, )* }
            }

            /// The rule's per-blob check, if it has one.
            pub fn blob_check(self) -> Option<BlobCheck> {
                match self { $( RuleId::$variant => $module::BLOB, )* }
            }
        }

        /// `[rules.*]`, one table per rule id, each the rule's own settings type.
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
        #[serde(deny_unknown_fields, default, rename_all = "kebab-case")]
        pub struct Rules {
            $(
                #[doc = concat!("`[rules.", stringify!($module), "]` (kebab-case in the file)")]
                pub $module: $module::Settings,
            )*
        }

        impl Rules {
            /// The settings of `rule`, as every rule's settings answer.
            pub fn settings(&self, rule: RuleId) -> &dyn RuleSettings {
                match rule { $( RuleId::$variant => &self.$module, )* }
            }
        }
    };
}

registry::each_rule!(registry);

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
    input: &behaviour::Input<'_, '_>,
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
        f.evidence.insert("removed".into(), true.into());
        f.message = format!(
            "{} (committed {}, then deleted: a cost in history, not {kept_as})",
            f.message,
            if versions.len() == 1 { "once" } else { "twice" }
        );
    }
}

/// The root trees of `tips`, sorted, without duplicates.
pub fn tip_trees(repo: &gix::Repository, tips: &[gix::ObjectId]) -> Vec<gix::ObjectId> {
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
pub fn blobs_at(repo: &gix::Repository, roots: &[gix::ObjectId], path: &[u8]) -> Vec<gix::ObjectId> {
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
    pub fn level(&self, rule: RuleId) -> crate::outcome::Setting {
        self.settings(rule).level()
    }

    /// The `exclude` globs of `rule`.
    pub fn exclude(&self, rule: RuleId) -> &crate::policy::Globs {
        self.settings(rule).exclude()
    }
}

/// Run every per-blob rule of `policy` on `blob` (rules set to `off` do not run).
pub fn check_blob(blob: &Candidate, policy: &crate::policy::PolicyFile, out: &mut Vec<Hit>) {
    for rule in RuleId::ALL {
        let Some(check) = rule.blob_check() else { continue };
        if policy.rules.level(rule).is_off() || policy.rules.exclude(rule).is_match(&blob.path) {
            continue;
        }
        check(blob, policy, out);
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
            assert_eq!(doc.id, rule, "{rule} shows another rule's doc");
            for text in [doc.summary, doc.why, doc.signals, doc.fix] {
                assert!(text.len() > 20, "{rule} lacks documentation");
            }
            let json = serde_json::to_string(&rule).unwrap_or_default();
            assert_eq!(json, format!("\"{rule}\""));
        }
        let err = "large-blobs".parse::<RuleId>().err();
        assert_eq!(err.and_then(|e| e.suggestion), Some("large-blob"));
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
