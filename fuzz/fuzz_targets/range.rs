//! Revision arguments (`A..B`, `A...B`, `^A`, `--not`, `--all`, anything else) against a small
//! repository: a range or an error, never a panic; a range holds only objects the repository
//! has, hides only commits, and an error names no control character.
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use gix::objs::{Kind, Write as _};
use libfuzzer_sys::fuzz_target;

/// `main` (c0 ← c1), `feature` (c1 ← c2), an annotated tag of c1, a lightweight tag of a
/// blob, and `HEAD` on `main`.
fn repository() -> Option<tempfile::TempDir> {
    let tmp = tempfile::tempdir().ok()?;
    let repo = gix::init_bare(tmp.path()).ok()?;
    let tree = gix::ObjectId::empty_tree(repo.object_hash());
    let signature = "A <a@example.com> 946684800 +0000";
    let commit = |parent: Option<gix::ObjectId>, message: &str| {
        let mut text = format!("tree {tree}\n");
        if let Some(p) = parent {
            text.push_str(&format!("parent {p}\n"));
        }
        text.push_str(&format!("author {signature}\ncommitter {signature}\n\n{message}\n"));
        repo.objects.write_buf(Kind::Commit, text.as_bytes()).ok()
    };
    let c0 = commit(None, "c0")?;
    let c1 = commit(Some(c0), "c1")?;
    let c2 = commit(Some(c1), "c2")?;
    let tag = format!("object {c1}\ntype commit\ntag v1\ntagger {signature}\n\nv1\n");
    let tag = repo.objects.write_buf(Kind::Tag, tag.as_bytes()).ok()?;
    let blob = repo.objects.write_buf(Kind::Blob, b"a blob\n").ok()?;
    let write = |name: &str, id: gix::ObjectId| std::fs::write(tmp.path().join(name), format!("{id}\n")).ok();
    std::fs::create_dir_all(tmp.path().join("refs/tags")).ok()?;
    write("refs/heads/main", c1)?;
    write("refs/heads/feature", c2)?;
    write("refs/tags/v1", tag)?;
    write("refs/tags/blob", blob)?;
    std::fs::write(tmp.path().join("HEAD"), "ref: refs/heads/main\n").ok()?;
    Some(tmp)
}

fn path() -> Option<&'static Path> {
    static REPO: OnceLock<Option<tempfile::TempDir>> = OnceLock::new();
    REPO.get_or_init(repository).as_ref().map(|d| d.path())
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let Some(path) = path() else { return };
    let Ok(repo) = pushgate::repo::open(Some(path)) else {
        return;
    };
    let args: Vec<String> = rest
        .split(|&b| b == b'\n')
        .take(16)
        .map(|a| String::from_utf8_lossy(a).into_owned())
        .collect();
    match pushgate::range::Range::parse(&repo, &args, flags & 1 == 1) {
        Ok(range) => {
            for tip in &range.tips {
                assert!(repo.has_object(tip.id), "tip {} is not in the repository", tip.id);
            }
            for id in &range.hidden {
                let kind = repo.find_object(*id).map(|o| o.kind);
                assert!(matches!(kind, Ok(Kind::Commit)), "hidden {id} is not a commit");
            }
        }
        Err(e) => assert!(!e.to_string().chars().any(char::is_control), "{e}"),
    }
});
