//! Property tests for the parsers that read untrusted input: hook standard input, sizes,
//! policy files, and the sanitizer that stands between pushed bytes and a terminal.
//! Case counts are kept modest so the suite stays fast; the fuzz targets in `fuzz/` run the
//! same entry points for as long as one likes.

use gix::ObjectId;
use gix::hash::Kind;
use proptest::prelude::*;
use pushgate::hook::input::{PushUpdate, RefUpdate, parse_pre_push, parse_pre_receive};
use pushgate::policy::{Policy, PolicyError, Size, Source};
use pushgate::util::sanitize;

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
