//! Policy files: any text loads or gives an error with a file name and a location.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pushgate::policy::{Policy, PolicyError, Source};

fuzz_target!(|text: &str| {
    match Policy::from_text(text, Source::Flag("fuzz.toml".into())) {
        Ok(policy) => assert_eq!(policy.file.version, 1),
        Err(PolicyError::Invalid { location, .. }) => {
            if text.len() <= pushgate::policy::MAX_POLICY_BYTES {
                assert!(location.is_some());
            }
        }
        Err(PolicyError::Read { .. }) => unreachable!("no file is read"),
    }
});
