//! Small helpers shared by several layers: name suggestions, byte sizes, sanitizing untrusted text.

use std::fmt::Write as _;

/// The candidate closest to `given`, if one is close enough to be a plausible typo.
pub(crate) fn closest<'a>(given: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(given, c), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// A size for people: `6.0 MiB`, `512 B`.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 6] = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS.get(unit).unwrap_or(&"EiB"))
}

/// `part` as a share of `total` for people, always with one decimal: `12.5%`, `0.0%` (also of
/// nothing). Every percentage pushgate prints is written by this.
pub(crate) fn percent(part: u64, total: u64) -> String {
    let share = if total == 0 {
        0.0
    } else {
        part as f64 * 100.0 / total as f64
    };
    format!("{share:.1}%")
}

/// Greedy word wrap; words longer than `width` stand on their own line.
pub(crate) fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split_whitespace() {
        let line = lines
            .last_mut()
            .filter(|l| l.is_empty() || l.chars().count() + 1 + word.chars().count() <= width);
        match line {
            Some(l) => {
                if !l.is_empty() {
                    l.push(' ');
                }
                l.push_str(word);
            }
            None => lines.push(word.to_owned()),
        }
    }
    lines
}

/// Make untrusted bytes (paths, ref names, messages from a push) safe to print on a terminal
/// or into a log: invalid UTF-8 becomes `\xNN`, control characters (C0, DEL, C1, including
/// ESC and newlines) become visible escapes, so nothing can move the cursor, change colours
/// or forge extra output lines.
pub fn sanitize(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                c if c.is_control() || is_bidi_control(c) => {
                    let _ = write!(out, "\\u{{{:x}}}", c as u32);
                }
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{b:02x}");
        }
    }
    out
}

/// A repository path as a relative URI reference (RFC 3986): every byte other than an
/// unreserved character or `/` is percent-encoded, so spaces, `%`, `#`, `?`, `:`, control
/// characters, non-ASCII and invalid UTF-8 all survive a round trip through a URI parser.
pub(crate) fn uri_path(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// Unicode bidirectional overrides and isolates can reorder what a terminal shows.
pub(crate) fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
}

/// Split a path into its directory and file name.
pub(crate) fn split_path(path: &gix::bstr::BStr) -> (&gix::bstr::BStr, &gix::bstr::BStr) {
    use gix::bstr::ByteSlice;
    match path.rsplit_once_str("/") {
        Some((dir, name)) => (dir.as_bstr(), name.as_bstr()),
        None => (b"".as_bstr(), path),
    }
}

