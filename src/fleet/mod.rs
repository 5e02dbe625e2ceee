//! `pushgate audit --fleet`: the audit over many repositories, and `pushgate report merge`,
//! which reads what it wrote back into one ranked report.
//!
//! - [`discover`] turns a list file or a folder (a server's repository storage, a folder of
//!   mirrors) into the fleet: each repository with the key that names it;
//! - [`Shard`] picks this machine's part of the fleet from the key alone, so machines that
//!   read the same list (or folder) cover each repository once;
//! - [`run`] audits each repository in a child process of the same binary, a bounded number
//!   at a time, and writes one [`result`] file per repository, atomically, so a rerun
//!   resumes where a killed one stopped;
//! - [`merge`] reads a results folder into the model [`report::merge`](crate::report::merge)
//!   renders.

pub(crate) mod discover;
pub(crate) mod merge;
pub(crate) mod result;
pub mod run;

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

/// One repository of the fleet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Member {
    /// What names it in results, shards and reports: the line of the list file as written,
    /// or its path relative to the folder (`/`-separated; `.` for the folder itself).
    pub(crate) key: String,
    /// Where it is, for the audit.
    pub(crate) path: PathBuf,
}

impl Member {
    /// A stable digest of the key (SHA-1), the same on every host and in every version: it
    /// names the result file and picks the shard.
    pub(crate) fn digest(&self) -> gix::ObjectId {
        digest(&self.key)
    }
}

/// SHA-1 of `key`.
pub(crate) fn digest(key: &str) -> gix::ObjectId {
    let mut hasher = gix::hash::hasher(gix::hash::Kind::Sha1);
    hasher.update(key.as_bytes());
    // Only a SHA-1 collision attack fails here, which no path name mounts; the null id then
    // stands in (the file name still carries the key itself).
    hasher
        .try_finalize()
        .unwrap_or_else(|_| gix::ObjectId::null(gix::hash::Kind::Sha1))
}

/// `--shard I/N`: this machine's part of the fleet, the `I`th of `N` (0-based, as a
/// Kubernetes Indexed Job's `JOB_COMPLETION_INDEX`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// Which part, below `count`.
    pub(crate) index: u64,
    /// How many parts.
    pub(crate) count: u64,
}

impl Shard {
    /// The whole fleet.
    pub const ALL: Shard = Shard { index: 0, count: 1 };

    /// Whether `member` is in this part: its digest's first eight bytes modulo the count. A
    /// member's part depends on its key alone, so machines whose lists differ by a repository
    /// added in between still agree on every other one.
    pub(crate) fn holds(&self, member: &Member) -> bool {
        self.count <= 1 || bucket(&member.digest()) % self.count == self.index
    }
}

/// The first eight bytes of `id`, as a number.
fn bucket(id: &gix::ObjectId) -> u64 {
    let mut head = [0u8; 8];
    for (to, from) in head.iter_mut().zip(id.as_bytes()) {
        *to = *from;
    }
    u64::from_be_bytes(head)
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let usage = "expected I/N, the part I (counted from 0, as JOB_COMPLETION_INDEX) of N: `0/4` … `3/4`";
        let (index, count) = text.trim().split_once('/').ok_or_else(|| usage.to_owned())?;
        let number = |part: &str, what: &str| {
            part.trim()
                .parse::<u64>()
                .map_err(|_| format!("{what} `{part}` is not a whole number; {usage}"))
        };
        let (index, count) = (number(index, "the index")?, number(count, "the count")?);
        if count == 0 {
            return Err(format!("the count is 0; {usage}"));
        }
        if index >= count {
            return Err(format!(
                "the index {index} is not below the count {count} (indexes count from 0: the last of {count} is {}/{count})",
                count - 1
            ));
        }
        Ok(Shard { index, count })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_parse_and_refuse_what_they_must() {
        assert_eq!("1/4".parse::<Shard>(), Ok(Shard { index: 1, count: 4 }));
        assert_eq!("0/1".parse::<Shard>(), Ok(Shard::ALL));
        for bad in ["4/4", "5/4", "0/0", "1", "-1/4", "a/4", "1/b", "", "1/4/5"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
        assert!("4/4".parse::<Shard>().unwrap_err().contains("the last of 4 is 3/4"));
    }

    #[test]
    fn every_member_is_in_exactly_one_shard() {
        let members: Vec<Member> = (0..200)
            .map(|i| Member {
                key: format!("group/repo-{i:03}.git"),
                path: PathBuf::new(),
            })
            .collect();
        for count in [1, 2, 3, 4, 7] {
            let mut sizes = vec![0usize; count as usize];
            for m in &members {
                let holders: Vec<u64> = (0..count).filter(|&index| Shard { index, count }.holds(m)).collect();
                assert_eq!(holders.len(), 1, "{} in {holders:?} of {count}", m.key);
                sizes[holders[0] as usize] += 1;
            }
            // A digest spreads them: no part is empty or twice its share.
            let share = members.len() / count as usize;
            assert!(sizes.iter().all(|&n| n > 0 && n < 2 * share), "{sizes:?}");
        }
    }

    #[test]
    fn the_digest_is_stable() {
        // The same key names the same file and shard in every build and on every host.
        assert_eq!(
            digest("gitea/alice/scraper.git").to_string(),
            "6a1a40e770064a7ea5bec08922082144d40f8c36"
        );
    }
}
