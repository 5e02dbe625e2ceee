//! The pack reader and the audit over a packed repository whose pack file the input corrupts:
//! bytes overwritten anywhere after the header (entry headers, sizes, delta bases, zlib
//! streams), or the pack cut short. The pack index stays valid, so every entry is reached.
//! Every outcome is fine but a panic, a hang or unbounded memory.
#![no_main]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

/// A repository built once with git: text files, a file rewritten often enough to be stored
/// as deltas, a larger file, and a tag, all packed with delta chains.
fn template() -> Option<&'static Path> {
    static TEMPLATE: OnceLock<Option<tempfile::TempDir>> = OnceLock::new();
    TEMPLATE
        .get_or_init(|| {
            let dir = tempfile::tempdir().ok()?;
            let git = |args: &[&str]| {
                Command::new("git")
                    .arg("-C")
                    .arg(dir.path())
                    .args(["-c", "user.name=f", "-c", "user.email=f@example.com"])
                    .args(args)
                    .env("GIT_CONFIG_NOSYSTEM", "1")
                    .env("GIT_CONFIG_GLOBAL", "/dev/null")
                    .output()
                    .ok()
                    .filter(|o| o.status.success())
            };
            git(&["init", "-q", "-b", "main"])?;
            for i in 0..12u32 {
                let rows: String = (0..200).map(|r| format!("{{\"row\": {r}, \"run\": {i}}}\n")).collect();
                std::fs::write(dir.path().join("data.json"), rows).ok()?;
                std::fs::write(dir.path().join(format!("notes-{}.txt", i % 3)), format!("note {i}\n")).ok()?;
                if i == 5 {
                    std::fs::write(dir.path().join("app.log"), "2024-01-01T00:00:00 start\n".repeat(300)).ok()?;
                }
                git(&["add", "-A"])?;
                git(&["commit", "-q", "-m", &format!("Latest data: run {i}")])?;
            }
            git(&["tag", "v1", "HEAD~3"])?;
            git(&["repack", "-adq", "--depth=8"])?;
            Some(dir)
        })
        .as_ref()
        .map(|d| d.path())
}

fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

fn pack_file(repo: &Path) -> Option<PathBuf> {
    std::fs::read_dir(repo.join(".git/objects/pack"))
        .ok()?
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "pack"))
}

fuzz_target!(|data: &[u8]| {
    let Some(template) = template() else { return };
    let Ok(tmp) = tempfile::tempdir() else { return };
    if copy_tree(template, tmp.path()).is_err() {
        return;
    }
    let Some(pack) = pack_file(tmp.path()) else { return };
    let Ok(mut bytes) = std::fs::read(&pack) else { return };
    // The 12-byte header stays: a pack whose header disagrees with its index is refused
    // before any entry is read.
    let body = bytes.len().saturating_sub(12).max(1);
    let (mode, edits) = data.split_first().unwrap_or((&0, &[]));
    for edit in edits.chunks_exact(3) {
        if let [lo, hi, value] = edit {
            let at = 12 + usize::from(u16::from_le_bytes([*lo, *hi])) * 7 % body;
            if let Some(byte) = bytes.get_mut(at) {
                *byte = *value;
            }
        }
    }
    if mode % 4 == 0 {
        let keep = 12 + usize::from(*edits.first().unwrap_or(&0)) * body / 256;
        bytes.truncate(keep);
    }
    if std::fs::write(&pack, &bytes).is_err() {
        return;
    }
    let Ok(repo) = pushgate::repo::open(Some(tmp.path())) else {
        return;
    };
    if let Ok(packs) = pushgate::packs::Packs::read(&repo, 1024, 5) {
        let mut ids = Vec::new();
        packs.each(|id, _, _, _| ids.push(id));
        for id in &ids {
            let _ = packs.header(id);
            if let Some(at) = packs.locate(id) {
                let _ = packs.prefix(id, at, 64);
            }
        }
    }
    let policy = pushgate::policy::Policy::builtin();
    let options = pushgate::audit::Options {
        include_unreachable: mode & 1 == 1,
    };
    let _ = pushgate::audit::audit(&repo, &policy, options, &pushgate::progress::Silent);
});
