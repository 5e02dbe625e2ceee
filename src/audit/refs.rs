//! Which refs reach each offender: every commit gets the set of refs whose history holds it
//! (branches first, then tags, other refs, and last the refs a host keeps for pull and merge
//! requests), worked out once, children before parents, with each distinct set stored once.
//! A set keeps its first [`NAMED`] refs and says whether there are more; since the refs a
//! host keeps sort last, whether a set holds any other ref is always exact.

use std::collections::HashMap;

use gix::ObjectId;
use gix::bstr::{BString, ByteSlice};

use crate::range::{Tip, TipKind};
use crate::walk::Walked;

/// Refs named per offender.
pub(crate) const NAMED: usize = 4;

/// Prefixes of the refs a host keeps for pull and merge requests and the like, which nobody
/// can rewrite or force-push: GitHub, Gitea and Forgejo (`refs/pull/`), GitLab
/// (`refs/merge-requests/`, `refs/keep-around/`, `refs/pipelines/`), Bitbucket
/// (`refs/pull-requests/`), Gerrit (`refs/changes/`).
pub(crate) const HOST_PREFIXES: &[&str] = &[
    "refs/pull/",
    "refs/merge-requests/",
    "refs/keep-around/",
    "refs/pipelines/",
    "refs/pull-requests/",
    "refs/changes/",
];

/// Whether `name` is a ref the host keeps (see [`HOST_PREFIXES`]).
pub(crate) fn host_managed(name: &[u8]) -> bool {
    HOST_PREFIXES.iter().any(|p| name.starts_with(p.as_bytes()))
}

/// The refs that reach something: the first [`NAMED`], whether there are more, and whether
/// only refs the host keeps reach it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Reach {
    /// Ref names (branches, then tags, then other refs, then the host's).
    pub(crate) refs: Vec<String>,
    /// More refs reach it than `refs` names.
    pub(crate) more: bool,
    /// Only refs the host keeps reach it (none of its branches, tags or other refs).
    pub(crate) host_only: bool,
}

/// The ref sets of every walked commit.
pub(crate) struct Labels {
    /// Ref names, in the order sets keep them.
    names: Vec<(BString, bool)>,
    /// Distinct sets of ref indices, sorted and cut to `NAMED + 1`; 0 is the empty set.
    sets: Vec<Vec<u32>>,
    /// Each walked commit's set (an index into `sets`), as [`Walked::commits`] orders them.
    of_commit: Vec<u32>,
}

impl Labels {
    /// The sets of `walked`'s commits, from `tips` (the refs the audit walked; `HEAD` only when
    /// no other ref names its commit).
    pub(crate) fn of(walked: &Walked, tips: &[Tip]) -> Labels {
        let commit_tips: Vec<&Tip> = tips.iter().filter(|t| t.kind == TipKind::Commit).collect();
        let mut names: Vec<(BString, bool, ObjectId)> = commit_tips
            .iter()
            .filter(|t| t.name != "HEAD" || !commit_tips.iter().any(|o| o.name != "HEAD" && o.id == t.id))
            .map(|t| (t.name.clone(), host_managed(&t.name), t.id))
            .collect();
        let rank = |name: &BString, host: bool| {
            if host {
                3
            } else if name.starts_with(b"refs/heads/") {
                0
            } else if name.starts_with(b"refs/tags/") {
                1
            } else {
                2
            }
        };
        names.sort_by(|a, b| (rank(&a.0, a.1), &a.0).cmp(&(rank(&b.0, b.1), &b.0)));
        names.dedup_by(|a, b| a.0 == b.0);
        let index: gix::hashtable::HashMap<ObjectId, u32> = walked
            .commits
            .iter()
            .enumerate()
            .filter_map(|(i, c)| Some((c.id, u32::try_from(i).ok()?)))
            .collect();
        let mut labels = Labels {
            names: names.iter().map(|(n, h, _)| (n.clone(), *h)).collect(),
            sets: vec![Vec::new()],
            of_commit: vec![0; walked.commits.len()],
        };
        let mut interned: HashMap<Vec<u32>, u32> = HashMap::from([(Vec::new(), 0)]);
        let mut unions: HashMap<(u32, u32), u32> = HashMap::new();
        for (r, (_, _, id)) in names.iter().enumerate() {
            let (Some(&c), Ok(r)) = (index.get(id), u32::try_from(r)) else {
                continue;
            };
            let single = labels.intern(&mut interned, vec![r]);
            let at = labels.of_commit.get(c as usize).copied().unwrap_or(0);
            let set = labels.union(&mut interned, &mut unions, at, single);
            if let Some(slot) = labels.of_commit.get_mut(c as usize) {
                *slot = set;
            }
        }
        // Parents come before children: from the newest down, each commit hands its set on.
        for (i, commit) in walked.commits.iter().enumerate().rev() {
            let set = labels.of_commit.get(i).copied().unwrap_or(0);
            if set == 0 {
                continue;
            }
            for parent in &commit.parents {
                let Some(&p) = index.get(parent) else { continue };
                let at = labels.of_commit.get(p as usize).copied().unwrap_or(0);
                let merged = labels.union(&mut interned, &mut unions, at, set);
                if let Some(slot) = labels.of_commit.get_mut(p as usize) {
                    *slot = merged;
                }
            }
        }
        labels
    }

