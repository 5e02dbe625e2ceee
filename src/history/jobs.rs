//! Which commits a job made: told by behaviour, never by names.
//!
//! A job writes the same message over and over, whatever identity it commits under (a bot, a
//! machine default like `root` or `Ubuntu`, or the owner's own): its commits fall into a few
//! message families once [`template`](super::message::template) folds what each run varies,
//! and its identity's vocabulary stays tiny however many commits it makes. People write about
//! what they changed; their messages keep finding new words.
//!
//! Being a job is no misuse: dependency and release bots are jobs too. What a job *writes*,
//! and how often, is what the rules in [`crate::rules::behaviour`] judge.

use std::collections::HashSet;

use super::Facts;

/// Commits that share one template before the template counts as a job's.
pub(crate) const MIN_FAMILY: usize = 8;

/// Commits an identity needs before its vocabulary says anything.
const MIN_VOCABULARY_COMMITS: usize = 16;

/// An identity whose commits use at most one distinct word per this many commits writes
/// machine messages (a scraper's data-diff summaries, a monitor's status lines).
const COMMITS_PER_WORD: usize = 8;

/// An identity whose commits fall into at most one template per this many commits writes
/// machine messages (a dependency bot bumping a few packages).
const COMMITS_PER_TEMPLATE: usize = 4;

/// Templates of dependency, release and tooling bots: jobs whose writes (a version bumped
/// in a manifest, a Helm `values.yaml`, a Compose file, a lock file) are maintenance of files
/// that belong in git, never data.
const MAINTENANCE: &[&str] = &[
    "bump ",
    "chore(deps",
    "build(deps",
    "fix(deps",
    "chore(release",
    "update dependency",
    "update module",
    "update helm release",
    "update docker",
    "update rust crate",
    "update github action",
    "update actions/",
    "lock file maintenance",
    "pre-commit autoupdate",
    "[pre-commit.ci]",
    "[dependabot",
    "[renovate",
    "release v",
    "release #",
    "prepare release",
    "version bump",
];

/// Whether a template is a dependency, release or tooling bot's.
pub(crate) fn is_maintenance(template: &str) -> bool {
    template == super::message::RELEASE
        || template.contains("release notes")
        || MAINTENANCE.iter().any(|m| template.starts_with(m))
        || (template.contains("bump ") && template.contains(" from ") && template.contains(" to "))
}

/// Facts about the job-like commits of a model.
#[derive(Debug, Clone, Default)]
pub struct Jobs {
    /// Per commit (by index): made by a job.
    pub machine: Vec<bool>,
    /// Per commit (by index): a dependency, release or tooling bot's maintenance.
    pub(crate) maintenance: Vec<bool>,
    /// Commits per template (by index), over the non-merge commits.
    pub family_size: Vec<usize>,
}

impl Jobs {
    /// Whether the commit with index `i` looks made by a job.
    pub(crate) fn is_machine(&self, i: u32) -> bool {
        self.machine.get(i as usize).copied().unwrap_or(false)
    }

    /// Whether the commit with index `i` is a job's that writes data, records or copies: a
    /// job's, and not maintenance by a dependency, release or tooling bot.
    pub(crate) fn writes(&self, i: u32) -> bool {
        self.is_machine(i) && !self.maintenance.get(i as usize).copied().unwrap_or(false)
    }
}

