//! The audit's overview in words: one line per subject (objects, checkout, largest blobs, by
//! extension, by folder, deleted paths, commits, levels of concern), each a list of parts the
//! text report wraps and the markdown report prints as it is. JSON carries the whole
//! [`Overview`].

use crate::overview::{Concern, Group, Overview};
use crate::util::{human_size, sanitize};

/// Parts of each list a line shows (all that were kept with `verbose`).
const SHOWN: usize = 3;

/// `(label, parts)` per line.
pub(crate) fn lines(o: &Overview, verbose: bool) -> Vec<(&'static str, Vec<String>)> {
    let shown = if verbose { usize::MAX } else { SHOWN };
    let mut lines = Vec::new();
    let refs = &o.refs;
    let mut kinds: Vec<String> = [
        (refs.branches, "branch", "branches"),
        (refs.tags, "tag", "tags"),
        (refs.remotes, "remote-tracking", "remote-tracking"),
        (refs.review, "pull/merge request", "pull/merge requests"),
        (refs.notes, "notes", "notes"),
        (refs.other, "other", "other"),
    ]
    .iter()
    .filter(|(n, _, _)| *n > 0)
    .map(|(n, one, many)| format!("{n} {}", if *n == 1 { one } else { many }))
    .collect();
    if kinds.is_empty() {
        kinds.push("none".into());
    }
    let mut objects = vec![
        count(o.commits.count, "commit"),
        count(o.trees.count, "tree"),
        format!(
            "{}, {} whole, {} packed",
            count(o.blobs.count, "blob"),
            human_size(o.blobs.bytes),
            human_size(o.blobs.packed)
        ),
        count(o.tags.count, "annotated tag"),
        format!("{} ({})", count(refs.total, "ref"), kinds.join(", ")),
    ];
    if o.absent_blobs > 0 {
        objects.push(format!("{} absent (partial clone)", count(o.absent_blobs, "blob")));
    }
    lines.push(("objects", objects));
    if let Some(c) = &o.checkout {
        let mut parts = vec![format!(
            "HEAD {}: {}, {}, {}",
            c.commit.to_hex_with_len(10),
            count(c.files, "file"),
            human_size(c.bytes),
            count(c.folders, "folder")
        )];
        if c.symlinks > 0 {
            parts.push(count(c.symlinks, "symbolic link"));
        }
        if c.submodules > 0 {
            parts.push(count(c.submodules, "submodule"));
        }
        if c.files > 0 {
            parts.push(format!("deepest {} ({})", c.depth, sanitize(&c.deepest)));
            parts.push(format!("longest path {} B", c.longest));
        }
        lines.push(("checkout", parts));
    }
    if !o.largest_blobs.is_empty() {
        let parts = o
            .largest_blobs
            .iter()
            .take(shown)
            .map(|b| {
                let path = if b.path.is_empty() {
                    format!("(no file path: {})", b.id.to_hex_with_len(10))
                } else {
                    sanitize(&b.path)
                };
                format!("{} {path}", human_size(b.bytes))
            })
            .collect();
        lines.push(("largest", parts));
    }
    for (label, groups) in [("by type", &o.extensions), ("by folder", &o.folders)] {
        if !groups.is_empty() {
            lines.push((label, groups.iter().take(shown).map(group).collect()));
        }
    }
    if !o.deleted.is_empty() {
        let total = &o.deleted_total;
        let mut parts = vec![format!(
            "{} the history deleted still {} {} packed ({} whole)",
            count(total.paths, "path"),
            if total.paths == 1 { "takes" } else { "take" },
            human_size(total.blobs.packed),
            human_size(total.blobs.bytes)
        )];
        parts.extend(o.deleted.iter().take(shown).map(|d| {
            format!(
                "{} {} packed ({} whole)",
                sanitize(&d.path),
                human_size(d.blobs.packed),
                human_size(d.blobs.bytes)
            )
        }));
        lines.push(("deleted", parts));
    }
    if !o.biggest_commits.is_empty() {
        let parts = o
            .biggest_commits
            .iter()
            .take(shown)
            .map(|c| {
                let day = jiff::Timestamp::from_second(c.time)
                    .map(|t| t.strftime("%Y-%m-%d").to_string())
                    .unwrap_or_else(|_| "?".into());
                format!(
                    "{} {day} added {} ({})",
                    c.id.to_hex_with_len(10),
                    human_size(c.bytes),
                    count(c.blobs, "blob")
                )
            })
            .collect();
        lines.push(("commits", parts));
    }
    let concerning: Vec<&Concern> = o.concern.iter().filter(|c| verbose || c.level >= 1.0).collect();
    lines.push((
        "concern",
        if concerning.is_empty() {
            vec!["no figure reaches git-sizer's first level (--verbose lists every level)".into()]
        } else {
            concerning.iter().map(|c| concern(c)).collect()
        },
    ));
    lines
}

/// `.json 1.2 MiB packed (40.1 MiB whole)`.
fn group(g: &Group) -> String {
    format!(
        "{} {} packed ({} whole)",
        sanitize(&g.name),
        human_size(g.blobs.packed),
        human_size(g.blobs.bytes)
    )
}

fn count(n: u64, what: &str) -> String {
    let many = match what {
        "branch" => "branches".to_owned(),
        _ => format!("{what}s"),
    };
    format!("{n} {}", if n == 1 { what } else { &many })
}

/// `largest blob 45.0 MiB **** (data/dump.sql)`: the figure, its value and stars (the level
/// itself when under one star).
fn concern(c: &Concern) -> String {
    let value = value(c);
    let stars = c.stars();
    let level = if stars.is_empty() {
        format!("level {:.2}", c.level)
    } else {
        stars
    };
    let at = c.at.as_deref().map(|at| format!(" ({at})")).unwrap_or_default();
    format!("{} {value} {level}{at}", label(c.figure))
}

/// A figure's value in its unit: bytes in KiB, MiB, GiB; a path's length in bytes; a count.
pub(super) fn value(c: &Concern) -> String {
    let bytes = matches!(
        c.figure,
        "blob-bytes" | "largest-commit" | "largest-blob" | "checkout-bytes"
    );
    if bytes {
        human_size(c.value)
    } else if c.figure == "checkout-path-length" {
        format!("{} B", c.value)
    } else {
        c.value.to_string()
    }
}

/// A figure's name for people.
pub(super) fn label(figure: &str) -> &str {
    match figure {
        "blob-bytes" => "blobs' bytes",
        "tags" => "annotated tags",
        "largest-commit" => "largest commit object",
        "most-parents" => "most parents",
        "largest-blob" => "largest blob",
        "checkout-folders" => "checkout folders",
        "checkout-depth" => "checkout path depth",
        "checkout-path-length" => "longest checkout path",
        "checkout-files" => "checkout files",
        "checkout-bytes" => "checkout bytes",
        "checkout-symlinks" => "checkout symbolic links",
        "checkout-submodules" => "checkout submodules",
        other => other,
    }
}
