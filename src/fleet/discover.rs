//! The fleet: the repositories a list file names, or those found below a folder as servers
//! store them (GitLab's `@hashed/ab/cd/<hash>.git` and `group/project.git`, Gitea's and
//! Forgejo's `owner/name.git`, a folder of `*.git` mirrors, work trees).

use std::io::{self, Read};
use std::path::{Path, PathBuf};

use super::Member;
use crate::error::Error;
use crate::util::sanitize;

/// Folders never entered: Gitaly's own files (`+gitaly`: temporary copies, caches) and
/// GitLab's object pools (`@pools`: the objects forks share, which each fork's audit reads
/// through its alternates).
const NOT_ENTERED: [&str; 2] = ["+gitaly", "@pools"];

/// The fleet `fleet` names, sorted by key, each once: a list file (one path per line, `#`
/// comments and blank lines ignored; `-` reads the list from `stdin`), or a folder to search.
/// What could not be searched is said in `warnings`.
pub(crate) fn members(fleet: &Path, stdin: &mut dyn Read, warnings: &mut Vec<String>) -> Result<Vec<Member>, Error> {
    let mut members = if fleet.as_os_str() == "-" {
        let mut text = Vec::new();
        stdin.read_to_end(&mut text).map_err(|source| Error::File {
            what: "cannot read the list of repositories from standard input".into(),
            source,
        })?;
        listed(&text)
    } else {
        match std::fs::metadata(fleet) {
            Ok(meta) if meta.is_dir() => found(fleet, warnings),
            Ok(_) => {
                let text = std::fs::read(fleet).map_err(|source| Error::File {
                    what: format!("cannot read the list of repositories {}", show(fleet)),
                    source,
                })?;
                listed(&text)
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(Error::Usage(format!(
                    "--fleet {}: no such file or folder (give a list of repositories, one path a line, or a folder that holds them)",
                    show(fleet)
                )));
            }
            Err(source) => {
                return Err(Error::File {
                    what: format!("cannot read {}", show(fleet)),
                    source,
                });
            }
        }
    };
    members.sort_by(|a, b| a.key.cmp(&b.key));
    members.dedup_by(|a, b| a.key == b.key);
    Ok(members)
}

/// A path for a message.
fn show(path: &Path) -> String {
    sanitize(path.as_os_str().as_encoded_bytes())
}

/// The repositories a list names: one path a line (relative ones from the current
/// directory), surrounding blanks ignored, and lines that are empty or start with `#`.
fn listed(text: &[u8]) -> Vec<Member> {
    String::from_utf8_lossy(text)
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| Member {
            key: line.to_owned(),
            path: PathBuf::from(line),
        })
        .collect()
}

/// Whether `dir` holds a repository: a work tree (it has a `.git` folder or file), or a git
/// directory (`HEAD`, `objects/` and `refs/`, as git itself checks).
pub(crate) fn is_repository(dir: &Path) -> bool {
    dir.join(".git").symlink_metadata().is_ok()
        || (dir.join("HEAD").is_file() && dir.join("objects").is_dir() && dir.join("refs").is_dir())
}

/// The repositories below `root`: each folder that holds one, never entered further (a
/// repository's own folders, nested work trees and submodules are its own business).
/// Symbolic links are not followed.
fn found(root: &Path, warnings: &mut Vec<String>) -> Vec<Member> {
    if is_repository(root) {
        return vec![Member {
            key: ".".into(),
            path: root.to_owned(),
        }];
    }
    let mut members = Vec::new();
    let mut pending: Vec<Vec<String>> = vec![Vec::new()];
    while let Some(parts) = pending.pop() {
        let dir = parts.iter().fold(root.to_owned(), |dir, part| dir.join(part));
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) => {
                warnings.push(format!("cannot search {}: {e}", show(&dir)));
                continue;
            }
        };
        for entry in entries {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    warnings.push(format!("cannot search {}: {e}", show(&dir)));
                    continue;
                }
            };
            if !entry.file_type().is_ok_and(|t| t.is_dir()) {
                continue;
            }
            let name = entry.file_name().to_string_lossy().into_owned();
            if NOT_ENTERED.contains(&name.as_str()) || name == ".git" {
                continue;
            }
            let path = entry.path();
            let mut child = parts.clone();
            child.push(name);
            if is_repository(&path) {
                members.push(Member {
                    key: child.join("/"),
                    path,
                });
            } else {
                pending.push(child);
            }
        }
    }
    members
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_skips_comments_and_blank_lines() {
        let members = listed(b"# the fleet\n\n  /srv/git/a.git  \n\t# not this\nb/c\r\n");
        let keys: Vec<&str> = members.iter().map(|m| m.key.as_str()).collect();
        assert_eq!(keys, ["/srv/git/a.git", "b/c"]);
        assert_eq!(members[1].path, PathBuf::from("b/c"));
    }
}
