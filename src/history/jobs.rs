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

use std::collections::{HashMap, HashSet};

use crate::walk::Commit;

/// Commits that share one template before the template counts as a job's.
pub const MIN_FAMILY: usize = 8;

/// Commits an identity needs before its vocabulary says anything.
const MIN_VOCABULARY_COMMITS: usize = 16;

/// An identity whose commits use at most one distinct word per this many commits writes
/// machine messages (a scraper's data-diff summaries, a monitor's status lines).
const COMMITS_PER_WORD: usize = 8;

/// An identity whose commits fall into at most one template per this many commits writes
/// machine messages (a dependency bot bumping a few packages).
const COMMITS_PER_TEMPLATE: usize = 4;

/// Facts about the job-like commits of a model.
#[derive(Debug, Clone, Default)]
pub struct Jobs {
    /// Per commit (by index): made by a job.
    pub machine: Vec<bool>,
    /// Commits per template, over the non-merge commits.
    pub family_size: HashMap<String, usize>,
}

impl Jobs {
    /// Whether the commit with index `i` looks made by a job.
    pub fn is_machine(&self, i: u32) -> bool {
        self.machine.get(i as usize).copied().unwrap_or(false)
    }
}

/// Tell the commits of jobs from people's.
pub fn classify(commits: &[Commit]) -> Jobs {
    let mut family_size: HashMap<String, usize> = HashMap::new();
    // Per identity: commits, distinct words, distinct templates.
    type Vocabulary<'c> = (usize, HashSet<&'c str>, HashSet<&'c str>);
    let mut by_identity: HashMap<&str, Vocabulary<'_>> = HashMap::new();
    for c in commits.iter().filter(|c| c.parents.len() <= 1) {
        *family_size.entry(c.template.clone()).or_default() += 1;
        let entry = by_identity.entry(c.identity.as_str()).or_default();
        entry.0 += 1;
        entry.1.extend(super::message::words(&c.template));
        entry.2.insert(c.template.as_str());
    }
    let terse: HashSet<&str> = by_identity
        .iter()
        .filter(|(_, (n, words, templates))| {
            *n >= MIN_VOCABULARY_COMMITS
                && (words.len() * COMMITS_PER_WORD <= *n || templates.len() * COMMITS_PER_TEMPLATE <= *n)
        })
        .map(|(who, _)| *who)
        .collect();
    let machine = commits
        .iter()
        .map(|c| {
            c.parents.len() <= 1
                && !c.template.is_empty()
                && (family_size.get(&c.template).copied().unwrap_or(0) >= MIN_FAMILY
                    || terse.contains(c.identity.as_str()))
        })
        .collect();
    Jobs { machine, family_size }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::message::template;

    fn commit(who: &str, msg: &str, time: i64) -> Commit {
        Commit {
            id: gix::ObjectId::null(gix::hash::Kind::Sha1),
            tree: gix::ObjectId::null(gix::hash::Kind::Sha1),
            parents: vec![gix::ObjectId::null(gix::hash::Kind::Sha1)],
            time,
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
