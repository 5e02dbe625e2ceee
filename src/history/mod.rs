//! The history model: the facts the behaviour rules read, and nothing they decide.
//!
//! For the commits in scope (the look-back window behind a range or push, or the whole
//! history an audit walked), each commit's identity, time and message template, and every
//! change of every non-merge commit: path, blob left, blob before. [`Model::window`] reads
//! the window; [`Model::whole`] borrows what the audit's walk recorded. [`jobs`] tells the
//! commits of jobs from people's; the rules in [`crate::rules::behaviour`] decide.

use std::borrow::Cow;
use std::collections::HashSet;

use gix::ObjectId;
use gix::bstr::{BStr, ByteSlice};

use crate::repo::RepoError;
use crate::walk::{Commit, Differ, Recorded, Walked, record};

pub mod jobs;
pub mod message;

/// Seconds in a day.
pub const DAY: i64 = 86_400;

/// The identity and message template of a commit.
pub fn describe(commit: &gix::Commit<'_>) -> (String, String) {
    let identity = commit
        .author()
        .map(|a| {
            let email = a.email.to_str_lossy().to_lowercase();
            if email.is_empty() {
                a.name.to_str_lossy().to_lowercase()
            } else {
                email
            }
        })
        .unwrap_or_default();
    let template = commit.message_raw().map(|m| message::template(m)).unwrap_or_default();
    (identity, template)
}

/// The commits in scope and what each changed.
#[derive(Debug)]
pub struct Model<'a> {
    /// The commits (any order; changes refer to them by index).
    pub commits: Cow<'a, [Commit]>,
    /// Every change of every non-merge commit, with paths interned.
    pub recorded: Cow<'a, Recorded>,
    /// The history stops at missing commits (shallow or partial clone).
    pub truncated: bool,
    /// Indices into `recorded.changes`, per path index.
    by_path: Vec<Vec<u32>>,
}

impl<'a> Model<'a> {
    fn new(commits: Cow<'a, [Commit]>, recorded: Cow<'a, Recorded>, truncated: bool) -> Self {
        let mut by_path: Vec<Vec<u32>> = vec![Vec::new(); recorded.paths.len()];
        for (i, change) in recorded.changes.iter().enumerate() {
            if let Some(list) = by_path.get_mut(change.path as usize) {
                list.push(u32::try_from(i).unwrap_or(u32::MAX));
            }
        }
        Model {
            commits,
            recorded,
            truncated,
            by_path,
        }
    }

    /// The whole history an audit walked (`None` when the walk recorded no changes).
    pub fn whole(walked: &'a Walked) -> Option<Self> {
        let recorded = walked.recorded.as_ref()?;
        Some(Model::new(
            Cow::Borrowed(&walked.commits),
            Cow::Borrowed(recorded),
            !walked.truncated.is_empty(),
        ))
    }

    /// The look-back window behind `tips`: the newest `max_commits` commits reachable from
    /// them, no older than `days` before the newest. Measured from the commits, never from the
    /// wall clock, so the same repository always gives the same model; its cost follows the
    /// window, not the repository.
    pub fn window(repo: &gix::Repository, tips: &[ObjectId], max_commits: u32, days: u32) -> Result<Self, RepoError> {
        let (commits, truncated) = window_commits(repo, tips, max_commits, days)?;
        let index: gix::hashtable::HashMap<ObjectId, usize> =
            commits.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
        let mut recorded = Recorded::default();
        let mut differ = Differ::default();
        let empty = ObjectId::empty_tree(repo.object_hash());
        for (i, c) in commits.iter().enumerate() {
            let merge = c.parents.len() > 1;
            if merge {
                continue;
            }
            let parent_tree = match c.parents.first() {
                None => empty,
                Some(p) => match index.get(p).and_then(|&i| commits.get(i)) {
                    Some(pc) => pc.tree,
                    None => match repo.find_commit(*p).ok().and_then(|pc| pc.tree_id().ok()) {
                        Some(tree) => tree.detach(),
                        // A parent outside the object database: the window stops here.
                        None => continue,
                    },
                },
            };
            let records = differ.diff_trees(repo, c.id, parent_tree, c.tree)?;
            record(&mut recorded, i, c.tree, merge, &records);
        }
        Ok(Model::new(Cow::Owned(commits), Cow::Owned(recorded), truncated))
    }

    /// The interned index of `path`.
    pub fn path_index(&self, path: &BStr) -> Option<u32> {
        self.recorded.index.get(path).copied()
    }

    /// Every path the model knows, with its index.
    pub fn paths(&self) -> impl Iterator<Item = (u32, &BStr)> {
        self.recorded
            .paths
            .iter()
            .enumerate()
            .map(|(i, p)| (u32::try_from(i).unwrap_or(u32::MAX), p.as_bstr()))
    }

