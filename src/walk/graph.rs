//! Commit times and parents for the walks that paint history by time (which commits a push
//! brings, how far the facts store lags behind the refs): read through the repository's
//! commit-graph file when it has one, from the commits otherwise, each commit once.

use std::collections::HashSet;

use gix::ObjectId;

use crate::repo::RepoError;

/// A commit as the painting walks see it: its committer time and its parents (none for a
/// shallow clone's boundary commits).
pub(crate) type Node = (i64, Vec<ObjectId>);

/// Commit times and parents, remembered once read.
pub(crate) struct Graph<'r> {
    repo: &'r gix::Repository,
    file: Option<gix::commitgraph::Graph>,
    shallow: HashSet<ObjectId>,
    known: gix::hashtable::HashMap<ObjectId, Option<Node>>,
}

impl<'r> Graph<'r> {
    /// The commits of `repo`, with its commit-graph file and shallow boundary.
    pub(crate) fn new(repo: &'r gix::Repository) -> Result<Self, RepoError> {
        let shallow = repo
            .shallow_commits()
            .map_err(|e| RepoError::read("reading the shallow file", e))?
            .map(|c| c.iter().copied().collect())
            .unwrap_or_default();
        // The repository's own graph: a hook's object store (joined with the push's
        // quarantine) lives elsewhere, where gix would look for it.
        let file =
            gix::commitgraph::Graph::from_info_dir(&repo.common_dir().join("objects").join("info"), repo.object_hash())
                .ok();
        Ok(Graph {
            repo,
            file,
            shallow,
            known: Default::default(),
        })
    }

    /// The commit `id`'s time and parents; `None` when the repository cannot read it.
    pub(crate) fn node(&mut self, id: ObjectId) -> Result<Option<&Node>, RepoError> {
        if !self.known.contains_key(&id) {
            let node = self.read(id)?;
            self.known.insert(id, node);
        }
        Ok(self.known.get(&id).and_then(Option::as_ref))
    }

    /// The commit `id`'s time alone (`i64::MIN` when it cannot be read).
    pub(crate) fn time(&mut self, id: ObjectId) -> Result<i64, RepoError> {
        Ok(self.node(id)?.map_or(i64::MIN, |(time, _)| *time))
    }

    /// The commit `id`'s parents (none when it cannot be read).
    pub(crate) fn parents(&mut self, id: ObjectId) -> Result<Vec<ObjectId>, RepoError> {
        Ok(self.node(id)?.map(|(_, parents)| parents.clone()).unwrap_or_default())
    }

    fn read(&self, id: ObjectId) -> Result<Option<Node>, RepoError> {
        if let Some(graph) = &self.file
            && let Some(c) = graph.commit_by_id(id)
        {
            let time = i64::try_from(c.committer_timestamp()).unwrap_or(i64::MAX);
            let mut parents = Vec::new();
            for p in c.iter_parents() {
                let p = p.map_err(|e| RepoError::read(format!("reading the commit-graph entry of {id}"), e))?;
                if p.0 >= graph.num_commits() {
                    return Err(RepoError::read(
                        format!("reading the commit-graph entry of {id}"),
                        "a parent outside the graph",
                    ));
                }
                parents.push(graph.id_at(p).to_owned());
            }
            return Ok(Some((time, self.cut(id, parents))));
        }
        let Ok(commit) = self.repo.find_commit(id) else {
            return Ok(None);
        };
        let time = commit.time().map(|t| t.seconds).unwrap_or(0);
        let parents = commit.parent_ids().map(|p| p.detach()).collect();
        Ok(Some((time, self.cut(id, parents))))
    }

    /// A shallow clone's boundary commits have no parents here.
    fn cut(&self, id: ObjectId, parents: Vec<ObjectId>) -> Vec<ObjectId> {
        if self.shallow.contains(&id) {
            Vec::new()
        } else {
            parents
        }
    }
}
