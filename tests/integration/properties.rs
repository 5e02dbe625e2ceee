//! Property tests for the parsers that read untrusted input: hook standard input, sizes,
//! policy files, commit messages, and the sanitizer that stands between pushed bytes and a
//! terminal; and for the job classifier that reads the message templates.
//! Case counts are kept modest so the suite stays fast; the fuzz targets in `fuzz/` run the
//! same entry points for as long as one likes.

use gix::ObjectId;
use gix::hash::Kind;
use proptest::prelude::*;
use pushgate::history::Facts;
use pushgate::history::commit::Commit;
use pushgate::history::jobs::Jobs;
use pushgate::history::message::{template, words};
use pushgate::hook::input::{PushUpdate, RefUpdate, parse_pre_push, parse_pre_receive};
use pushgate::policy::{Policy, PolicyError, Size, Source};
use pushgate::util::sanitize;

/// The classifier over the facts of `commits`.
fn classify(commits: &[Commit]) -> Jobs {
    pushgate::history::jobs::classify(&Facts::of_commits(Kind::Sha1, commits))
}

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![Just(Kind::Sha1), Just(Kind::Sha256)]
}

/// An object id of `kind`, or none (all zeros) one time in four.
fn oid(kind: Kind) -> impl Strategy<Value = Option<ObjectId>> {
    let len = kind.len_in_bytes();
    prop_oneof![
        1 => Just(None),
        3 => proptest::collection::vec(any::<u8>(), len)
            .prop_filter("not the null id", |b| b.iter().any(|x| *x != 0))
            .prop_map(|b| Some(ObjectId::from_bytes_or_panic(&b))),
    ]
}

fn hex(id: &Option<ObjectId>, kind: Kind) -> String {
    match id {
        Some(id) => id.to_string(),
        None => ObjectId::null(kind).to_string(),
    }
}

fn ref_name() -> impl Strategy<Value = String> {
    "refs/(heads|tags|notes)/[a-zA-Z0-9_-]{1,12}(/[a-zA-Z0-9_-]{1,12}){0,2}"
}

/// Lines joined with `\n` or `\r\n`, with or without a final line end.
fn join(lines: &[String], crlf: bool, trailing: bool) -> String {
    let end = if crlf { "\r\n" } else { "\n" };
    let mut text = lines.join(end);
    if trailing && !lines.is_empty() {
        text.push_str(end);
    }
    text
}

