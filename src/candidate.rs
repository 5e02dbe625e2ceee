//! The candidate: one blob at one path, the one type every stage passes on. The walk finds it
//! (blob, path, the commit and root tree that brought it, the ref); the inspection fills in
//! what it is (size from the header, the sniffed content prefix, attributes, content kind);
//! the per-blob rules read it, the behaviour rules read the candidates in scope, and a finding
//! is made from one.

use gix::ObjectId;
use gix::bstr::{BStr, BString};

use crate::attributes::PathAttributes;
use crate::detect::{Format, Sniff};
use crate::outcome::Pattern;

/// One blob at one path.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// The blob.
    pub oid: ObjectId,
    /// Its path (for a tip that is a blob, the tip's name).
    pub path: BString,
    /// The oldest commit of the range that added it at this path (`None` for tree/blob tips).
    pub commit: Option<ObjectId>,
    /// The root tree the path lives in, for `.gitattributes`.
    pub(crate) root: Option<ObjectId>,
    /// The `.gitattributes` blobs of that tree, by directory, when the walk kept track of
    /// them (then the tree need not be read).
    pub(crate) gitattributes: Option<std::sync::Arc<crate::attributes::Listed>>,
    /// The ref whose new history brought it (hooks), if the walk was told one.
    pub(crate) reference: Option<BString>,
    /// Size from the object header; `None` when the object is absent (or not read yet).
    pub(crate) size: Option<u64>,
    /// What the content's prefix showed; `None` when it could not be read (or not yet).
    pub(crate) sniff: Option<Sniff>,
    /// Attributes from `.gitattributes`.
    pub(crate) attrs: PathAttributes,
    /// What it is, for the behaviour rules (`None`: never a subject, like source code).
    pub(crate) kind: Option<Kind>,
    /// Entered as a symbolic link (mode 120000): a short text is its target and nothing to
    /// judge, anything else is content like any file's.
    pub(crate) link: bool,
    /// The blob was in the repository before the range (at another path, or under another
    /// mode): judged where it is now, but adding nothing to the repository's size.
    pub(crate) old: bool,
}

impl Candidate {
    /// A blob at a path, as the walk finds it: nothing read yet.
    pub(crate) fn new(
        oid: ObjectId,
        path: BString,
        commit: Option<ObjectId>,
        root: Option<ObjectId>,
        reference: Option<BString>,
    ) -> Self {
        Candidate {
            oid,
            path,
            commit,
            root,
            gitattributes: None,
            reference,
            size: None,
            sniff: None,
            attrs: PathAttributes::default(),
            kind: None,
            link: false,
            old: false,
        }
    }

    /// The file name (last path component).
    pub(crate) fn name(&self) -> &BStr {
        crate::util::split_path(self.path.as_ref()).1
    }

    /// The format the content confirmed, if any.
    pub(crate) fn format(&self) -> Option<Format> {
        self.sniff.as_ref().and_then(|s| s.format)
    }

    /// `Some(true)` for binary content, `Some(false)` for text, `None` when unknown.
    pub(crate) fn binary(&self) -> Option<bool> {
        self.sniff.as_ref().map(|s| s.binary)
    }
}

/// What a file is, for the behaviour rules: the content kind decides the pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Kind {
    /// A database file (SQLite, an engine's table file).
    Database,
    /// A database dump.
    Dump,
    /// An archive or compressed stream.
    Archive,
    /// A disk image.
    DiskImage,
    /// A log, audit record or event capture.
    Log,
    /// A status record (YAML with a `status:` key, as uptime monitors write).
    Record,
    /// Structured data: JSON, CSV, XML, GeoJSON, spreadsheets.
    Data,
    /// Rendered output: documents, pages, images, plots.
    Rendered,
    /// Binary content of no known format.
    Binary,
    /// Other text.
    Text,
}

impl Kind {
    /// The pattern of a subject of this kind written by a job.
    pub(crate) fn pattern(self) -> Pattern {
        match self {
            Kind::Database | Kind::Data => Pattern::Database,
            Kind::Log | Kind::Record | Kind::Rendered | Kind::Text => Pattern::AuditTrail,
            Kind::Dump | Kind::Archive | Kind::DiskImage | Kind::Binary => Pattern::Backup,
        }
    }

    /// A noun for messages.
    pub(crate) fn noun(self) -> &'static str {
        match self {
            Kind::Database => "database file",
            Kind::Dump => "database dump",
            Kind::Archive => "archive",
            Kind::DiskImage => "disk image",
            Kind::Log => "log",
            Kind::Record => "status record",
            Kind::Data => "data file",
            Kind::Rendered => "generated output",
            Kind::Binary => "binary file",
            Kind::Text => "text file",
        }
    }

    /// Opaque content, as a snapshot of a folder holds.
    pub(crate) fn opaque(self) -> bool {
        matches!(
            self,
            Kind::Database | Kind::Dump | Kind::Archive | Kind::DiskImage | Kind::Binary
        )
    }

    /// A kind a copy can be a backup of.
    pub(crate) fn copyable(self) -> bool {
        matches!(self, Kind::Database | Kind::Dump | Kind::Archive | Kind::DiskImage)
    }
}
