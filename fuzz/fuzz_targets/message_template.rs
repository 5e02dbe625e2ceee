//! Commit message templates: any bytes fold to a template with no ASCII digit, trimmed, with
//! single spaces, whose words are words.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pushgate::history::message::{template, words};

fuzz_target!(|data: &[u8]| {
    let t = template(data);
    assert!(!t.bytes().any(|b| b.is_ascii_digit()), "{t:?}");
    assert_eq!(t.trim(), t);
    assert!(!t.contains("  "), "{t:?}");
    for w in words(&t) {
        assert!(!w.is_empty() && w != "#" && !w.bytes().any(|b| b.is_ascii_digit()));
    }
});