/// Bytes that look like hook input often enough to reach past the field count.
fn hookish_bytes() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b"0000000000000000000000000000000000000000".to_vec()),
        Just(b"1111111111111111111111111111111111111111".to_vec()),
        Just(vec![b'a'; 64]),
        Just(b" ".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"refs/heads/main".to_vec()),
        Just(b"(delete)".to_vec()),
        Just(b"\x1b[2J".to_vec()),
        proptest::collection::vec(any::<u8>(), 0..16),
    ];
    proptest::collection::vec(piece, 0..24).prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn hook_parsers_never_panic(bytes in prop_oneof![hookish_bytes(), proptest::collection::vec(any::<u8>(), 0..256)], kind in kind()) {
        let lines = bytes.split(|b| *b == b'\n').count();
        for result in [
            parse_pre_receive(&bytes, kind).map(|u| u.len()),
            parse_pre_push(&bytes, kind).map(|u| u.len()),
        ] {
            match result {
                Ok(n) => prop_assert!(n <= lines),
                Err(e) => {
                    prop_assert!(e.line >= 1 && e.line <= lines, "{e}");
                    let text = e.to_string();
                    prop_assert!(!text.chars().any(char::is_control), "{text:?}");
                }
            }
        }
    }

    #[test]
    fn pre_receive_lines_round_trip(
        (kind, updates) in kind().prop_flat_map(|k| (Just(k), proptest::collection::vec((oid(k), oid(k), ref_name()), 0..8))),
        crlf in any::<bool>(),
        trailing in any::<bool>(),
    ) {
        let lines: Vec<String> = updates
            .iter()
            .map(|(old, new, name)| format!("{} {} {name}", hex(old, kind), hex(new, kind)))
            .collect();
        let parsed = parse_pre_receive(join(&lines, crlf, trailing).as_bytes(), kind);
        let want: Vec<RefUpdate> = updates
            .into_iter()
            .map(|(old, new, name)| RefUpdate { old, new, name: name.into() })
            .collect();
        prop_assert_eq!(parsed.map_err(|e| e.to_string()), Ok(want));
    }

    #[test]
    fn pre_push_lines_round_trip(
        (kind, updates) in kind().prop_flat_map(|k| (Just(k), proptest::collection::vec((ref_name(), oid(k), ref_name(), oid(k)), 0..8))),
        crlf in any::<bool>(),
        trailing in any::<bool>(),
    ) {
        let lines: Vec<String> = updates
            .iter()
            .map(|(l, lo, r, ro)| format!("{l} {} {r} {}", hex(lo, kind), hex(ro, kind)))
            .collect();
        let parsed = parse_pre_push(join(&lines, crlf, trailing).as_bytes(), kind);
        let want: Vec<PushUpdate> = updates
            .into_iter()
            .map(|(l, local, r, remote)| PushUpdate { local_ref: l.into(), local, remote_ref: r.into(), remote })
            .collect();
        prop_assert_eq!(parsed.map_err(|e| e.to_string()), Ok(want));
    }

    #[test]
    fn a_wrong_hash_length_is_always_refused(updates in proptest::collection::vec((oid(Kind::Sha256), ref_name()), 1..4)) {
        let text: String = updates
            .iter()
            .map(|(id, name)| format!("{} {} {name}\n", hex(id, Kind::Sha256), hex(&None, Kind::Sha256)))
            .collect();
        prop_assert!(parse_pre_receive(text.as_bytes(), Kind::Sha1).is_err());
    }

    #[test]
    fn size_parser_never_panics(s in prop_oneof![any::<String>(), "[0-9]{0,25} ?(b|kb|mb|gb|tb|kib|mib|gib|tib|k|m|KiB|MB|x)?"]) {
        if let Ok(size) = s.parse::<Size>() {
            // Whatever parses prints as something that parses to the same size.
            prop_assert_eq!(size.to_string().parse::<Size>(), Ok(size));
        }
    }

    #[test]
    fn sizes_round_trip_and_overflow_is_an_error(
        n in any::<u64>(),
        unit in prop_oneof![
            Just(("", 1u64)), Just(("B", 1)), Just(("KB", 1_000)), Just(("MB", 1_000_000)),
            Just(("GB", 1_000_000_000)), Just(("TB", 1_000_000_000_000)),
            Just(("KiB", 1 << 10)), Just(("MiB", 1 << 20)), Just(("GiB", 1 << 30)), Just(("TiB", 1 << 40)),
        ],
        small in 0u64..100_000,
    ) {
        prop_assert_eq!(Size(n).to_string().parse::<Size>(), Ok(Size(n)));
        for count in [n, small] {
            let text = format!("{count}{}", unit.0);
            match count.checked_mul(unit.1) {
                Some(bytes) => prop_assert_eq!(text.parse::<Size>(), Ok(Size(bytes))),
                None => {
                    let e = text.parse::<Size>().expect_err("overflow");
                    prop_assert!(e.contains("too large"), "{e}");
                }
            }
        }
    }

    #[test]
    fn sanitize_leaves_no_control_characters(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let out = sanitize(&bytes);
        prop_assert!(!out.chars().any(char::is_control), "{out:?}");
        let dangerous = |c: char| matches!(c, '\u{1b}' | '\u{9b}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
        prop_assert!(!out.chars().any(dangerous), "{:?}", out);
        // Nothing is dropped: every input byte shows up, escaped or as itself.
        prop_assert!(out.len() >= bytes.len());
    }

    #[test]
    fn sanitize_keeps_printable_text(text in "[ -~\u{a0}-\u{5ff}\u{4e00}-\u{4fff}]{0,200}") {
        prop_assert_eq!(sanitize(text.as_bytes()), text);
    }
}

