//! The object walk and scan over a small repository built from the input: blobs, raw trees,
//! commits with fuzzed headers and bodies, tags, and loose objects overwritten with fuzzed
//! bytes (broken zlib, lying headers); and a push's judge over the same objects (which
//! commits no checked ref reaches, then the changes they make). Every outcome is fine but a
//! panic.
#![no_main]

use std::path::Path;

use gix::objs::{Kind, Write as _};
use libfuzzer_sys::fuzz_target;

/// The next record of the input: a tag byte, a length byte and that many bytes.
fn records(mut data: &[u8]) -> impl Iterator<Item = (u8, &[u8])> {
    std::iter::from_fn(move || {
        let (&tag, rest) = data.split_first()?;
        let (&len, rest) = rest.split_first()?;
        let n = usize::from(len).min(rest.len());
        let (body, rest) = rest.split_at(n);
        data = rest;
        Some((tag, body))
    })
}

fn loose_path(dir: &Path, id: &gix::ObjectId) -> std::path::PathBuf {
    let hex = id.to_string();
    dir.join("objects").join(&hex[..2]).join(&hex[2..])
}

fuzz_target!(|data: &[u8]| {
    let Ok(tmp) = tempfile::tempdir() else { return };
    let Ok(repo) = gix::init_bare(tmp.path()) else { return };
    let hash = repo.object_hash();
    let (mut trees, mut commits, mut written) = (vec![gix::ObjectId::empty_tree(hash)], Vec::new(), Vec::new());
    for (tag, body) in records(data) {
        let pick = |ids: &[gix::ObjectId]| ids.get(usize::from(tag) % ids.len().max(1)).copied();
        let id = match tag % 5 {
            0 => repo.objects.write_buf(Kind::Blob, body),
            // Raw tree bytes: modes, names and ids as the input has them.
            1 => repo.objects.write_buf(Kind::Tree, body),
            2 => {
                let mut commit = format!("tree {}\n", pick(&trees).unwrap_or_else(|| gix::ObjectId::empty_tree(hash)));
                if let Some(parent) = pick(&commits) {
                    commit.push_str(&format!("parent {parent}\n"));
                }
                let mut bytes = commit.into_bytes();
                bytes.extend_from_slice(body);
                repo.objects.write_buf(Kind::Commit, &bytes)
            }
            3 => {
                let mut tag_bytes = format!("object {}\ntype commit\ntag t\n", pick(&commits).unwrap_or_else(|| gix::ObjectId::empty_tree(hash))).into_bytes();
                tag_bytes.extend_from_slice(body);
                repo.objects.write_buf(Kind::Tag, &tag_bytes)
            }
            // Overwrite an object written before with the input's bytes.
            _ => {
                if let Some(victim) = pick(&written) {
                    let _ = std::fs::write(loose_path(tmp.path(), &victim), body);
                }
                continue;
            }
        };
        let Ok(id) = id else { continue };
        written.push(id);
        match tag % 5 {
            1 => trees.push(id),
            2 | 3 => commits.push(id),
            _ => {}
        }
    }
    for (i, id) in commits.iter().enumerate() {
        let _ = std::fs::write(tmp.path().join(format!("refs/heads/b{i}")), format!("{id}\n"));
    }
    let Ok(repo) = pushgate::repo::open(Some(tmp.path())) else { return };
    let policy = pushgate::policy::Policy::builtin();
    if let Ok(range) = pushgate::range::Range::parse(&repo, &[], true) {
        let _ = pushgate::scan::run(&repo, &policy, pushgate::scan::Input::Range(&range), &pushgate::progress::Silent);
    }
    // The newest commit pushed, the oldest one checked: walked by time, and through an
    // uploaded side that stops at "stored" commits.
    if let (Some(&tip), Some(&base)) = (commits.last(), commits.first()) {
        let checked = || Ok(vec![base]);
        let stored_all = |_: &gix::oid| true;
        let stored_none = |_: &gix::oid| false;
        let sides: [Option<&dyn Fn(&gix::oid) -> bool>; 3] = [None, Some(&stored_all), Some(&stored_none)];
        for stored in sides {
            let Ok(brought) = pushgate::hook::reach::unjudged(&repo, &[tip], &[], &checked, stored) else {
                continue;
            };
            let Ok(tip) = pushgate::range::classify(&repo, tip, "refs/heads/main".into()) else {
                continue;
            };
            let judged = |id: &gix::oid| !brought.commits.contains(id);
            let _ = pushgate::scan::run(
                &repo,
                &policy,
                pushgate::scan::Input::Refs {
                    tips: std::slice::from_ref(&tip),
                    old: pushgate::walk::Old::Judged {
                        judged: &judged,
                        stored: &stored_none,
                    },
                    whole_history: !brought.based,
                },
                &pushgate::progress::Silent,
            );
        }
    }
});