    fn intern(&mut self, interned: &mut HashMap<Vec<u32>, u32>, set: Vec<u32>) -> u32 {
        if let Some(&id) = interned.get(&set) {
            return id;
        }
        let id = u32::try_from(self.sets.len()).unwrap_or(0);
        self.sets.push(set.clone());
        interned.insert(set, id);
        id
    }

    fn union(
        &mut self,
        interned: &mut HashMap<Vec<u32>, u32>,
        unions: &mut HashMap<(u32, u32), u32>,
        a: u32,
        b: u32,
    ) -> u32 {
        if a == b || b == 0 {
            return a;
        }
        if a == 0 {
            return b;
        }
        let key = (a.min(b), a.max(b));
        if let Some(&u) = unions.get(&key) {
            return u;
        }
        let mut merged: Vec<u32> = self
            .sets
            .get(a as usize)
            .into_iter()
            .chain(self.sets.get(b as usize))
            .flatten()
            .copied()
            .collect();
        merged.sort_unstable();
        merged.dedup();
        merged.truncate(NAMED + 1);
        let u = self.intern(interned, merged);
        unions.insert(key, u);
        u
    }

    /// What reaches the commits with these indices (into [`Walked::commits`]).
    pub(crate) fn reach(&self, commits: impl IntoIterator<Item = u32>) -> Reach {
        let mut all: Vec<u32> = Vec::new();
        let mut seen_sets: Vec<u32> = Vec::new();
        for c in commits {
            let set = self.of_commit.get(c as usize).copied().unwrap_or(0);
            if set == 0 || seen_sets.contains(&set) {
                continue;
            }
            seen_sets.push(set);
            all.extend(self.sets.get(set as usize).into_iter().flatten());
            all.sort_unstable();
            all.dedup();
            all.truncate(NAMED + 1);
        }
        let host_only = all
            .first()
            .and_then(|r| self.names.get(*r as usize))
            .is_some_and(|(_, host)| *host);
        Reach {
            more: all.len() > NAMED,
            refs: all
                .iter()
                .take(NAMED)
                .filter_map(|r| self.names.get(*r as usize))
                .map(|(name, _)| crate::util::sanitize(name.as_bytes()))
                .collect(),
            host_only,
        }
    }

    /// Whether any walked ref is one the host keeps.
    pub(crate) fn any_host_refs(&self) -> bool {
        self.names.iter().any(|(_, host)| *host)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u8) -> ObjectId {
        ObjectId::from_bytes_or_panic(&[n; 20])
    }

    fn commit(n: u8, parents: &[u8]) -> crate::history::commit::Commit {
        crate::history::commit::Commit {
            id: id(n),
            tree: id(0),
            parents: parents.iter().map(|p| id(*p)).collect(),
            time: i64::from(n),
            authored: i64::from(n),
            identity: String::new(),
            template: String::new(),
        }
    }

    fn tip(name: &str, n: u8) -> Tip {
        Tip {
            id: id(n),
            kind: TipKind::Commit,
            name: name.into(),
        }
    }

    #[test]
    fn refs_reach_their_history_and_the_hosts_refs_sort_last() {
        // 1 <- 2 <- 3 (main); 2 <- 4 (refs/pull/7/head); 1 <- 5 (v1)
        let walked = Walked {
            commits: vec![
                commit(1, &[]),
                commit(2, &[1]),
                commit(3, &[2]),
                commit(4, &[2]),
                commit(5, &[1]),
            ],
            ..Walked::default()
        };
        let tips = [
            tip("refs/pull/7/head", 4),
            tip("refs/heads/main", 3),
            tip("refs/tags/v1", 5),
            tip("HEAD", 3),
        ];
        let labels = Labels::of(&walked, &tips);
        assert!(labels.any_host_refs());
        let reach = labels.reach([0]);
        assert_eq!(reach.refs, ["refs/heads/main", "refs/tags/v1", "refs/pull/7/head"]);
        assert!(!reach.more && !reach.host_only);
        let pull = labels.reach([3]);
        assert_eq!(pull.refs, ["refs/pull/7/head"]);
        assert!(pull.host_only);
        assert_eq!(labels.reach([2, 4]).refs, ["refs/heads/main", "refs/tags/v1"]);
        assert_eq!(labels.reach([]), Reach::default());
    }

    #[test]
    fn many_refs_are_cut_and_say_so() {
        let walked = Walked {
            commits: vec![commit(1, &[])],
            ..Walked::default()
        };
        let names: Vec<String> = (0..8).map(|i| format!("refs/heads/b{i}")).collect();
        let tips: Vec<Tip> = names.iter().map(|n| tip(n, 1)).collect();
        let reach = Labels::of(&walked, &tips).reach([0]);
        assert_eq!(reach.refs.len(), NAMED);
        assert!(reach.more);
    }
}
