//! A finding's evidence: the facts behind it, which JSON and SARIF print as its `evidence`
//! object.
//!
//! Each rule declares the shape of its own facts in its file (`src/rules/<rule>.rs`, a struct or
//! an enum with typed fields), and the rules' registry gathers them into one enum with a variant
//! per rule. The model sits below the rules and names none of their types: a finding carries
//! the rule's facts as an [`Own`] value, beside the facts any rule's findings may carry
//! ([`Shared`]: the versions and files a finding stands for, and what the history's common
//! steps say of it). Printed, both are one object, its keys in sorted order.

use std::any::Any;
use std::fmt;

use serde::{Serialize, Serializer};

/// A JSON object, as the evidence prints.
type Object = serde_json::Map<String, serde_json::Value>;

/// The facts that the findings of any rule may carry: what the engine adds to a finding
/// (the versions and files it stands for) and what the rules' common steps say of it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub(crate) struct Shared {
    /// The versions the finding counts: those of its path a rule counted, or those a finding
    /// about one path and rule stands for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) versions: Option<u64>,
    /// The files a finding about a subject of many files covers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) files: Option<u64>,
    /// Whether a job wrote most versions of the path (`churning-blob` says so, and the path's
    /// other large-churn findings carry it when it does).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) written_by_job: Option<bool>,
    /// People committed the file once or twice, then deleted it: a cost in history only.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub(crate) removed: bool,
    /// People committed the small file once or a few times, then left it unchanged.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub(crate) left_alone: bool,
    /// How long the version stood unchanged (a file left alone, a settled large file).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) unchanged_days: Option<i64>,
}

/// A rule's own facts, as a finding carries them without naming their type: any value that
/// prints as a JSON object, compares and clones. The rules' registry stores one type, its
/// enum of every rule's evidence, and reads it back with [`Evidence::own`].
pub(crate) trait Own: Any + fmt::Debug + Send + Sync {
    /// The facts as a JSON object (keys in sorted order); empty if they print as anything else.
    fn object(&self) -> Object;
    /// A boxed copy.
    fn boxed(&self) -> Box<dyn Own>;
    /// Whether `other` holds the same facts (of the same type).
    fn same(&self, other: &dyn Own) -> bool;
    /// The facts, to read them back as their type.
    fn as_any(&self) -> &dyn Any;
    /// The facts, to change them as their type.
    fn as_any_mut(&mut self) -> &mut dyn Any;
}

impl<T> Own for T
where
    T: Serialize + Clone + PartialEq + fmt::Debug + Send + Sync + 'static,
{
    fn object(&self) -> Object {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::Object(object)) => object,
            _ => Object::new(),
        }
    }

    fn boxed(&self) -> Box<dyn Own> {
        Box::new(self.clone())
    }

    fn same(&self, other: &dyn Own) -> bool {
        other.as_any().downcast_ref::<T>() == Some(self)
    }

    fn as_any(&self) -> &dyn Any {
        self
    }

    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

/// The facts behind a finding: its rule's own, and those any rule's findings share.
#[derive(Debug, Default)]
pub struct Evidence {
    /// What any rule's findings may carry.
    pub(crate) shared: Shared,
    /// The rule's own facts, in the rule's shape.
    own: Option<Box<dyn Own>>,
}

impl Evidence {
    /// Evidence of the rule's own facts `own`, nothing shared yet.
    pub(crate) fn of(own: impl Own) -> Self {
        Evidence {
            shared: Shared::default(),
            own: Some(Box::new(own)),
        }
    }

    /// The rule's own facts, if they are a `T`.
    pub(crate) fn own<T: Any>(&self) -> Option<&T> {
        self.own.as_ref()?.as_any().downcast_ref()
    }

    /// The rule's own facts, to change, if they are a `T`.
    pub(crate) fn own_mut<T: Any>(&mut self) -> Option<&mut T> {
        self.own.as_mut()?.as_any_mut().downcast_mut()
    }

    /// Whether a job wrote the versions of the finding's path (see [`Shared::written_by_job`]).
    pub(crate) fn written_by_job(&self) -> bool {
        self.shared.written_by_job == Some(true)
    }

    /// The evidence as one JSON object: the rule's facts and the shared ones, keys sorted.
    pub(crate) fn object(&self) -> Object {
        let mut object = self.own.as_ref().map(|own| own.object()).unwrap_or_default();
        object.extend(self.shared.object());
        object
    }
}

impl Clone for Evidence {
    fn clone(&self) -> Self {
        Evidence {
            shared: self.shared.clone(),
            own: self.own.as_ref().map(|own| own.boxed()),
        }
    }
}

impl PartialEq for Evidence {
    fn eq(&self, other: &Self) -> bool {
        self.shared == other.shared
            && match (&self.own, &other.own) {
                (Some(a), Some(b)) => a.same(b.as_ref()),
                (None, None) => true,
                _ => false,
            }
    }
}

impl Serialize for Evidence {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.object().serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, PartialEq, Serialize)]
    struct Facts {
        zeta: u32,
        alpha: &'static str,
    }

    #[test]
    fn prints_one_object_with_sorted_keys() {
        let mut evidence = Evidence::of(Facts { zeta: 1, alpha: "a" });
        evidence.shared.versions = Some(3);
        evidence.shared.removed = true;
        let text = serde_json::to_string(&evidence).unwrap_or_default();
        assert_eq!(text, r#"{"alpha":"a","removed":true,"versions":3,"zeta":1}"#);
        assert!(Evidence::default().object().is_empty());
        assert_eq!(serde_json::to_string(&Evidence::default()).unwrap_or_default(), "{}");
    }

    #[test]
    fn reads_back_its_type_compares_and_clones() {
        let mut evidence = Evidence::of(Facts { zeta: 1, alpha: "a" });
        assert_eq!(evidence.own::<Facts>().map(|f| f.zeta), Some(1));
        assert!(evidence.own::<u32>().is_none());
        if let Some(facts) = evidence.own_mut::<Facts>() {
            facts.zeta = 2;
        }
        let copy = evidence.clone();
        assert_eq!(copy, evidence);
        assert_eq!(copy.own::<Facts>().map(|f| f.zeta), Some(2));
        let mut other = evidence.clone();
        other.shared.written_by_job = Some(true);
        assert!(other != evidence && other.written_by_job() && !evidence.written_by_job());
        assert!(Evidence::of(Facts { zeta: 2, alpha: "b" }) != evidence);
        assert!(Evidence::default() != evidence);
    }
}
