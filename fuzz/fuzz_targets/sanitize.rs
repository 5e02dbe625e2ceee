//! The sanitizer: nothing that could drive a terminal survives it.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let out = pushgate::util::sanitize(data);
    assert!(!out.chars().any(|c| c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')));
    assert!(out.len() >= data.len());
});
