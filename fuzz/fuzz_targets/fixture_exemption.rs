//! A first step printed for a small database under a test directory, whatever its file name:
//! printable, and its `[[allow]]` entry is TOML the policy accepts, matching exactly that path.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pushgate::policy::{Policy, Source};
use pushgate::{Finding, Level, RuleId, advice};

fuzz_target!(|name: &[u8]| {
    let mut path = b"tests/data/".to_vec();
    path.extend_from_slice(name);
    let finding = Finding {
        rule: RuleId::DatabaseFile,
        pattern: RuleId::DatabaseFile.pattern(),
        level: Level::Warn,
        path: Some(path.clone().into()),
        blob: None,
        commit: None,
        reference: None,
        size: Some(4096),
        message: String::new(),
        suggestion: String::new(),
        evidence: Default::default(),
        paths: Vec::new(),
    };
    let step = pushgate::advice::first_step(&finding);
    assert!(
        !step.chars().any(|c| c.is_control() && c != '\n'),
        "{step:?}"
    );
    if let (_, Some(toml)) = advice::split(&step) {
        let policy = Policy::from_text(toml, Source::BuiltIn).expect("the exemption parses");
        let allow = policy.file.allow.first().expect("one entry");
        if std::str::from_utf8(&path).is_ok() {
            assert!(allow.paths.is_match(&path), "{toml}");
        }
    }
});