/// TOML-ish text: keys and tables of the schema, values of every kind, and junk.
fn tomlish() -> impl Strategy<Value = String> {
    let key = prop_oneof![
        Just("version"),
        Just("fail_on"),
        Just("mode"),
        Just("lookback_commits"),
        Just("lookback_days"),
        Just("rules.large-blob.warn_size"),
        Just("rules.large-blob.level"),
        Just("rules.backup-file.paths"),
        Just("refs.include"),
        Just("hook.timeout"),
        Just("hook.on_error"),
        Just("bypass.enabled"),
        Just("unknown_key"),
    ];
    let value = prop_oneof![
        Just("1".to_owned()),
        Just("0".to_owned()),
        Just("-1".to_owned()),
        Just("99999999999999999999".to_owned()),
        Just("\"deny\"".to_owned()),
        Just("\"5MiB\"".to_owned()),
        Just("\"5XB\"".to_owned()),
        Just("[\"*.log\", \"a[b\"]".to_owned()),
        Just("true".to_owned()),
        Just("{ a = 1 }".to_owned()),
        Just("[[[[[[1]]]]]]".to_owned()),
        "[ -~]{0,12}",
    ];
    let line = prop_oneof![
        4 => (key, value).prop_map(|(k, v)| format!("{k} = {v}")),
        1 => Just("[rules.large-blob]".to_owned()),
        1 => Just("[[allow]]".to_owned()),
        1 => Just("reason = \"x\"".to_owned()),
        1 => "[ -~]{0,30}",
    ];
    proptest::collection::vec(line, 0..8).prop_map(|l| l.join("\n"))
}

proptest! {
    #![proptest_config(config(128))]

    #[test]
    fn policy_loader_never_panics_and_errors_have_a_location(
        text in prop_oneof![tomlish(), any::<String>()]
    ) {
        match Policy::from_text(&text, Source::Flag("p.toml".into())) {
            Ok(policy) => prop_assert_eq!(policy.file.version, 1),
            Err(PolicyError::Invalid { file, location, message }) => {
                prop_assert_eq!(file.to_str(), Some("p.toml"));
                prop_assert!(!message.is_empty());
                let (line, col) = location.ok_or_else(|| TestCaseError::fail(format!("no location: {message}\n{text}")))?;
                prop_assert!(line >= 1 && col >= 1);
                prop_assert!(line <= text.lines().count().max(1) + 1, "line {line} past the end: {message}\n{text}");
            }
            Err(other) => prop_assert!(false, "unexpected error {other}"),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Commit message templates and the job classifier.
// ---------------------------------------------------------------------------------------------

/// Bytes that look like commit subjects often enough to reach the folding: numbers, dates,
/// hex ids, date words, diff words, emojis, multi-byte characters, blank lines and junk.
fn messagey_bytes() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b" ".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"\t".to_vec()),
        Just(b"Latest data: ".to_vec()),
        Just(b"Sat Mar  4 05:09:26 UTC 2023".to_vec()),
        Just(b"2024-01-01T10:00:00Z".to_vec()),
        Just(b"Mon, 02 Jan 2006 15:04:05 -0700".to_vec()),
        Just(b"3 rows added, 1 row removed".to_vec()),
        Just(b"rows".to_vec()),
        Just(b"changed".to_vec()),
        Just(b"3f2a1b9c0d".to_vec()),
        Just(b"deadbeefcafe".to_vec()),
        Just("\u{1f7e9}".as_bytes().to_vec()),
        Just("mi\u{e9}rcoles \u{130} \u{df} \u{3000} \u{a0}".as_bytes().to_vec()),
        Just(b"\xff\xfe\xc3".to_vec()),
        Just(b"-:./+,".to_vec()),
        "[0-9]{1,12}".prop_map(String::into_bytes),
        "[a-zA-Z]{1,10}".prop_map(String::into_bytes),
        proptest::collection::vec(any::<u8>(), 0..16),
    ];
    proptest::collection::vec(piece, 0..40).prop_map(|p| p.concat())
}

/// What every template is: no ASCII digit, no whitespace at either end, no double spaces,
/// and words that are words.
fn check_template(t: &str) -> Result<(), TestCaseError> {
    prop_assert!(!t.bytes().any(|b| b.is_ascii_digit()), "digit in {t:?}");
    prop_assert_eq!(t.trim(), t, "whitespace at an end of {:?}", t);
    prop_assert!(!t.contains("  "), "double space in {t:?}");
    for w in words(t) {
        prop_assert!(!w.is_empty() && w != "#", "word {w:?} of {t:?}");
        prop_assert!(t.contains(w));
    }
    Ok(())
}

