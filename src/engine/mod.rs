//! The engine every check runs on: [`inspect::inspect_walk`] walks commits on one thread
//! while another inspects each new blob, and [`conclude::conclude`] turns what they found into
//! an [`Outcome`](crate::outcome::Outcome). [`scan`](crate::scan) (ranges, pushes, staged
//! files) and [`audit`](crate::audit) (whole repositories) are its two clients; neither reaches
//! past this interface.

pub mod conclude;
pub mod inspect;

pub use conclude::{History, conclude};
pub use inspect::{Inspected, Inspector, OnBlob, Reading, inspect_walk, inspect_walk_with_packs};

use crate::candidate::Candidate;
use crate::outcome::Finding;
use crate::policy::Policy;
use crate::rules::Hit;

/// A hit as a finding: about one blob at a path or, without a subject, about the whole range.
fn to_finding(hit: Hit, policy: &Policy, subject: Option<&Candidate>) -> Finding {
    let pattern = hit.pattern.unwrap_or_else(|| hit.rule.pattern());
    Finding {
        rule: hit.rule,
        pattern,
        level: hit.level,
        path: subject.map(|s| s.path.clone()),
        blob: subject.map(|s| s.oid),
        commit: subject.and_then(|s| s.commit),
        reference: subject.and_then(|s| s.reference.clone()),
        size: subject.and_then(|s| s.size),
        message: hit.message,
        suggestion: policy.suggestion_for(pattern, hit.rule, &hit.evidence).to_owned(),
        evidence: hit.evidence,
        paths: Vec::new(),
    }
}