/// `f` of each of `items`, in order, on up to `threads` threads (the caller's among them;
/// no more than there are items): each thread takes the next item no thread has taken yet, so
/// that a few long items do not wait for each other, and works with a state of its own that
/// `make` gives it on the calling thread (a repository handle, say, which threads cannot
/// share).
pub(crate) fn par_map_with<T: Sync, S: Send, R: Send>(
    items: &[T],
    threads: usize,
    make: impl Fn() -> S,
    f: impl Fn(&mut S, &T) -> R + Sync,
) -> Vec<R> {
    let mut own = make();
    let states: Vec<S> = (1..threads.min(items.len())).map(|_| make()).collect();
    if states.is_empty() {
        return items.iter().map(|item| f(&mut own, item)).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let work = |state: &mut S| {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(item) = items.get(i) else {
                return done;
            };
            done.push((i, f(state, item)));
        }
    };
    let mut all: Vec<(usize, R)> = std::thread::scope(|scope| {
        let others: Vec<_> = states
            .into_iter()
            .map(|mut state| scope.spawn(move || work(&mut state)))
            .collect();
        let mut all = work(&mut own);
        for other in others {
            match other.join() {
                Ok(done) => all.extend(done),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        all
    });
    all.sort_unstable_by_key(|(i, _)| *i);
    all.into_iter().map(|(_, r)| r).collect()
}

/// How many threads a piece of work of `size` items is worth: one below `from`, else as many
/// as the machine runs at once, up to four.
pub(crate) fn threads_for(size: usize, from: usize) -> usize {
    if size < from {
        1
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
    }
}

/// A path with its digit runs folded into a template: `2023/2023-04/db-2023-04-03.db` →
/// `#/#/db-#.db`, dates and times one part; paths and messages that differ only in numbers
/// share it. (A glob that matches such names is the audit's `digits_to_glob`.)
pub(crate) fn fold_digits(path: &[u8]) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_run = false;
    for c in gix::bstr::ByteSlice::to_str_lossy(path).chars() {
        if c.is_ascii_digit() {
            if !in_run {
                out.push('#');
            }
            in_run = true;
        } else {
            in_run = false;
            out.push(c);
        }
    }
    // `#-#-#` → `#`: dates and times are one part.
    let mut folded = out;
    for sep in ["#-#", "#_#", "#.#", "#:#"] {
        while folded.contains(sep) {
            folded = folded.replace(sep, "#");
        }
    }
    folded
}

/// `word` as one word for a POSIX shell, the one quoting every printed command uses.
///
/// As it is when it is not empty, every character is in a conservative safe set (ASCII
/// letters and digits and `_ . / : = @ % + , -`) and it does not start with `-`; otherwise in
/// single quotes, each `'` written `'\''`, which `sh` reads back byte for byte. Quoting never
/// makes a word that starts with `-` anything but an option to the command that reads it, so
/// every printed command that takes paths puts `--` before them; the quotes only mark such a
/// word. A word that a line cannot show (a control or bidi character, bytes that are not
/// UTF-8) has no single-quoted spelling that prints safely, and is written `$'…'` with each
/// such byte as `\xHH` (bash, zsh, ksh and POSIX.1-2024 shells read it).
pub fn shell_quote(word: impl AsRef<[u8]>) -> String {
    let bytes = word.as_ref();
    match std::str::from_utf8(bytes) {
        Ok(text) if !text.chars().any(|c| c.is_control() || is_bidi_control(c)) => {
            let safe = |c: char| c.is_ascii_alphanumeric() || "_./:=@%+,-".contains(c);
            if !text.is_empty() && text.chars().all(safe) && !text.starts_with('-') {
                text.to_owned()
            } else {
                format!("'{}'", text.replace('\'', r"'\''"))
            }
        }
        _ => {
            let mut out = String::from("$'");
            for &b in bytes {
                match b {
                    b'\'' => out.push_str("\\'"),
                    b'\\' => out.push_str("\\\\"),
                    b' '..=b'~' => out.push(char::from(b)),
                    _ => out.push_str(&format!("\\x{b:02x}")),
                }
            }
            out.push('\'');
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_quote_leaves_safe_words_and_quotes_the_rest() {
        assert_eq!(shell_quote("db/app.sqlite"), "db/app.sqlite");
        assert_eq!(shell_quote("a_b.c:d=e@f%g+h,i-j"), "a_b.c:d=e@f%g+h,i-j");
        assert_eq!(shell_quote(""), "''");
        assert_eq!(shell_quote("-rf"), "'-rf'");
        assert_eq!(shell_quote("my file.sql"), "'my file.sql'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote("$(rm -rf ~)"), "'$(rm -rf ~)'");
        assert_eq!(shell_quote("*.sql"), "'*.sql'");
        assert_eq!(shell_quote("caf\u{e9}.sql"), "'caf\u{e9}.sql'");
        assert_eq!(shell_quote(b"bell\x07\x1b[2J'\\.sql"), r"$'bell\x07\x1b[2J\'\\.sql'");
        assert_eq!(shell_quote("caf\u{e9}\u{202e}.sql"), r"$'caf\xc3\xa9\xe2\x80\xae.sql'");
        assert_eq!(shell_quote(b"a\xffb"), r"$'a\xffb'");
    }

    #[test]
    fn shell_quote_reads_back_through_sh() {
        for word in [
            "plain",
            "two words",
            "it's",
            "$(x) `y` \\z \"q\"",
            "-n",
            "caf\u{e9}",
            "*?[a]",
            "~user",
            "a\tb",
        ] {
            let quoted = shell_quote(word);
            if quoted.starts_with("$'") {
                continue;
            }
            let out = std::process::Command::new("sh")
                .args(["-c", &format!("printf '%s' {quoted}")])
                .output()
                .map(|o| o.stdout)
                .unwrap_or_default();
            assert_eq!(out, word.as_bytes(), "{quoted}");
        }
    }

    #[test]
    fn closest_finds_typos_only() {
        assert_eq!(closest("fail_onn", ["fail_on", "mode", "version"]), Some("fail_on"));
        assert_eq!(closest("large-blobs", ["large-blob", "log-file"]), Some("large-blob"));
        assert_eq!(closest("zzz", ["fail_on", "mode"]), None);
    }

    #[test]
    fn wraps_at_word_boundaries() {
        assert_eq!(wrap("a bb  ccc\n dddd", 6), ["a bb", "ccc", "dddd"]);
        assert_eq!(wrap("", 6), [""]);
        assert_eq!(wrap("toolongword x", 4), ["toolongword", "x"]);
    }

    #[test]
    fn percentages_have_one_decimal() {
        assert_eq!(percent(0, 0), "0.0%");
        assert_eq!(percent(0, 10), "0.0%");
        assert_eq!(percent(1, 8), "12.5%");
        assert_eq!(percent(10, 10), "100.0%");
    }

    #[test]
    fn human_sizes() {
        assert_eq!(human_size(0), "0 B");
        assert_eq!(human_size(1023), "1023 B");
        assert_eq!(human_size(6 * 1024 * 1024), "6.0 MiB");
        assert_eq!(human_size(3 * 1024 * 1024 * 1024 / 2), "1.5 GiB");
    }

    #[test]
    fn uri_paths_are_percent_encoded() {
        assert_eq!(uri_path(b"src/main.rs"), "src/main.rs");
        assert_eq!(uri_path(b"a b/100%,c:d#e?.bak"), "a%20b/100%25%2Cc%3Ad%23e%3F.bak");
        assert_eq!(uri_path("caf\u{e9}".as_bytes()), "caf%C3%A9");
        assert_eq!(uri_path(b"bad\xff\n\x1b"), "bad%FF%0A%1B");
    }

    #[test]
    fn sanitize_neutralizes_control_sequences() {
        assert_eq!(sanitize(b"plain/path.txt"), "plain/path.txt");
        assert_eq!(sanitize(b"a\x1b[31mred\nb"), "a\\u{1b}[31mred\\nb");
        assert_eq!(sanitize(b"bad\xffutf8"), "bad\\xffutf8");
        assert_eq!(sanitize("caf\u{e9}".as_bytes()), "caf\u{e9}");
        assert_eq!(sanitize("x\u{202e}y".as_bytes()), "x\\u{202e}y");
        assert_eq!(sanitize(b"\x9b"), "\\x9b");
        assert_eq!(sanitize("\u{9b}".as_bytes()), "\\u{9b}");
    }

    #[test]
    fn par_map_with_keeps_the_order_and_gives_each_thread_its_state() {
        let items: Vec<u64> = (0..1000).collect();
        for threads in [0, 1, 2, 3, 8] {
            let made = std::sync::atomic::AtomicUsize::new(0);
            let make = || made.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let out = super::par_map_with(&items, threads, make, |state, &n| (n * n, *state));
            assert_eq!(
                out.iter().map(|o| o.0).collect::<Vec<_>>(),
                items.iter().map(|n| n * n).collect::<Vec<_>>()
            );
            assert_eq!(made.into_inner(), threads.max(1), "a state per thread");
            assert!(out.iter().all(|o| o.1 < threads.max(1)), "{threads}");
        }
        assert!(super::par_map_with(&[] as &[u8], 2, || (), |_, _| 1).is_empty());
        assert_eq!(super::par_map_with(&[5u8], 4, || (), |_, n| *n), vec![5]);
    }
}
