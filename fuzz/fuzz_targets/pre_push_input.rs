//! `pre-push` standard input: any bytes parse or give an error naming a line.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pushgate::hook::input::parse_pre_push;

fuzz_target!(|data: &[u8]| {
    for kind in [gix::hash::Kind::Sha1, gix::hash::Kind::Sha256] {
        match parse_pre_push(data, kind) {
            Ok(updates) => assert!(updates.len() <= data.len() / 40 + 1),
            Err(e) => assert!(e.line >= 1 && !e.to_string().contains('\u{1b}')),
        }
    }
});