/// A subject with `{}` where a run writes its numbers, filled twice with different numbers:
/// up to `parts` pieces of text, with pieces of 20–80 bytes when `long`.
fn numbered_subject(parts: usize, long: bool) -> impl Strategy<Value = (String, String)> {
    let piece = prop_oneof![
        3 => "[a-zA-Z]{1,10}",
        2 => Just(" ".to_owned()),
        1 => "[-:./+,()\\[\\]#_]",
        1 => Just("\u{1f7e9}".to_owned()),
        1 => Just("v".to_owned()),
        if long { 2 } else { 0 } => "[a-z ]{20,80}",
    ];
    (
        proptest::collection::vec(piece, 0..parts),
        proptest::collection::vec((any::<proptest::sample::Index>(), any::<u32>(), any::<u32>()), 1..6),
    )
        .prop_map(|(parts, holes)| {
            let mut parts: Vec<(String, Option<(u32, u32)>)> = parts.into_iter().map(|p| (p, None)).collect();
            for (at, a, b) in holes {
                let i = at.index(parts.len() + 1);
                parts.insert(i, (String::new(), Some((a, b))));
            }
            let fill = |pick: fn((u32, u32)) -> u32| -> String {
                parts
                    .iter()
                    .map(|(p, n)| match n {
                        Some(n) => pick(*n).to_string(),
                        None => p.clone(),
                    })
                    .collect()
            };
            (fill(|n| n.0), fill(|n| n.1))
        })
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn template_never_panics_and_has_no_digits(
        bytes in prop_oneof![messagey_bytes(), proptest::collection::vec(any::<u8>(), 0..512)]
    ) {
        check_template(&template(&bytes))?;
    }

    #[test]
    fn template_is_blind_to_the_digits_of_numbers(
        (one, other) in numbered_subject(24, false),
        tail in any::<String>(),
    ) {
        // At most 24 parts of 10 bytes and 5 numbers of 10 digits: under the 400 bytes of a
        // line the template reads.
        prop_assert!(one.len() < 400 && other.len() < 400);
        let t = template(one.as_bytes());
        check_template(&t)?;
        prop_assert_eq!(&t, &template(other.as_bytes()), "{:?} vs {:?}", one, other);
        // What follows the subject does not count either.
        let with_tail = format!("{one}\n{tail}");
        prop_assert_eq!(&t, &template(with_tail.as_bytes()));
    }

    /// The same on subjects longer than the 400 bytes the template reads. Fails today:
    /// `template` cuts the line at byte 400 *before* folding, so a number one digit wider
    /// moves the cut and changes the last word (`Update 1: file.json × 45` gives `… file.json`,
    /// `Update 1000: …` gives `… file.js`): one job's long lines become several templates.
    #[test]

    fn template_of_a_long_subject_is_blind_to_the_digits_of_numbers((one, other) in numbered_subject(80, true)) {
        let t = template(one.as_bytes());
        check_template(&t)?;
        prop_assert_eq!(&t, &template(other.as_bytes()), "{:?} vs {:?}", one, other);
    }

    #[test]
    fn only_the_first_non_blank_line_counts(
        blank in "[ \t\r\n]{0,8}",
        first in "[^\n]{0,80}".prop_filter("a non-blank first line", |l| !l.trim_matches(|c: char| c.is_ascii_whitespace()).is_empty()),
        rest in prop_oneof![messagey_bytes(), proptest::collection::vec(any::<u8>(), 0..256)],
    ) {
        let alone = template(first.as_bytes());
        let mut message = format!("{blank}{first}\n").into_bytes();
        // Leading blank lines end at a line end; lines of blanks alone are skipped.
        if !blank.is_empty() {
            message = format!("{blank}\n{first}\n").into_bytes();
        }
        message.extend_from_slice(&rest);
        prop_assert_eq!(template(&message), alone);
    }
}

proptest! {
    #![proptest_config(config(16))]

    #[test]
    fn template_of_huge_input_never_panics(
        bytes in prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..200_000),
            (0usize..200_000, any::<u8>()).prop_map(|(n, b)| vec![b; n]),
            (0usize..50_000).prop_map(|n| "\u{1f7e9}9 ".repeat(n).into_bytes()),
            (0usize..200_000).prop_map(|n| {
                let mut v = vec![b'\n'; n];
                v.extend_from_slice("\u{130}".repeat(300).as_bytes());
                v
            }),
        ]
    ) {
        check_template(&template(&bytes))?;
    }
}

fn null() -> ObjectId {
    ObjectId::null(Kind::Sha1)
}

fn commit(identity: &str, message: &str, time: i64, parents: usize) -> Commit {
    Commit {
        id: null(),
        tree: null(),
        parents: vec![null(); parents],
        time,
        authored: time,
        identity: identity.to_owned(),
        template: template(message.as_bytes()),
    }
}

const VERBS: &[&str] = &[
    "Fix", "Add", "Tidy", "Speed up", "Document", "Rename", "Refactor", "Test", "Simplify", "Remove", "Split",
    "Inline", "Cache", "Validate", "Explain",
];
const NOUNS: &[&str] = &[
    "parser", "totals", "login", "cache", "retries", "docs", "schema", "paging", "lexer", "config", "router",
    "exporter", "importer", "queue", "index",
];