    /// The path with index `i`.
    pub fn path(&self, i: u32) -> &BStr {
        self.recorded
            .paths
            .get(i as usize)
            .map(|p| p.as_bstr())
            .unwrap_or_default()
    }

    /// The changes of path `i`, in walk order.
    pub fn changes_of(&self, i: u32) -> impl Iterator<Item = &crate::walk::PathChange> {
        self.by_path
            .get(i as usize)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .filter_map(|&c| self.recorded.changes.get(c as usize))
    }

    /// The commit with index `i`.
    pub fn commit(&self, i: u32) -> Option<&Commit> {
        self.commits.get(i as usize)
    }

    /// How many paths the commit with index `i` changed.
    pub fn files_changed(&self, i: u32) -> u32 {
        self.recorded.per_commit.get(i as usize).copied().unwrap_or(0)
    }
}

/// The repository's commit-graph, if it has one (commit times and parents without inflating
/// commits).
fn commit_graph(repo: &gix::Repository) -> Option<gix::commitgraph::Graph> {
    let info = repo.common_dir().join("objects").join("info");
    gix::commitgraph::Graph::from_info_dir(&info, repo.object_hash()).ok()
}

fn window_commits(
    repo: &gix::Repository,
    tips: &[ObjectId],
    max_commits: u32,
    days: u32,
) -> Result<(Vec<Commit>, bool), RepoError> {
    let shallow: HashSet<ObjectId> = repo
        .shallow_commits()
        .map_err(|e| RepoError::read("reading the shallow file", e))?
        .map(|c| c.iter().copied().collect())
        .unwrap_or_default();
    let mut tips = tips.to_vec();
    tips.sort();
    tips.dedup();
    let mut commits = Vec::new();
    if tips.is_empty() {
        return Ok((commits, false));
    }
    let walk = repo
        .rev_walk(tips)
        .sorting(gix::revision::walk::Sorting::ByCommitTime(Default::default()))
        .with_commit_graph(commit_graph(repo))
        .all()
        .map_err(|e| RepoError::read("walking the look-back window", e))?;
    let mut truncated = false;
    let mut newest: Option<i64> = None;
    let span = i64::from(days).saturating_mul(DAY);
    for info in walk {
        // Missing parents (a partial or broken history) end the window, not the scan.
        let Ok(info) = info else {
            truncated = true;
            break;
        };
        let Ok(commit) = repo.find_commit(info.id) else {
            truncated = true;
            break;
        };
        let tree = commit
            .tree_id()
            .map_err(|e| RepoError::read(format!("reading commit {}", info.id), e))?
            .detach();
        let time = commit.time().map(|t| t.seconds).unwrap_or(0);
        let newest = *newest.get_or_insert(time);
        if commits.len() >= max_commits as usize || time < newest.saturating_sub(span) {
            break;
        }
        let parents = if shallow.contains(&info.id) {
            truncated = true;
            Vec::new()
        } else {
            info.parent_ids.iter().copied().collect()
        };
        let (identity, template) = describe(&commit);
        commits.push(Commit {
            id: info.id,
            tree,
            parents,
            time,
            identity,
            template,
        });
    }
    Ok((commits, truncated))
}

/// The most `times` (any order) that fall within `span` seconds of each other, and the most
/// distinct days any such stretch holds.
pub fn busiest(times: &[i64], span: i64) -> (usize, usize) {
    let mut t = times.to_vec();
    t.sort_unstable();
    let mut days: std::collections::HashMap<i64, usize> = std::collections::HashMap::new();
    let (mut best, mut best_days, mut start) = (0, 0, 0);
    for end in 0..t.len() {
        let Some(&last) = t.get(end) else { break };
        *days.entry(last.div_euclid(DAY)).or_default() += 1;
        while let Some(&first) = t.get(start).filter(|&&first| last.saturating_sub(first) > span) {
            let day = first.div_euclid(DAY);
            if let Some(n) = days.get_mut(&day) {
                *n -= 1;
                if *n == 0 {
                    days.remove(&day);
                }
            }
            start += 1;
        }
        best = best.max(end + 1 - start);
        best_days = best_days.max(days.len());
    }
    (best, best_days)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_busiest_stretch_counts_commits_and_days() {
        let hourly: Vec<i64> = (0..100).map(|i| i * 3600).collect();
        assert_eq!(busiest(&hourly, 30 * DAY), (100, 5));
        let daily: Vec<i64> = (0..100).map(|i| i * DAY + 7).collect();
        assert_eq!(busiest(&daily, 30 * DAY), (31, 31));
        let burst: Vec<i64> = (0..20).map(|i| i * 60).chain([400 * DAY]).collect();
        assert_eq!(busiest(&burst, 30 * DAY), (20, 1));
        assert_eq!(busiest(&[], DAY), (0, 0));
    }
}