/// Tell the commits of jobs from people's.
pub fn classify(facts: &Facts) -> Jobs {
    let commits = &facts.commits;
    let (templates, identities) = (facts.templates.len(), facts.identities.len());
    // A change rebased or cherry-picked onto many branches is one change: its copies keep
    // the author, the author time and the message, so they count once (the first of them).
    let mut events: Vec<(u32, i64, u32)> = commits
        .iter()
        .filter(|c| !c.merge)
        .map(|c| (c.identity, c.authored, c.template))
        .collect();
    events.sort_unstable();
    events.dedup();
    // Per template: commits. Per identity: commits and its templates.
    let mut family = vec![0usize; templates];
    let mut per_identity = vec![0usize; identities];
    let mut pairs: Vec<(u32, u32)> = Vec::with_capacity(events.len());
    for &(identity, _, template) in &events {
        if let Some(n) = family.get_mut(template as usize) {
            *n += 1;
        }
        if let Some(n) = per_identity.get_mut(identity as usize) {
            *n += 1;
        }
        pairs.push((identity, template));
    }
    pairs.sort_unstable();
    pairs.dedup();
    // Per identity: its distinct words (each template's read once) and templates.
    let mut terse = vec![false; identities];
    for group in pairs.chunk_by(|a, b| a.0 == b.0) {
        let Some(&(identity, _)) = group.first() else { continue };
        let n = per_identity.get(identity as usize).copied().unwrap_or(0);
        if n < MIN_VOCABULARY_COMMITS {
            continue;
        }
        // Terse when its commits are many for its templates, or for its words: the words
        // are counted only up to the most a terse identity may have.
        let most_words = n / COMMITS_PER_WORD;
        let few_words = || {
            let mut words: HashSet<&str, foldhash::fast::RandomState> = HashSet::default();
            group
                .iter()
                .flat_map(|&(_, t)| super::message::words(facts.template(t)))
                .all(|word| {
                    words.insert(word);
                    words.len() <= most_words
                })
        };
        if let Some(slot) = terse.get_mut(identity as usize) {
            *slot = group.len() * COMMITS_PER_TEMPLATE <= n || few_words();
        }
    }
    let maintenance_of: Vec<bool> = facts.templates.items().iter().map(|t| is_maintenance(t)).collect();
    let machine = commits
        .iter()
        .map(|c| {
            !c.merge
                && !facts.template(c.template).is_empty()
                && (family.get(c.template as usize).copied().unwrap_or(0) >= MIN_FAMILY
                    || terse.get(c.identity as usize).copied().unwrap_or(false))
        })
        .collect();
    let maintenance = commits
        .iter()
        .map(|c| maintenance_of.get(c.template as usize).copied().unwrap_or(false))
        .collect();
    Jobs {
        machine,
        maintenance,
        family_size: family,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::commit::Commit;
    use crate::history::message::template;

    fn classify(commits: &[Commit]) -> Jobs {
        super::classify(&Facts::of_commits(gix::hash::Kind::Sha1, commits))
    }

    fn commit(who: &str, msg: &str, time: i64) -> Commit {
        Commit {
            id: gix::ObjectId::null(gix::hash::Kind::Sha1),
            tree: gix::ObjectId::null(gix::hash::Kind::Sha1),
            parents: vec![gix::ObjectId::null(gix::hash::Kind::Sha1)],
            time,
            authored: time,
            identity: who.into(),
            template: template(msg.as_bytes()),
        }
    }

    #[test]
    fn jobs_are_told_by_their_messages_not_their_names() {
        let mut commits: Vec<Commit> = (0..40)
            .map(|i| commit("owner@home.example", &format!("Latest data: {i}"), i * 60))
            .collect();
        // A scraper whose summaries take many shapes, under a machine default name.
        let shapes = [
            "1 row changed",
            "3 rows added, 1 row removed",
            "2 rows changed, 5 rows added",
        ];
        for i in 0..30 {
            commits.push(commit("ubuntu@host", shapes[i % 3], 10_000 + i as i64));
        }
        let jobs = classify(&commits);
        assert!(jobs.machine.iter().all(|m| *m));
    }

    #[test]
    fn bots_that_bump_versions_are_jobs_that_maintain() {
        for m in [
            "Bump serde from 1.0.1 to 1.0.2",
            "build(deps): bump lodash from 4.17.20 to 4.17.21",
            "chore(deps): update helm release redis to v18.1.2",
            "Update dependency eslint to v9.2.0",
            "[pre-commit.ci] pre-commit autoupdate",
            "chore(release): v1.7.2",
        ] {
            assert!(is_maintenance(&template(m.as_bytes())), "{m}");
        }
        for m in [
            "Latest data: 2024-01-01",
            "1 row changed",
            "Update README.md",
            "Backup 2024-07-03 14:30",
        ] {
            assert!(!is_maintenance(&template(m.as_bytes())), "{m}");
        }
    }

    #[test]
    fn copies_of_one_rebased_change_are_one_commit() {
        // The same patch rebased onto 30 branches: one author time, one message.
        let mut commits: Vec<Commit> = (0..30)
            .map(|i| {
                let mut c = commit("dev@x", "README.md: add a platform preamble", 5_000 + i * 600);
                c.authored = 1_000;
                c
            })
            .collect();
        commits.push(commit("dev@x", "Fix the parser", 99));
        assert!(classify(&commits).machine.iter().all(|m| !*m));
    }

    #[test]
    fn people_are_not_jobs_and_merges_never() {
        let verbs = ["Fix", "Add", "Tidy", "Speed up", "Document", "Rename"];
        let nouns = [
            "parser", "totals", "login", "cache", "retries", "docs", "schema", "paging",
        ];
        let commits: Vec<Commit> = (0..48)
            .map(|i| {
                commit(
                    &format!("dev{}@x", i % 4),
                    &format!("{} the {} for #{}", verbs[i % 6], nouns[(i / 6) % 8], i),
                    i as i64,
                )
            })
            .collect();
        let jobs = classify(&commits);
        assert!(jobs.machine.iter().all(|m| !*m), "{:?}", jobs.family_size);
        let mut merge = commit("a@b", "Merge branch 'x'", 0);
        merge.parents.push(gix::ObjectId::null(gix::hash::Kind::Sha1));
        let many: Vec<Commit> = (0..20).map(|_| merge.clone()).collect();
        assert!(classify(&many).machine.iter().all(|m| !*m));
    }
}