/// A word of a vocabulary of 125,000 (three syllables of consonants that are no hex digit),
/// kept only when the template leaves it alone (no date word, no hex id).
fn plain_word() -> impl Strategy<Value = String> {
    "[klmnprstvz][aeiou][klmnprstvz][aeiou][klmnprstvz][aeiou]"
}

/// People: a few identities, each message about something new.
fn people() -> impl Strategy<Value = Vec<Commit>> {
    (4usize..=12, 10usize..=80).prop_flat_map(|(who, n)| {
        (
            proptest::collection::vec((0..who, 0..VERBS.len(), 0..NOUNS.len()), n),
            proptest::collection::hash_set(plain_word(), n).prop_filter("words the template keeps", |ws| {
                ws.iter().all(|w| template(w.as_bytes()) == *w)
            }),
        )
            .prop_map(|(picks, vocabulary)| {
                picks
                    .into_iter()
                    .zip(vocabulary)
                    .enumerate()
                    .map(|(i, ((who, verb, noun), word))| {
                        commit(
                            &format!("dev{who}@x"),
                            &format!("{} the {} for {word}", VERBS[verb], NOUNS[noun]),
                            i as i64 * 600,
                            1,
                        )
                    })
                    .collect()
            })
    })
}

const PACKAGES: &[&str] = &["serde", "tokio", "clap"];

/// A dependency bot: one identity, version bumps of three packages.
fn dependency_bot() -> impl Strategy<Value = Vec<Commit>> {
    proptest::collection::vec((0..PACKAGES.len(), any::<[u16; 6]>()), 20..=100).prop_map(|bumps| {
        bumps
            .into_iter()
            .enumerate()
            .map(|(i, (pkg, [a, b, c, d, e, f]))| {
                commit(
                    "dependabot[bot]@x",
                    &format!("Bump {} from {a}.{b}.{c} to {d}.{e}.{f}", PACKAGES[pkg]),
                    i as i64 * 86_400,
                    1,
                )
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(config(64))]

    #[test]
    fn people_are_never_jobs(commits in people()) {
        let jobs = classify(&commits);
        prop_assert_eq!(jobs.machine.len(), commits.len());
        let machine: Vec<&str> = commits.iter().zip(&jobs.machine).filter(|(_, m)| **m).map(|(c, _)| c.template.as_str()).collect();
        prop_assert!(machine.is_empty(), "taken for a job: {:?}", machine);
    }

    /// Fails today for bots of 20–47 commits where one package has fewer than 8 bumps (e.g.
    /// 20 bumps: serde 10, tokio 5, clap 5 → only the serde ones are a job's): a family counts
    /// from 8 commits, and the vocabulary rule (1 word per 8 commits) needs 6 × 8 = 48 commits
    /// for the 6 words `bump from to serde tokio clap`. From 48 commits on it holds.
    #[test]

    fn a_dependency_bot_is_a_job(commits in dependency_bot()) {
        let jobs = classify(&commits);
        prop_assert_eq!(jobs.machine.len(), commits.len());
        let people: Vec<&str> = commits.iter().zip(&jobs.machine).filter(|(_, m)| !**m).map(|(c, _)| c.template.as_str()).collect();
        prop_assert!(people.is_empty(), "{} of {} bumps not taken for a job: {:?}; families {:?}", people.len(), commits.len(), people, jobs.family_size);
    }

    #[test]
    fn merges_are_never_jobs(
        (mut commits, merges) in prop_oneof![people(), dependency_bot(), (8usize..60).prop_map(|n| vec![commit("a@b", "Merge branch 'main'", 0, 1); n])]
            .prop_flat_map(|c| { let n = c.len(); (Just(c), proptest::collection::vec(any::<bool>(), n)) }),
        extra in 2usize..4,
    ) {
        for (c, merge) in commits.iter_mut().zip(&merges) {
            if *merge {
                c.parents = vec![null(); extra];
            }
        }
        let jobs = classify(&commits);
        prop_assert_eq!(jobs.machine.len(), commits.len());
        for (i, c) in commits.iter().enumerate() {
            if c.parents.len() > 1 {
                prop_assert!(!jobs.machine[i], "merge {i} ({:?}) taken for a job", c.template);
            }
        }
    }
}
