//! Content sniffing: what a blob *is*, judged from its first bytes.
//!
//! Everything here is a pure function over a bounded prefix of a blob (the
//! first [`PREFIX_LEN`] bytes are enough for every detector; passing more, up
//! to 64 KiB, gives the text statistics more to work with) plus the blob's
//! total size when it is known. Nothing performs I/O.
//!
//! Three kinds of facts come out of [`sniff`]:
//!
//! * a [`Format`] recognised by its magic bytes or header lines (databases,
//!   dumps, archives, disk images, event captures, compiled binaries and
//!   Git LFS pointers), see [`identify`];
//! * whether the content is binary, by git's rule (a NUL byte within the first
//!   [`BINARY_CHECK_LEN`] bytes);
//! * for text, [`LineStats`] about timestamped lines plus a few markers
//!   (generated code, CloudTrail records).
//!
//! Detection is deliberately conservative: a magic number made of printable
//! ASCII is only trusted together with a second, non-textual confirmation, so
//! that a plain text file is never reported as an archive, image or database.

use gix::bstr::ByteSlice;
use std::fmt;

/// Bytes a caller should read so that every detector here sees what it needs
/// (the ISO 9660 primary volume descriptor needs `0x8001 + 5` bytes).
///
/// ISO 9660 signatures at the later descriptor slots (`0x8801`, `0x9001`) and
/// the text statistics benefit from a longer prefix; 64 KiB is plenty.
pub(crate) const PREFIX_LEN: usize = 36 * 1024;

/// How many leading bytes decide text vs binary (git's heuristic uses 8000).
pub(crate) const BINARY_CHECK_LEN: usize = 8000;

/// At most this many non-empty lines feed [`LineStats`].
const MAX_STAT_LINES: u32 = 200;

/// A Git LFS pointer file is always smaller than this.
const LFS_POINTER_MAX_LEN: usize = 1024;

/// The only first line a Git LFS pointer may have.
const LFS_VERSION_LINE: &[u8] = b"version https://git-lfs.github.com/spec/v1";

/// A plain `pg_dump` header must appear within this many lines.
const POSTGRES_HEADER_LINES: usize = 40;

/// Generated-code markers are looked for within this many leading lines...
const GENERATED_MARKER_LINES: usize = 5;
/// ...or within this many leading bytes, whichever reaches further.
const GENERATED_MARKER_BYTES: usize = 1024;
/// Upper bound on the region searched for generated-code markers.
const GENERATED_MARKER_MAX_BYTES: usize = 4096;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

const MONTHS: [&[u8; 3]; 12] = [
    b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec",
];

const WEEKDAYS: [&[u8; 3]; 7] = [b"Mon", b"Tue", b"Wed", b"Thu", b"Fri", b"Sat", b"Sun"];

/// JSON keys that mark a JSON-lines record as a timestamped event.
const JSON_TIMESTAMP_KEYS: [&[u8]; 9] = [
    b"timestamp",
    b"time",
    b"@timestamp",
    b"ts",
    b"eventTime",
    b"datetime",
    b"date",
    b"created_at",
    b"logged_at",
];

/// Keys every AWS CloudTrail record carries.
const CLOUDTRAIL_KEYS: [&[u8]; 3] = [b"\"eventVersion\"", b"\"eventSource\"", b"\"eventName\""];

/// First entries of ZIP files that are documents or application packages
/// (OOXML, OpenDocument, EPUB, JAR/WAR, APK, ...) rather than plain archives.
const ZIP_PACKAGE_FIRST_ENTRIES: [&[u8]; 10] = [
    b"mimetype",
    b"[Content_Types].xml",
    b"_rels/",
    b"docProps/",
    b"word/",
    b"xl/",
    b"ppt/",
    b"META-INF/",
    b"AndroidManifest.xml",
    b"classes.dex",
];

/// A content format recognised from a blob's leading bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// SQLite 3 database file.
    Sqlite,
    /// Microsoft Access database (Jet `.mdb` or ACE `.accdb`).
    Access,
    /// DuckDB database file.
    DuckDb,
    /// Berkeley DB hash, btree or queue database.
    BerkeleyDb,
    /// LMDB data file.
    Lmdb,
    /// SQLite write-ahead log (`<db>-wal`).
    SqliteWal,
    /// SQLite rollback journal (`<db>-journal`).
    SqliteJournal,
    /// H2 database store (`*.mv.db`).
    H2,
    /// Realm database (`default.realm`).
    Realm,
    /// InfluxDB TSM shard file (`*.tsm`).
    InfluxTsm,
    /// Prometheus TSDB block chunks, index or head chunks.
    PrometheusTsdb,
    /// Terraform state (`terraform.tfstate`): JSON with `terraform_version`, `lineage` and `serial`.
    TerraformState,
    /// WiredTiger (MongoDB's storage engine) data or metadata file.
    WiredTiger,
    /// Text dump written by MySQL's `mysqldump` (or phpMyAdmin's SQL export).
    MysqlDump,
    /// Text dump written by MariaDB's `mariadb-dump`.
    MariaDbDump,
    /// Plain-text `pg_dump` / `pg_dumpall` output.
    PostgresDump,
    /// `pg_dump` custom-format archive.
    PostgresCustomDump,
    /// Output of the `sqlite3` shell's `.dump` command.
    SqliteDump,
    /// Oracle `exp` export file.
    OracleExport,
    /// Redis RDB snapshot.
    RedisRdb,
    /// POSIX (ustar) tar archive.
    Tar,
    /// gzip-compressed data.
    Gzip,
    /// ZIP archive (not an office document or application package).
    Zip,
    /// 7-Zip archive.
    SevenZip,
    /// RAR archive.
    Rar,
    /// xz-compressed data.
    Xz,
    /// Zstandard-compressed data.
    Zstd,
    /// bzip2-compressed data.
    Bzip2,
    /// LZ4 frame-compressed data.
    Lz4,
    /// ISO 9660 (CD/DVD) image.
    Iso9660,
    /// QEMU copy-on-write disk image.
    Qcow2,
    /// VMware virtual disk (sparse extent or descriptor).
    Vmdk,
    /// Hyper-V VHDX virtual disk.
    Vhdx,
    /// Virtual PC / Hyper-V VHD virtual disk (dynamic or differencing).
    Vhd,
    /// VirtualBox virtual disk.
    Vdi,
    /// Raw disk image with a GUID partition table.
    GptDisk,
    /// Windows XML event log (`.evtx`).
    Evtx,
    /// Classic libpcap packet capture.
    Pcap,
    /// pcapng packet capture.
    PcapNg,
    /// ELF executable, shared object or object file.
    Elf,
    /// Windows PE executable or DLL.
    PeExecutable,
    /// Mach-O binary (thin or fat).
    MachO,
    /// Compiled Java class file.
    JavaClass,
    /// Compiled Python bytecode (`.pyc`).
    PythonBytecode,
    /// ELF core file: a crashed process's memory image.
    ElfCore,
    /// Windows minidump (`*.dmp`).
    Minidump,
    /// `perf record` output (`perf.data`).
    PerfData,
    /// A Git LFS pointer file (whole blob < 1024 bytes, first line exactly
    /// `version https://git-lfs.github.com/spec/v1`, with `oid sha256:<64 hex>`
    /// and `size <digits>` lines).
    LfsPointer,
}

impl Format {
    /// Human-readable name, e.g. `"SQLite database"` or `"ISO 9660 disk image"`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Format::Sqlite => "SQLite database",
            Format::Access => "Microsoft Access database",
            Format::DuckDb => "DuckDB database",
            Format::BerkeleyDb => "Berkeley DB database",
            Format::Lmdb => "LMDB database",
            Format::SqliteWal => "SQLite write-ahead log",
            Format::SqliteJournal => "SQLite rollback journal",
            Format::H2 => "H2 database",
            Format::Realm => "Realm database",
            Format::InfluxTsm => "InfluxDB TSM file",
            Format::PrometheusTsdb => "Prometheus TSDB file",
            Format::TerraformState => "Terraform state",
            Format::WiredTiger => "WiredTiger database",
            Format::MysqlDump => "MySQL dump",
            Format::MariaDbDump => "MariaDB dump",
            Format::PostgresDump => "PostgreSQL dump",
            Format::PostgresCustomDump => "PostgreSQL custom-format dump",
            Format::SqliteDump => "SQLite dump",
            Format::OracleExport => "Oracle export dump",
            Format::RedisRdb => "Redis RDB snapshot",
            Format::Tar => "tar archive",
            Format::Gzip => "gzip archive",
            Format::Zip => "ZIP archive",
            Format::SevenZip => "7-Zip archive",
            Format::Rar => "RAR archive",
            Format::Xz => "xz archive",
            Format::Zstd => "Zstandard archive",
            Format::Bzip2 => "bzip2 archive",
            Format::Lz4 => "LZ4 archive",
            Format::Iso9660 => "ISO 9660 disk image",
            Format::Qcow2 => "QCOW2 disk image",
            Format::Vmdk => "VMDK disk image",
            Format::Vhdx => "VHDX disk image",
            Format::Vhd => "VHD disk image",
            Format::Vdi => "VirtualBox disk image",
            Format::GptDisk => "GPT disk image",
            Format::Evtx => "Windows event log",
            Format::Pcap => "pcap packet capture",
            Format::PcapNg => "pcapng packet capture",
            Format::Elf => "ELF binary",
            Format::PeExecutable => "Windows PE executable",
            Format::MachO => "Mach-O binary",
            Format::JavaClass => "Java class file",
            Format::PythonBytecode => "Python bytecode",
            Format::ElfCore => "ELF core dump",
            Format::Minidump => "Windows minidump",
            Format::PerfData => "perf profile data",
            Format::LfsPointer => "Git LFS pointer",
        }
    }

    /// The broad family this format belongs to.
    #[must_use]
    pub fn class(self) -> FormatClass {
        match self {
            Format::Sqlite
            | Format::Access
            | Format::DuckDb
            | Format::BerkeleyDb
            | Format::Lmdb
            | Format::SqliteWal
            | Format::SqliteJournal
            | Format::H2
            | Format::Realm
            | Format::InfluxTsm
            | Format::PrometheusTsdb
            | Format::TerraformState
            | Format::WiredTiger => FormatClass::Database,
            Format::MysqlDump
            | Format::MariaDbDump
            | Format::PostgresDump
            | Format::PostgresCustomDump
            | Format::SqliteDump
            | Format::OracleExport
            | Format::RedisRdb => FormatClass::Dump,
            Format::Tar
            | Format::Gzip
            | Format::Zip
            | Format::SevenZip
            | Format::Rar
            | Format::Xz
            | Format::Zstd
            | Format::Bzip2
            | Format::Lz4 => FormatClass::Archive,
            Format::Iso9660
            | Format::Qcow2
            | Format::Vmdk
            | Format::Vhdx
            | Format::Vhd
            | Format::Vdi
            | Format::GptDisk => FormatClass::DiskImage,
            Format::Evtx | Format::Pcap | Format::PcapNg => FormatClass::EventCapture,
            Format::Elf
            | Format::PeExecutable
            | Format::MachO
            | Format::JavaClass
            | Format::PythonBytecode
            | Format::ElfCore
            | Format::Minidump
            | Format::PerfData => FormatClass::CompiledBinary,
            Format::LfsPointer => FormatClass::LfsPointer,
        }
    }
}

impl Format {
    /// A memory image of a crashed process (an ELF core file, a minidump): large, and it can
    /// hold whatever the process had in memory, secrets included.
    #[must_use]
    pub(crate) fn is_memory_dump(self) -> bool {
        matches!(self, Format::ElfCore | Format::Minidump)
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The broad family of a [`Format`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormatClass {
    /// A live database file.
    Database,
    /// A database dump or snapshot.
    Dump,
    /// An archive or compressed stream.
    Archive,
    /// A disk or virtual machine image.
    DiskImage,
    /// A binary event log or packet capture.
    EventCapture,
    /// Compiled build output.
    CompiledBinary,
    /// A Git LFS pointer (the content itself lives outside the repository).
    LfsPointer,
}

impl FormatClass {
    /// Human-readable name, e.g. `"database"` or `"disk image"`.
    #[must_use]
    pub(crate) fn name(self) -> &'static str {
        match self {
            FormatClass::Database => "database",
            FormatClass::Dump => "database dump",
            FormatClass::Archive => "archive",
            FormatClass::DiskImage => "disk image",
            FormatClass::EventCapture => "event capture",
            FormatClass::CompiledBinary => "compiled binary",
            FormatClass::LfsPointer => "Git LFS pointer",
        }
    }
}

impl fmt::Display for FormatClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Everything the rules need to know about a blob's content.
#[derive(Debug, Clone, Default)]
pub struct Sniff {
    /// The recognised format, if any.
    pub format: Option<Format>,
    /// True when the inspected bytes contain a NUL byte within the first
    /// [`BINARY_CHECK_LEN`] bytes (git's rule).
    pub(crate) binary: bool,
    /// For text: statistics over the *complete* lines of the prefix (a final
    /// partial line is ignored when the prefix was cut short of the blob).
    /// All zero for binary content.
    pub(crate) lines: LineStats,
    /// `DO NOT EDIT` (any case) or `@generated` within the first five lines
    /// or the first KiB of text.
    pub(crate) generated_marker: bool,
    /// Text JSON whose prefix contains the keys `eventVersion`, `eventSource`
    /// and `eventName` (the shape of an AWS CloudTrail record).
    pub(crate) cloudtrail: bool,
    /// Text JSON whose prefix carries the OCSF keys `class_uid`, `category_uid`, `time` and
    /// `metadata` (an Open Cybersecurity Schema Framework event, as audit-log services export).
    pub(crate) ocsf: bool,
    /// Text with a top-level `status:` key among its first lines (a YAML status record, as
    /// uptime monitors write one per site), or JSON holding a `"status"` key beside what
    /// a monitor measures (`"uptime…"`, `"responseTime"`): a monitor's summary.
    pub(crate) status_record: bool,
    /// JSON in the shields.io endpoint schema (`"schemaVersion"`, `"label"`, `"message"`): a
    /// badge, rendered output however it is stored.
    pub(crate) badge: bool,
    /// Text of one record a line: at least 20 lines, each one token without
    /// blanks (addresses, ranges, identifiers, numbers), as lists a job fetches are.
    pub(crate) line_records: bool,
    /// Text whose lines mostly start with a log level (`INFO:app:…`, `[ERROR] …`, `WARNING …`),
    /// as loggers write without timestamps: a log, whatever its file is named.
    pub(crate) leveled_log: bool,
    /// Script text that is one assignment of a JSON literal (`window.BENCHMARK_DATA = {"…`,
    /// `export default [{"…`), as tools write a data set for a page to load: data, whatever
    /// its extension.
    pub(crate) json_assignment: bool,
}

/// Line-level statistics over the start of a text blob.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct LineStats {
    /// Non-empty complete lines examined (at most the first 200 of them).
    pub(crate) lines: u32,
    /// Lines that start with a timestamp carrying both a date and a time:
    /// ISO 8601 (`2024-05-01T12:00:00`, `2024-05-01 12:00:00`, optional
    /// fraction and zone, optionally bracketed), syslog (`Jan  2 15:04:05`,
    /// RFC 5424 `<34>1 2024-...`), Common/Combined Log Format
    /// (`127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] ...`), or a leading
    /// 10-digit epoch-seconds / 13-digit epoch-millis number followed by
    /// whitespace or a comma. A date without a time does not count.
    pub(crate) timestamped: u32,
    /// JSON-object lines (starting with `{`, ending with `}`) with a
    /// timestamp key such as `"timestamp"`, `"time"`, `"@timestamp"`, `"ts"`,
    /// `"eventTime"`, `"datetime"`, `"date"`, `"created_at"` or `"logged_at"`.
    pub(crate) json_timestamped: u32,
}

/// Classify a blob from its leading bytes.
///
/// `prefix` is the start of the blob (ideally at least [`PREFIX_LEN`] bytes,
/// or the whole blob when it is smaller). `total_size` is the blob's full size
/// when known; `None` means `prefix` is taken to be the whole blob.
#[must_use]
pub fn sniff(prefix: &[u8], total_size: Option<u64>) -> Sniff {
    let format = identify(prefix, total_size);
    let binary = is_binary(prefix);
    if binary {
        return Sniff {
            format,
            binary,
            ..Sniff::default()
        };
    }
    let text = strip_bom(prefix);
    Sniff {
        format,
        binary,
        lines: line_stats(complete_lines(text, is_whole(prefix, total_size))),
        generated_marker: has_generated_marker(text),
        cloudtrail: is_cloudtrail(text),
        ocsf: is_ocsf(text),
        status_record: is_status_record(text) || is_monitor_summary(text),
        badge: is_badge(text),
        line_records: is_line_records(complete_lines(text, is_whole(prefix, total_size))),
        leveled_log: is_leveled_log(complete_lines(text, is_whole(prefix, total_size))),
        json_assignment: is_json_assignment(text),
    }
}

/// The format of a blob, recognised from its leading bytes.
///
/// Git LFS pointers are checked first, then the header lines of text content
/// (dumps, VMDK descriptors), then binary signatures from the most to the
/// least specific.
/// `total_size` has the same meaning as in [`sniff`].
#[must_use]
pub fn identify(prefix: &[u8], total_size: Option<u64>) -> Option<Format> {
    if is_lfs_pointer(prefix, total_size) {
        return Some(Format::LfsPointer);
    }
    if !is_binary(prefix)
        && let Some(format) = identify_text_header(prefix)
    {
        // A schema dump (`mysqldump --no-data`, `pg_dump --schema-only`) holds no data: it is
        // a schema file, versioned like code. Only a whole blob can show there are no rows.
        if format.class() == FormatClass::Dump && is_whole(prefix, total_size) && !has_data_rows(prefix) {
            return None;
        }
        return Some(format);
    }
    SIGNATURES
        .iter()
        .find_map(|&(format, matches)| matches(prefix).then_some(format))
}

/// Whether a blob is a Git LFS pointer file.
///
/// The blob must be complete within `prefix` and smaller than 1024 bytes, its
/// first line must be exactly `version https://git-lfs.github.com/spec/v1`,
/// and it must carry an `oid sha256:<64 lowercase hex>` line and a
/// `size <digits>` line; every line must be a `key value` pair.
#[must_use]
pub(crate) fn is_lfs_pointer(prefix: &[u8], total_size: Option<u64>) -> bool {
    if !is_whole(prefix, total_size) || prefix.len() >= LFS_POINTER_MAX_LEN {
        return false;
    }
    let mut lines = prefix.split(|&b| b == b'\n').map(trim_cr);
    if lines.next() != Some(LFS_VERSION_LINE) {
        return false;
    }
    let (mut oid, mut size) = (false, false);
    for line in lines {
        if line.is_empty() {
            continue;
        }
        let Some((key, value)) = split_once(line, b' ') else {
            return false;
        };
        let key_ok = !key.is_empty()
            && key
                .iter()
                .all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-');
        if !key_ok {
            return false;
        }
        match key {
            b"oid" => {
                oid = value
                    .strip_prefix(b"sha256:")
                    .is_some_and(|hex| hex.len() == 64 && hex.iter().all(|&b| matches!(b, b'0'..=b'9' | b'a'..=b'f')));
            }
            b"size" => {
                size = (1..=20).contains(&value.len()) && value.iter().all(u8::is_ascii_digit);
            }
            _ => {}
        }
    }
    oid && size
}

// ---------------------------------------------------------------------------
// Text headers
// ---------------------------------------------------------------------------

/// Formats recognised by header lines of text: dumps and VMDK descriptors.
fn identify_text_header(prefix: &[u8]) -> Option<Format> {
    let text = strip_bom(prefix);
    let mut non_blank = text
        .split(|&b| b == b'\n')
        .map(<[u8]>::trim_ascii_end)
        .filter(|line| !line.is_empty());

    let mut first = non_blank.next()?;
    // MariaDB dumps since 2024 open with a sandbox-mode comment.
    if first.starts_with(b"/*M!999999") || first.starts_with(b"/*!999999") {
        first = non_blank.next()?;
    }
    if first.starts_with(b"-- MySQL dump") || first.starts_with(b"-- phpMyAdmin SQL Dump") {
        return Some(Format::MysqlDump);
    }
    if first.starts_with(b"-- MariaDB dump") {
        return Some(Format::MariaDbDump);
    }
    if first == b"PRAGMA foreign_keys=OFF;" && non_blank.next() == Some(b"BEGIN TRANSACTION;") {
        return Some(Format::SqliteDump);
    }
    // WiredTiger's metadata files: `WiredTiger` and `WiredTiger.turtle`.
    if first == b"WiredTiger" || first == b"WiredTiger version string" {
        return Some(Format::WiredTiger);
    }
    if first.starts_with(b"# Disk DescriptorFile") {
        return Some(Format::Vmdk);
    }
    if is_h2_store(first) {
        return Some(Format::H2);
    }
    if is_terraform_state(text) {
        return Some(Format::TerraformState);
    }
    let postgres = text
        .split(|&b| b == b'\n')
        .take(POSTGRES_HEADER_LINES)
        .map(<[u8]>::trim_ascii_end)
        .any(|line| line == b"-- PostgreSQL database dump" || line == b"-- PostgreSQL database cluster dump");
    postgres.then_some(Format::PostgresDump)
}

/// Whether dump text carries rows: `INSERT`/`REPLACE` statements or `COPY … FROM stdin` blocks.
fn has_data_rows(text: &[u8]) -> bool {
    text.split(|&b| b == b'\n').any(|line| {
        let line = line.trim_ascii_start();
        let starts = |p: &[u8]| line.len() >= p.len() && line.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p));
        starts(b"INSERT ") || starts(b"REPLACE ") || (starts(b"COPY ") && line.windows(5).any(|w| w == b"stdin"))
    })
}

// ---------------------------------------------------------------------------
// Binary signatures
// ---------------------------------------------------------------------------

/// A signature test over a blob prefix.
type Matcher = fn(&[u8]) -> bool;

/// Binary signatures in the order they are tried: magic numbers at offset 0
/// first, then signatures deeper into the blob, then the weakest (`MZ`).
const SIGNATURES: &[(Format, Matcher)] = &[
    (Format::Sqlite, is_sqlite),
    (Format::SqliteWal, is_sqlite_wal),
    (Format::SqliteJournal, is_sqlite_journal),
    (Format::H2, is_h2_store),
    (Format::Realm, is_realm),
    (Format::InfluxTsm, is_influx_tsm),
    (Format::PrometheusTsdb, is_prometheus_tsdb),
    (Format::PerfData, is_perf_data),
    (Format::Minidump, is_minidump),
    (Format::ElfCore, is_elf_core),
    (Format::WiredTiger, is_wiredtiger),
    (Format::Access, is_access),
    (Format::PostgresCustomDump, is_postgres_custom_dump),
    (Format::OracleExport, is_oracle_export),
    (Format::RedisRdb, is_redis_rdb),
    (Format::Qcow2, infer::app::is_qcow2),
    (Format::Vmdk, is_vmdk_sparse),
    (Format::Vhdx, is_vhdx),
    (Format::Vhd, is_vhd),
    (Format::Evtx, is_evtx),
    (Format::Pcap, is_pcap),
    (Format::PcapNg, is_pcapng),
    (Format::Elf, infer::app::is_elf),
    (Format::MachO, infer::app::is_mach),
    (Format::JavaClass, infer::app::is_java),
    (Format::PythonBytecode, is_python_bytecode),
    (Format::SevenZip, infer::archive::is_7z),
    (Format::Rar, infer::archive::is_rar),
    (Format::Xz, infer::archive::is_xz),
    (Format::Zstd, infer::archive::is_zst),
    (Format::Gzip, is_gzip),
    (Format::Bzip2, is_bzip2),
    (Format::Lz4, infer::archive::is_lz4),
    (Format::Zip, is_plain_zip),
    (Format::Vdi, is_vdi),
    (Format::DuckDb, is_duckdb),
    (Format::BerkeleyDb, is_berkeley_db),
    (Format::Lmdb, is_lmdb),
    (Format::Tar, is_tar),
    (Format::Iso9660, is_iso9660),
    (Format::GptDisk, is_gpt_disk),
    (Format::PeExecutable, is_pe_executable),
];

fn is_sqlite(buf: &[u8]) -> bool {
    buf.starts_with(b"SQLite format 3\0")
}

/// A SQLite WAL: the big-endian magic 0x377f0682 or 0x377f0683 (the checksum's byte order),
/// then the file format version 3007000.
fn is_sqlite_wal(buf: &[u8]) -> bool {
    (buf.starts_with(&[0x37, 0x7f, 0x06, 0x82]) || buf.starts_with(&[0x37, 0x7f, 0x06, 0x83]))
        && bytes_at(buf, 4, &3_007_000_u32.to_be_bytes())
}

/// A SQLite rollback journal: its eight-byte magic.
fn is_sqlite_journal(buf: &[u8]) -> bool {
    buf.starts_with(&[0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7])
}

/// An H2 MVStore: a text file header `H:2,` whose first line carries the store's
/// `blockSize:` and `chunk:` fields (the pages after it are binary).
fn is_h2_store(buf: &[u8]) -> bool {
    let line = buf.get(..256).unwrap_or(buf);
    let line = line.split(|&b| b == b'\n').next().unwrap_or_default();
    line.starts_with(b"H:2,") && contains(line, b"blockSize:") && contains(line, b"chunk:")
}

/// A Realm file: two 8-byte top refs, `T-DB` at offset 16, then two small file format
/// versions.
fn is_realm(buf: &[u8]) -> bool {
    bytes_at(buf, 16, b"T-DB")
        && buf.get(..16).is_some_and(|refs| refs.contains(&0))
        && buf
            .get(20..22)
            .is_some_and(|v| v.iter().all(|&b| (1..=64).contains(&b)))
}

/// An InfluxDB TSM file: the magic 0x16d116d1 (big-endian), then version 1.
fn is_influx_tsm(buf: &[u8]) -> bool {
    buf.starts_with(&[0x16, 0xd1, 0x16, 0xd1]) && buf.get(4) == Some(&1)
}

/// A Prometheus TSDB file: block chunks (0x85bd40dd), a block index (0xbaaad700) or head
/// chunks (0x0130bc91), each followed by a format version of 1 or 2.
fn is_prometheus_tsdb(buf: &[u8]) -> bool {
    const MAGICS: [[u8; 4]; 3] = [
        [0x85, 0xbd, 0x40, 0xdd],
        [0xba, 0xaa, 0xd7, 0x00],
        [0x01, 0x30, 0xbc, 0x91],
    ];
    MAGICS.iter().any(|m| buf.starts_with(m)) && buf.get(4).is_some_and(|v| (1..=2).contains(v))
}

/// `perf record` output: `PERFILE2`, then the header's size (a small little-endian u64).
fn is_perf_data(buf: &[u8]) -> bool {
    buf.starts_with(b"PERFILE2") && buf.get(9..16).is_some_and(|high| high.iter().all(|&b| b == 0))
}

/// A Windows minidump: `MDMP`, then the version 0xa793 (little-endian).
fn is_minidump(buf: &[u8]) -> bool {
    buf.starts_with(b"MDMP") && bytes_at(buf, 4, &[0x93, 0xa7])
}

/// An ELF file whose `e_type` is `ET_CORE` (4), in the byte order its header gives.
fn is_elf_core(buf: &[u8]) -> bool {
    if !buf.starts_with(b"\x7fELF") {
        return false;
    }
    match (buf.get(5), buf.get(16..18)) {
        (Some(1), Some(t)) => t == [4, 0],
        (Some(2), Some(t)) => t == [0, 4],
        _ => false,
    }
}

/// Terraform state: a JSON object whose first lines carry `terraform_version`, `lineage`
/// and `serial` (every state file since format version 3 has all three at the top).
fn is_terraform_state(text: &[u8]) -> bool {
    let head = text.get(..4096).unwrap_or(text);
    head.trim_ascii_start().starts_with(b"{")
        && [b"\"terraform_version\"".as_slice(), b"\"lineage\"", b"\"serial\""]
            .iter()
            .all(|key| contains(head, key))
}

/// A WiredTiger block file: the block descriptor's magic 120897 (little-endian) and a
/// major version of 1.
fn is_wiredtiger(buf: &[u8]) -> bool {
    buf.starts_with(&[0x41, 0xd8, 0x01, 0x00, 0x01, 0x00])
}

fn is_access(buf: &[u8]) -> bool {
    buf.first() == Some(&0) && (bytes_at(buf, 4, b"Standard Jet DB") || bytes_at(buf, 4, b"Standard ACE DB"))
}

fn is_duckdb(buf: &[u8]) -> bool {
    // Checksum (8 bytes), "DUCK", then a little-endian u64 storage version.
    bytes_at(buf, 8, b"DUCK") && buf.get(15..20).is_some_and(|high| high.iter().all(|&b| b == 0))
}

fn is_berkeley_db(buf: &[u8]) -> bool {
    const MAGICS: [u32; 3] = [0x0006_1561, 0x0005_3162, 0x0004_2253];
    // Berkeley DB 2+ keeps the magic at offset 12 of the metadata page;
    // the 1.85 format kept it at offset 0.
    [12, 0].into_iter().any(|offset| {
        buf.get(offset..offset + 4)
            .and_then(|b| <[u8; 4]>::try_from(b).ok())
            .is_some_and(|b| MAGICS.contains(&u32::from_le_bytes(b)) || MAGICS.contains(&u32::from_be_bytes(b)))
    })
}

fn is_lmdb(buf: &[u8]) -> bool {
    const MAGIC: u32 = 0xBEEF_C0DE;
    // The meta record follows a 16-byte page header (12 bytes on 32-bit builds).
    u32_le_at(buf, 16) == Some(MAGIC) || u32_le_at(buf, 12) == Some(MAGIC)
}

fn is_postgres_custom_dump(buf: &[u8]) -> bool {
    // "PGDMP" is followed by binary version bytes.
    buf.starts_with(b"PGDMP") && buf.get(5).is_some_and(|&b| !is_text_byte(b))
}

fn is_oracle_export(buf: &[u8]) -> bool {
    let version_follows = |at: usize| buf.get(at).is_some_and(u8::is_ascii_digit);
    (buf.first() == Some(&0x03) && bytes_at(buf, 3, b"EXPORT:V") && version_follows(11))
        || (buf.starts_with(b"EXPORT:V") && version_follows(8))
}

fn is_redis_rdb(buf: &[u8]) -> bool {
    // "REDIS" + four-digit version, then a binary opcode.
    buf.starts_with(b"REDIS00")
        && buf.get(7..9).is_some_and(|v| v.iter().all(u8::is_ascii_digit))
        && buf.get(9).is_some_and(|&b| !is_text_byte(b))
}

fn is_vmdk_sparse(buf: &[u8]) -> bool {
    // "KDMV" then a small little-endian u32 version.
    buf.starts_with(b"KDMV") && buf.get(5..8).is_some_and(|high| high.iter().all(|&b| b == 0))
}

fn is_vhdx(buf: &[u8]) -> bool {
    // "vhdxfile" then a UTF-16 creator string padded with NULs.
    buf.starts_with(b"vhdxfile") && buf.get(8..).is_some_and(|rest| rest.iter().take(520).any(|&b| b == 0))
}

fn is_vhd(buf: &[u8]) -> bool {
    // "conectix" then the big-endian features field (always 0x00000002).
    buf.starts_with(b"conectix") && buf.get(8..12).is_some_and(|features| features.contains(&0))
}

fn is_vdi(buf: &[u8]) -> bool {
    const MAGIC: u32 = 0xBEDA_107F;
    if u32_le_at(buf, 0x40) == Some(MAGIC) {
        return true;
    }
    let head = buf.get(..64).unwrap_or(buf);
    head.starts_with(b"<<< ") && contains(head, b"VirtualBox Disk Image >>>") && head.contains(&0)
}

fn is_gpt_disk(buf: &[u8]) -> bool {
    // The GPT header sits in LBA 1, for 512- or 4096-byte sectors; the
    // revision (00 00 01 00) and header size that follow the signature are
    // binary.
    [512, 4096].into_iter().any(|offset| {
        bytes_at(buf, offset, b"EFI PART") && buf.get(offset + 8..offset + 16).is_some_and(|rest| rest.contains(&0))
    })
}

fn is_iso9660(buf: &[u8]) -> bool {
    // Volume descriptors start at sector 16: a type byte, then "CD001".
    [0x8000, 0x8800, 0x9000].into_iter().any(|offset| {
        buf.get(offset).is_some_and(|&kind| matches!(kind, 0..=3 | 0xFF)) && bytes_at(buf, offset + 1, b"CD001")
    })
}

fn is_evtx(buf: &[u8]) -> bool {
    buf.starts_with(b"ElfFile\0")
}

fn is_pcap(buf: &[u8]) -> bool {
    const MAGICS: [[u8; 4]; 4] = [
        [0xA1, 0xB2, 0xC3, 0xD4],
        [0xD4, 0xC3, 0xB2, 0xA1],
        [0xA1, 0xB2, 0x3C, 0x4D],
        [0x4D, 0x3C, 0xB2, 0xA1],
    ];
    MAGICS.iter().any(|magic| buf.starts_with(magic))
}

fn is_pcapng(buf: &[u8]) -> bool {
    // Section header block type, then (after the block length) the
    // byte-order magic 0x1A2B3C4D in either endianness.
    buf.starts_with(&[0x0A, 0x0D, 0x0D, 0x0A])
        && (bytes_at(buf, 8, &[0x4D, 0x3C, 0x2B, 0x1A]) || bytes_at(buf, 8, &[0x1A, 0x2B, 0x3C, 0x4D]))
}

fn is_python_bytecode(buf: &[u8]) -> bool {
    // A little-endian u16 magic number followed by "\r\n".
    let Some(magic) = buf.get(..2).and_then(|b| <[u8; 2]>::try_from(b).ok()) else {
        return false;
    };
    let magic = u16::from_le_bytes(magic);
    let known = matches!(magic, 3000..=3999 | 20000..=62299);
    if !known || !bytes_at(buf, 2, b"\r\n") {
        return false;
    }
    // Python 3.7+ (PEP 552) stores a flags word holding 0, 1 or 3.
    if (3392..=3999).contains(&magic) && u32_le_at(buf, 4).is_none_or(|flags| flags > 3) {
        return false;
    }
    // Marshalled code objects always contain NUL bytes.
    is_binary(buf)
}

fn is_gzip(buf: &[u8]) -> bool {
    // The top three flag bits are reserved and must be zero.
    infer::archive::is_gz(buf) && buf.get(3).is_some_and(|&flags| flags & 0xE0 == 0)
}

fn is_bzip2(buf: &[u8]) -> bool {
    // "BZh" + block size digit, then a block header or the end-of-stream marker.
    const BLOCK: &[u8] = &[0x31, 0x41, 0x59, 0x26, 0x53, 0x59];
    const END: &[u8] = &[0x17, 0x72, 0x45, 0x38, 0x50, 0x90];
    buf.starts_with(b"BZh")
        && buf.get(3).is_some_and(|b| (b'1'..=b'9').contains(b))
        && (bytes_at(buf, 4, BLOCK) || bytes_at(buf, 4, END))
}

fn is_plain_zip(buf: &[u8]) -> bool {
    infer::archive::is_zip(buf) && !is_zip_package(buf)
}

/// Whether a ZIP file is really a document or application package.
fn is_zip_package(buf: &[u8]) -> bool {
    let by_infer = [
        infer::doc::is_docx,
        infer::doc::is_xlsx,
        infer::doc::is_pptx,
        infer::odf::is_odt,
        infer::odf::is_ods,
        infer::odf::is_odp,
        infer::book::is_epub,
    ]
    .iter()
    .any(|matches| matches(buf));
    by_infer
        || zip_first_entry_name(buf)
            .is_some_and(|name| ZIP_PACKAGE_FIRST_ENTRIES.iter().any(|marker| name.starts_with(marker)))
}

/// The name of the first entry of a ZIP file, from its local file header.
fn zip_first_entry_name(buf: &[u8]) -> Option<&[u8]> {
    if !buf.starts_with(b"PK\x03\x04") {
        return None;
    }
    let len = usize::from(u16::from_le_bytes(buf.get(26..28)?.try_into().ok()?));
    buf.get(30..30 + len)
}

fn is_tar(buf: &[u8]) -> bool {
    let Some(header) = buf.get(..512) else {
        return false;
    };
    if !infer::archive::is_tar(header) {
        return false;
    }
    // The checksum field holds the octal sum of the header bytes, counting
    // the field itself as spaces; some writers summed signed bytes.
    let Some(stored) = header.get(148..156).and_then(parse_octal) else {
        return false;
    };
    let checksum_field = 148..156;
    let (mut unsigned, mut signed) = (0_i64, 0_i64);
    for (i, &b) in header.iter().enumerate() {
        let b = if checksum_field.contains(&i) { b' ' } else { b };
        unsigned += i64::from(b);
        signed += i64::from(b.cast_signed());
    }
    stored == unsigned || stored == signed
}

/// Parses a tar numeric field: optional leading spaces, octal digits, then
/// NUL or space padding.
fn parse_octal(field: &[u8]) -> Option<i64> {
    let field = field.trim_ascii_start();
    let digits = field.iter().take_while(|b| (b'0'..=b'7').contains(b)).count();
    let (number, padding) = (field.get(..digits)?, field.get(digits..)?);
    if digits == 0 || !padding.iter().all(|&b| b == 0 || b == b' ') {
        return None;
    }
    number
        .iter()
        .try_fold(0_i64, |acc, &d| acc.checked_mul(8)?.checked_add(i64::from(d - b'0')))
}

fn is_pe_executable(buf: &[u8]) -> bool {
    // "MZ", then the offset of the NT header at 0x3C, which must be in view.
    if !infer::app::is_exe(buf) {
        return false;
    }
    let Some(offset) = u32_le_at(buf, 0x3C).and_then(|o| usize::try_from(o).ok()) else {
        return false;
    };
    offset >= 0x40
        && (bytes_at(buf, offset, b"PE\0\0")
            || bytes_at(buf, offset, b"NE")
            || bytes_at(buf, offset, b"LE")
            || bytes_at(buf, offset, b"LX"))
}

// ---------------------------------------------------------------------------
// Text statistics
// ---------------------------------------------------------------------------

/// Git's rule: binary when a NUL byte occurs in the first 8000 bytes.
fn is_binary(buf: &[u8]) -> bool {
    buf.get(..BINARY_CHECK_LEN).unwrap_or(buf).find_byte(0).is_some()
}

fn line_stats(text: &[u8]) -> LineStats {
    let mut stats = LineStats::default();
    for line in text.split(|&b| b == b'\n').map(<[u8]>::trim_ascii_end) {
        if line.trim_ascii_start().is_empty() {
            continue;
        }
        stats.lines += 1;
        if starts_with_timestamp(line) {
            stats.timestamped += 1;
        }
        if is_json_timestamped(line) {
            stats.json_timestamped += 1;
        }
        if stats.lines >= MAX_STAT_LINES {
            break;
        }
    }
    stats
}

/// Whether a line begins with a date-and-time stamp in a common log layout.
fn starts_with_timestamp(line: &[u8]) -> bool {
    let rest = strip_syslog_priority(line);
    let (rest, bracketed) = match rest.strip_prefix(b"[") {
        Some(inner) => (inner, true),
        None => (rest, false),
    };
    is_iso_datetime(rest) || is_syslog_datetime(rest) || is_epoch(rest, bracketed) || is_common_log_format(line)
}

/// Strips a syslog `<PRI>` and an RFC 5424 version (`<34>1 `), if present.
fn strip_syslog_priority(line: &[u8]) -> &[u8] {
    let Some(rest) = line.strip_prefix(b"<") else {
        return line;
    };
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    match rest.get(digits..).and_then(|r| r.strip_prefix(b">")) {
        Some(after) if (1..=3).contains(&digits) => after.strip_prefix(b"1 ").unwrap_or(after),
        _ => line,
    }
}

/// `YYYY-MM-DD[T ]HH:MM` (also with `/` between date parts), any suffix.
fn is_iso_datetime(s: &[u8]) -> bool {
    let year_ok = s.first().is_some_and(|&b| b == b'1' || b == b'2')
        && s.get(1..4).is_some_and(|y| y.iter().all(u8::is_ascii_digit));
    let Some(&sep) = s.get(4) else {
        return false;
    };
    year_ok
        && (sep == b'-' || sep == b'/')
        && two_digits(s, 5).is_some_and(|m| (1..=12).contains(&m))
        && s.get(7) == Some(&sep)
        && two_digits(s, 8).is_some_and(|d| (1..=31).contains(&d))
        && matches!(s.get(10), Some(b'T' | b't' | b' '))
        && is_clock(s.get(11..).unwrap_or_default(), false)
}

/// `Mmm dd HH:MM:SS` / `Mmm  d HH:MM:SS`, optionally after a weekday
/// (`Wed Oct 11 14:32:52`).
fn is_syslog_datetime(s: &[u8]) -> bool {
    let s = match s.get(..4) {
        Some([a, b, c, b' ']) if WEEKDAYS.contains(&&[*a, *b, *c]) => s.get(4..).unwrap_or_default(),
        _ => s,
    };
    let month_ok = matches!(s.get(..4), Some([a, b, c, b' ']) if MONTHS.contains(&&[*a, *b, *c]));
    if !month_ok {
        return false;
    }
    let mut rest = s.get(4..).unwrap_or_default();
    if let Some(unpadded) = rest.strip_prefix(b" ") {
        rest = unpadded;
    }
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    let day_ok = match digits {
        1 => rest.first().is_some_and(|&d| d != b'0'),
        2 => two_digits(rest, 0).is_some_and(|d| (1..=31).contains(&d)),
        _ => false,
    };
    day_ok && rest.get(digits) == Some(&b' ') && is_clock(rest.get(digits + 1..).unwrap_or_default(), true)
}

/// `host ident user [dd/Mon/yyyy:HH:MM:SS zone] ...` (Common and Combined
/// Log Format, also with a leading virtual host).
fn is_common_log_format(line: &[u8]) -> bool {
    let head = line.get(..256).unwrap_or(line);
    let Some(open) = head.iter().position(|&b| b == b'[') else {
        return false;
    };
    let Some(fields) = head.get(..open).and_then(|f| f.strip_suffix(b" ")) else {
        return false;
    };
    let mut tokens = 0;
    for token in fields.split(|&b| b == b' ') {
        if token.is_empty() || !token.iter().all(u8::is_ascii_graphic) {
            return false;
        }
        tokens += 1;
    }
    (3..=4).contains(&tokens) && is_clf_datetime(head.get(open + 1..).unwrap_or_default())
}

/// `dd/Mon/yyyy:HH:MM:SS`.
fn is_clf_datetime(s: &[u8]) -> bool {
    two_digits(s, 0).is_some_and(|d| (1..=31).contains(&d))
        && s.get(2) == Some(&b'/')
        && s.get(3..6)
            .is_some_and(|m| MONTHS.iter().any(|name| name.as_slice() == m))
        && s.get(6) == Some(&b'/')
        && s.get(7..11).is_some_and(|y| y.iter().all(u8::is_ascii_digit))
        && s.get(11) == Some(&b':')
        && is_clock(s.get(12..).unwrap_or_default(), true)
}

/// A leading 10-digit (seconds, optionally with a fraction) or 13-digit
/// (milliseconds) Unix time between 2001 and 2065, then whitespace or `,`.
fn is_epoch(s: &[u8], bracketed: bool) -> bool {
    let digits = s.iter().take_while(|b| b.is_ascii_digit()).count();
    if !(digits == 10 || digits == 13) || !matches!(s.first(), Some(b'1' | b'2')) {
        return false;
    }
    let mut rest = s.get(digits..).unwrap_or_default();
    if digits == 10
        && let Some(fraction) = rest.strip_prefix(b".")
    {
        let fraction_digits = fraction.iter().take_while(|b| b.is_ascii_digit()).count();
        if fraction_digits == 0 {
            return false;
        }
        rest = fraction.get(fraction_digits..).unwrap_or_default();
    }
    rest.first()
        .is_some_and(|&b| b.is_ascii_whitespace() || b == b',' || (bracketed && b == b']'))
}

/// `HH:MM`, then `:SS` (required when `seconds` is set), not followed by
/// another digit.
fn is_clock(s: &[u8], seconds: bool) -> bool {
    if !(two_digits(s, 0).is_some_and(|h| h <= 23)
        && s.get(2) == Some(&b':')
        && two_digits(s, 3).is_some_and(|m| m <= 59))
    {
        return false;
    }
    let end = if s.get(5) == Some(&b':') {
        if two_digits(s, 6).is_none_or(|sec| sec > 60) {
            return false;
        }
        8
    } else if seconds {
        return false;
    } else {
        5
    };
    !s.get(end).is_some_and(u8::is_ascii_digit)
}

/// A JSON object on one line with one of [`JSON_TIMESTAMP_KEYS`] as a key.
fn is_json_timestamped(line: &[u8]) -> bool {
    let line = line.trim_ascii();
    if !(line.starts_with(b"{") && line.ends_with(b"}")) {
        return false;
    }
    let mut rest = line;
    while let Some(open) = rest.iter().position(|&b| b == b'"') {
        let after_open = rest.get(open + 1..).unwrap_or_default();
        let Some(close) = closing_quote(after_open) else {
            return false;
        };
        let string = after_open.get(..close).unwrap_or_default();
        rest = after_open.get(close + 1..).unwrap_or_default();
        if rest.trim_ascii_start().starts_with(b":") && JSON_TIMESTAMP_KEYS.contains(&string) {
            return true;
        }
    }
    false
}

/// Index of the first unescaped `"` in the body of a JSON string.
fn closing_quote(s: &[u8]) -> Option<usize> {
    let mut escaped = false;
    for (i, &b) in s.iter().enumerate() {
        match b {
            _ if escaped => escaped = false,
            b'\\' => escaped = true,
            b'"' => return Some(i),
            _ => {}
        }
    }
    None
}

fn has_generated_marker(text: &[u8]) -> bool {
    let lines_end = text
        .iter()
        .enumerate()
        .filter(|&(_, &b)| b == b'\n')
        .nth(GENERATED_MARKER_LINES - 1)
        .map_or(text.len(), |(i, _)| i);
    let end = lines_end.clamp(GENERATED_MARKER_BYTES, GENERATED_MARKER_MAX_BYTES);
    let region = text.get(..end).unwrap_or(text);
    // Only the leading comment block counts (Go's rule: before the first non-comment,
    // non-blank text), so a marker quoted later — in a string literal of a code generator,
    // or in a heredoc of a script — does not make a file generated.
    for line in region.split(|&b| b == b'\n') {
        let line = line.trim_ascii();
        if line.is_empty() {
            continue;
        }
        if !COMMENT_LEADERS.iter().any(|leader| line.starts_with(leader)) {
            return false;
        }
        if contains(line, b"@generated") || contains_ignore_ascii_case(line, b"do not edit") {
            return true;
        }
    }
    false
}

/// How comment lines start in the languages code generators write.
const COMMENT_LEADERS: &[&[u8]] = &[
    b"//", b"#", b"/*", b"*", b"--", b";", b"<!--", b"%", b"'", b"rem ", b"REM ", b"{-", b"(*",
];

/// A top-level `status:` key (not indented) among the first 40 lines.
fn is_status_record(text: &[u8]) -> bool {
    text.split(|&b| b == b'\n')
        .take(40)
        .any(|line| line.len() > 7 && line.get(..7).is_some_and(|k| k.eq_ignore_ascii_case(b"status:")))
}

/// The keys of a monitor's measures, beside its `"status"`.
const MONITOR_KEYS: &[&[u8]] = &[b"\"uptime", b"\"responseTime", b"\"response_time", b"\"latency"];

/// JSON with a `"status"` key and a monitor's measures (`"uptime"`, `"responseTime"`).
fn is_monitor_summary(text: &[u8]) -> bool {
    matches!(text.trim_ascii_start().first(), Some(b'{' | b'['))
        && contains(text, b"\"status\"")
        && MONITOR_KEYS.iter().any(|key| contains(text, key))
}

/// The keys of a shields.io endpoint badge.
const BADGE_KEYS: [&[u8]; 3] = [b"\"schemaVersion\"", b"\"label\"", b"\"message\""];

/// A shields.io endpoint badge (`{"schemaVersion":1,"label":…,"message":…}`).
fn is_badge(text: &[u8]) -> bool {
    text.trim_ascii_start().first() == Some(&b'{') && BADGE_KEYS.iter().all(|key| contains(text, key))
}

/// Lines before text can read as one record a line.
const RECORD_LINES: u32 = 20;

/// Text of one record a line: every non-empty line (of the first [`MAX_STAT_LINES`]) one
/// token of letters, digits and the punctuation of addresses and ranges (`.:/-_,;|=+@`), no
/// blanks and no comment leader; at least [`RECORD_LINES`] of them.
fn is_line_records(text: &[u8]) -> bool {
    let mut lines = 0u32;
    for line in text.split(|&b| b == b'\n').map(<[u8]>::trim_ascii) {
        if line.is_empty() {
            continue;
        }
        let record = line.first().is_some_and(u8::is_ascii_alphanumeric)
            && line
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || b".:/-_,;|=+@".contains(b));
        if !record {
            return false;
        }
        lines += 1;
        if lines >= MAX_STAT_LINES {
            break;
        }
    }
    lines >= RECORD_LINES
}

/// The levels loggers write, upper case.
const LOG_LEVELS: &[&[u8]] = &[
    b"INFO",
    b"WARNING",
    b"WARN",
    b"ERROR",
    b"DEBUG",
    b"CRITICAL",
    b"TRACE",
    b"FATAL",
    b"NOTICE",
];

/// Lines before text can read as a leveled log.
const LEVELED_LINES: u32 = 5;

/// At least [`LEVELED_LINES`] lines, three in five of them opening with a log level followed by
/// `:`, `]`, `|` or a blank (optionally bracketed).
fn is_leveled_log(text: &[u8]) -> bool {
    let (mut lines, mut leveled) = (0u32, 0u32);
    for line in text.split(|&b| b == b'\n').map(<[u8]>::trim_ascii_end) {
        if line.trim_ascii_start().is_empty() {
            continue;
        }
        lines += 1;
        let rest = line.strip_prefix(b"[").unwrap_or(line);
        if LOG_LEVELS.iter().any(|l| {
            rest.strip_prefix(*l)
                .is_some_and(|after| matches!(after.first(), Some(b':' | b']' | b'|' | b' ' | b'\t')))
        }) {
            leveled += 1;
        }
        if lines >= MAX_STAT_LINES {
            break;
        }
    }
    lines >= LEVELED_LINES && leveled * 5 >= lines * 3
}

/// How a script hands a value to the page that loads it: a global, a variable, an export.
const ASSIGNMENT_LEADS: &[&[u8]] = &[
    b"window.",
    b"self.",
    b"globalThis.",
    b"var ",
    b"let ",
    b"const ",
    b"export const ",
    b"export default",
    b"module.exports",
];

/// Script text that is one assignment of a JSON literal: after an assignment lead
/// ([`ASSIGNMENT_LEADS`], then a name and `=`; `export default` needs none), an object whose
/// first key is quoted or an array of objects, arrays, strings or numbers, and no code
/// (`function`, `=>`, `require(`, `import `) in what was read. Hand-written modules open
/// with code or unquoted keys; a data set dumped with `JSON.stringify` opens like this.
fn is_json_assignment(text: &[u8]) -> bool {
    let start = text.trim_ascii_start();
    let Some((lead, rest)) = ASSIGNMENT_LEADS
        .iter()
        .find_map(|l| start.strip_prefix(*l).map(|rest| (*l, rest)))
    else {
        return false;
    };
    let value = if lead.ends_with(b"default") {
        rest
    } else {
        // A name (`BENCHMARK_DATA`, `exports`), then `=`.
        let name = rest
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'$' | b'.'))
            .count();
        if name == 0 && !lead.ends_with(b"exports") {
            return false;
        }
        let after = rest.get(name..).unwrap_or_default().trim_ascii_start();
        match after.strip_prefix(b"=") {
            Some(value) if value.first() != Some(&b'=') => value,
            _ => return false,
        }
    }
    .trim_ascii_start();
    let opens = match value.split_first() {
        Some((b'{', inside)) => inside.trim_ascii_start().first() == Some(&b'"'),
        Some((b'[', inside)) => matches!(
            inside.trim_ascii_start().first(),
            Some(b'{' | b'[' | b'"' | b'-' | b'0'..=b'9')
        ),
        _ => false,
    };
    const CODE: &[&[u8]] = &[b"function", b"=>", b"require(", b"import "];
    opens && !CODE.iter().any(|c| contains(value, c))
}

/// Keys every OCSF event carries.
const OCSF_KEYS: [&[u8]; 4] = [b"\"class_uid\"", b"\"category_uid\"", b"\"time\"", b"\"metadata\""];

fn is_ocsf(text: &[u8]) -> bool {
    matches!(text.trim_ascii_start().first(), Some(b'{' | b'[')) && OCSF_KEYS.iter().all(|key| contains(text, key))
}

fn is_cloudtrail(text: &[u8]) -> bool {
    matches!(text.trim_ascii_start().first(), Some(b'{' | b'['))
        && CLOUDTRAIL_KEYS.iter().all(|key| contains(text, key))
}

// ---------------------------------------------------------------------------
// Byte helpers
// ---------------------------------------------------------------------------

/// Whether the prefix holds the entire blob (`None` is taken to mean it does).
fn is_whole(prefix: &[u8], total_size: Option<u64>) -> bool {
    total_size.is_none_or(|size| u64::try_from(prefix.len()).is_ok_and(|len| len >= size))
}

/// The text up to the end of its last complete line.
fn complete_lines(text: &[u8], whole: bool) -> &[u8] {
    if whole {
        return text;
    }
    text.iter()
        .rposition(|&b| b == b'\n')
        .and_then(|end| text.get(..end))
        .unwrap_or_default()
}

fn strip_bom(buf: &[u8]) -> &[u8] {
    buf.strip_prefix(UTF8_BOM).unwrap_or(buf)
}

fn trim_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

fn split_once(s: &[u8], sep: u8) -> Option<(&[u8], &[u8])> {
    let at = s.iter().position(|&b| b == sep)?;
    Some((s.get(..at)?, s.get(at + 1..)?))
}

/// Bytes that commonly occur in text: printable ASCII and tab/CR/LF.
fn is_text_byte(b: u8) -> bool {
    b.is_ascii_graphic() || matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

fn bytes_at(buf: &[u8], offset: usize, magic: &[u8]) -> bool {
    buf.get(offset..).is_some_and(|rest| rest.starts_with(magic))
}

fn u32_le_at(buf: &[u8], offset: usize) -> Option<u32> {
    let bytes = buf.get(offset..offset.checked_add(4)?)?;
    Some(u32::from_le_bytes(bytes.try_into().ok()?))
}

fn two_digits(s: &[u8], at: usize) -> Option<u8> {
    let tens = s.get(at).filter(|b| b.is_ascii_digit())?;
    let ones = s.get(at + 1).filter(|b| b.is_ascii_digit())?;
    Some((tens - b'0') * 10 + (ones - b'0'))
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.contains_str(needle)
}

fn contains_ignore_ascii_case(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window.eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every format, in declaration order.
    const ALL: &[Format] = &[
        Format::Sqlite,
        Format::Access,
        Format::DuckDb,
        Format::BerkeleyDb,
        Format::Lmdb,
        Format::SqliteWal,
        Format::SqliteJournal,
        Format::H2,
        Format::Realm,
        Format::InfluxTsm,
        Format::PrometheusTsdb,
        Format::TerraformState,
        Format::WiredTiger,
        Format::MysqlDump,
        Format::MariaDbDump,
        Format::PostgresDump,
        Format::PostgresCustomDump,
        Format::SqliteDump,
        Format::OracleExport,
        Format::RedisRdb,
        Format::Tar,
        Format::Gzip,
        Format::Zip,
        Format::SevenZip,
        Format::Rar,
        Format::Xz,
        Format::Zstd,
        Format::Bzip2,
        Format::Lz4,
        Format::Iso9660,
        Format::Qcow2,
        Format::Vmdk,
        Format::Vhdx,
        Format::Vhd,
        Format::Vdi,
        Format::GptDisk,
        Format::Evtx,
        Format::Pcap,
        Format::PcapNg,
        Format::Elf,
        Format::PeExecutable,
        Format::MachO,
        Format::JavaClass,
        Format::PythonBytecode,
        Format::ElfCore,
        Format::Minidump,
        Format::PerfData,
        Format::LfsPointer,
    ];

    /// A zero-filled buffer of `len` bytes with `parts` written at their offsets.
    fn buffer(len: usize, parts: &[(usize, &[u8])]) -> Vec<u8> {
        let mut buf = vec![0_u8; len];
        for &(offset, bytes) in parts {
            buf[offset..offset + bytes.len()].copy_from_slice(bytes);
        }
        buf
    }

    fn id(buf: &[u8]) -> Option<Format> {
        identify(buf, Some(buf.len() as u64))
    }

    fn stats(text: &str) -> LineStats {
        sniff(text.as_bytes(), Some(text.len() as u64)).lines
    }

    /// A one-entry ustar header with a valid checksum.
    fn tar_header(name: &[u8]) -> Vec<u8> {
        let mut header = buffer(1024, &[(0, name), (100, b"0000644\0"), (124, b"00000000000\0")]);
        header[156] = b'0';
        header[257..263].copy_from_slice(b"ustar\0");
        header[263..265].copy_from_slice(b"00");
        header[148..156].copy_from_slice(b"        ");
        let sum: u32 = header[..512].iter().map(|&b| u32::from(b)).sum();
        let field = format!("{sum:06o}\0 ");
        header[148..156].copy_from_slice(field.as_bytes());
        header
    }

    /// A ZIP local file header for one stored entry called `name`.
    fn zip_with_first_entry(name: &[u8]) -> Vec<u8> {
        let mut zip = b"PK\x03\x04\x14\x00\x00\x00\x00\x00".to_vec();
        zip.extend_from_slice(&[0; 16]);
        zip.extend_from_slice(&u16::try_from(name.len()).unwrap_or(0).to_le_bytes());
        zip.extend_from_slice(&[0, 0]);
        zip.extend_from_slice(name);
        zip.extend_from_slice(b"payload");
        zip
    }

    const LFS_POINTER: &str = "version https://git-lfs.github.com/spec/v1\n\
        oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\n\
        size 12345\n";

    #[test]
    fn databases() {
        assert_eq!(id(&buffer(100, &[(0, b"SQLite format 3\0")])), Some(Format::Sqlite));
        assert_eq!(
            id(&buffer(128, &[(0, b"\x00\x01\x00\x00Standard Jet DB\0")])),
            Some(Format::Access)
        );
        assert_eq!(
            id(&buffer(128, &[(0, b"\x00\x01\x00\x00Standard ACE DB\0")])),
            Some(Format::Access)
        );
        assert_eq!(
            id(&buffer(
                64,
                &[(0, b"\x12\x34\x56\x78\x9a\xbc\xde\xf0DUCK"), (12, &[64])]
            )),
            Some(Format::DuckDb)
        );
        for magic in [0x0006_1561_u32, 0x0005_3162, 0x0004_2253] {
            let le = buffer(64, &[(12, &magic.to_le_bytes())]);
            let be = buffer(64, &[(12, &magic.to_be_bytes())]);
            assert_eq!(id(&le), Some(Format::BerkeleyDb));
            assert_eq!(id(&be), Some(Format::BerkeleyDb));
        }
        let db185 = buffer(64, &[(0, &[0x00, 0x06, 0x15, 0x61, 0x00, 0x00, 0x00, 0x02])]);
        assert_eq!(id(&db185), Some(Format::BerkeleyDb));
        assert_eq!(
            id(&buffer(
                64,
                &[(10, &[0x08, 0x00]), (16, &0xBEEF_C0DE_u32.to_le_bytes())]
            )),
            Some(Format::Lmdb)
        );
        assert_eq!(Format::Sqlite.class(), FormatClass::Database);
    }

    /// A dump header's prefix as read from a larger blob (its rows may come later).
    fn id_prefix(buf: &[u8]) -> Option<Format> {
        identify(buf, Some(buf.len() as u64 + 1_000_000))
    }

    #[test]
    fn schema_dumps_are_not_data_dumps() {
        let schema = "-- MySQL dump 10.13  Distrib 8.0.33, for Linux (x86_64)\n--\n\nCREATE TABLE `t` (`id` int);\n";
        assert_eq!(id(schema.as_bytes()), None);
        let rows = format!("{schema}INSERT INTO `t` VALUES (1);\n");
        assert_eq!(id(rows.as_bytes()), Some(Format::MysqlDump));
        let copy = "--\n-- PostgreSQL database dump\n--\n\nCOPY public.t (id) FROM stdin;\n1\n\\.\n";
        assert_eq!(id(copy.as_bytes()), Some(Format::PostgresDump));
        // A prefix of a larger blob cannot show there are no rows.
        assert_eq!(id_prefix(schema.as_bytes()), Some(Format::MysqlDump));
    }

    #[test]
    fn wiredtiger_files() {
        assert_eq!(
            id(b"WiredTiger\nWiredTiger 11.3.0: (November 16, 2023)\n"),
            Some(Format::WiredTiger)
        );
        assert_eq!(
            id(b"WiredTiger version string\nWiredTiger 11.3.0\n"),
            Some(Format::WiredTiger)
        );
        assert_eq!(
            id(b"\x41\xd8\x01\x00\x01\x00\x00\x00\xd8\x08\x23\xb7\x00\x00\x00\x00"),
            Some(Format::WiredTiger)
        );
        assert_eq!(Format::WiredTiger.class(), FormatClass::Database);
    }

    #[test]
    fn text_dumps() {
        let id = id_prefix;
        let mysql = "-- MySQL dump 10.13  Distrib 8.0.33, for Linux (x86_64)\n--\n-- Host: localhost\n";
        assert_eq!(id(mysql.as_bytes()), Some(Format::MysqlDump));
        let with_bom = format!("\u{feff}\n\n{mysql}");
        assert_eq!(id(with_bom.as_bytes()), Some(Format::MysqlDump));
        let crlf = mysql.replace('\n', "\r\n");
        assert_eq!(id(crlf.as_bytes()), Some(Format::MysqlDump));
        let phpmyadmin = "-- phpMyAdmin SQL Dump\n-- version 5.2.1\n";
        assert_eq!(id(phpmyadmin.as_bytes()), Some(Format::MysqlDump));

        let mariadb = "/*M!999999\\- enable the sandbox mode */ \n\
            -- MariaDB dump 10.19-11.4.2-MariaDB, for Linux (x86_64)\n";
        assert_eq!(id(mariadb.as_bytes()), Some(Format::MariaDbDump));
        assert_eq!(
            id(b"-- MariaDB dump 10.19  Distrib 10.6.12-MariaDB\n"),
            Some(Format::MariaDbDump)
        );

        let postgres = "--\n-- PostgreSQL database dump\n--\n\n-- Dumped from database version 16.2\n\
            SET statement_timeout = 0;\n";
        assert_eq!(id(postgres.as_bytes()), Some(Format::PostgresDump));
        let cluster = "--\n-- PostgreSQL database cluster dump\n--\n\nSET default_transaction_read_only = off;\n";
        assert_eq!(id(cluster.as_bytes()), Some(Format::PostgresDump));
        let late = format!("{}-- PostgreSQL database dump\n", "SELECT 1;\n".repeat(45));
        assert_eq!(id(late.as_bytes()), None);

        let sqlite = "PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\nCREATE TABLE t(x);\nCOMMIT;\n";
        assert_eq!(id(sqlite.as_bytes()), Some(Format::SqliteDump));
        assert_eq!(id(b"PRAGMA foreign_keys=OFF;\nCREATE TABLE t(x);\n"), None);
        assert_eq!(Format::SqliteDump.class(), FormatClass::Dump);
    }

    #[test]
    fn binary_dumps() {
        assert_eq!(
            id(b"PGDMP\x01\x0e\x00\x04\x08\x08\x01\x01\x00\x00\x00"),
            Some(Format::PostgresCustomDump)
        );
        assert_eq!(id(b"PGDMP notes for tomorrow\n"), None);
        assert_eq!(
            id(b"\x03\x00\x01EXPORT:V10.02.01\nDSYSTEM\n"),
            Some(Format::OracleExport)
        );
        assert_eq!(id(b"EXPORT:V11.02.00\nUSCOTT\n"), Some(Format::OracleExport));
        assert_eq!(id(b"REDIS0011\xfa\x09redis-ver\x057.2.4"), Some(Format::RedisRdb));
        assert_eq!(id(b"REDIS0003\xfe\x00\x00\x01a\x01b\xff"), Some(Format::RedisRdb));
        assert_eq!(id(b"REDIS0011 is the version we target\n"), None);
    }

    #[test]
    fn archives() {
        assert_eq!(id(&tar_header(b"backup/db.sql")), Some(Format::Tar));
        let mut tarred_dump = tar_header(b"backup/db.sql");
        tarred_dump.extend_from_slice(b"--\n-- PostgreSQL database dump\n--\n");
        assert_eq!(id(&tarred_dump), Some(Format::Tar));
        let mut corrupt = tar_header(b"backup/db.sql");
        corrupt[0] = b'X';
        assert_eq!(id(&corrupt), None);

        assert_eq!(id(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03"), Some(Format::Gzip));
        assert_eq!(id(&zip_with_first_entry(b"backup/data.csv")), Some(Format::Zip));
        assert_eq!(id(b"PK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"), Some(Format::Zip));
        assert_eq!(id(b"7z\xbc\xaf\x27\x1c\x00\x04"), Some(Format::SevenZip));
        assert_eq!(id(b"Rar!\x1a\x07\x01\x00"), Some(Format::Rar));
        assert_eq!(id(b"Rar!\x1a\x07\x00\xcf"), Some(Format::Rar));
        assert_eq!(id(b"\xfd7zXZ\x00\x00\x04"), Some(Format::Xz));
        assert_eq!(id(b"\x28\xb5\x2f\xfd\x24\x00"), Some(Format::Zstd));
        assert_eq!(id(b"BZh91AY&SY\x12\x34"), Some(Format::Bzip2));
        assert_eq!(id(b"BZh is not a real word\n"), None);
        assert_eq!(id(b"\x04\x22\x4d\x18\x64\x40\xa7"), Some(Format::Lz4));
        assert_eq!(Format::Zip.class(), FormatClass::Archive);
    }

    #[test]
    fn zip_documents_are_not_archives() {
        let docx = zip_with_first_entry(b"[Content_Types].xml");
        assert!(infer::archive::is_zip(&docx));
        assert_eq!(id(&docx), None);
        assert_eq!(id(&zip_with_first_entry(b"word/document.xml")), None);
        assert_eq!(id(&zip_with_first_entry(b"META-INF/MANIFEST.MF")), None);
        assert_eq!(id(&zip_with_first_entry(b"mimetype")), None);
        assert_eq!(id(&zip_with_first_entry(b"AndroidManifest.xml")), None);
    }

    #[test]
    fn disk_images() {
        let iso = buffer(PREFIX_LEN, &[(0x8001, b"CD001")]);
        assert_eq!(id(&iso), Some(Format::Iso9660));
        let later = buffer(PREFIX_LEN, &[(0x8800, b"\x01CD001\x01")]);
        assert_eq!(id(&later), Some(Format::Iso9660));
        let hybrid = buffer(PREFIX_LEN, &[(512, b"EFI PART\0\0\x01\0"), (0x8000, b"\x01CD001\x01")]);
        assert_eq!(id(&hybrid), Some(Format::Iso9660));

        assert_eq!(id(b"QFI\xfb\x00\x00\x00\x03"), Some(Format::Qcow2));
        assert_eq!(id(&buffer(512, &[(0, b"KDMV\x01\x00\x00\x00")])), Some(Format::Vmdk));
        let descriptor = "# Disk DescriptorFile\nversion=1\nCID=fffffffe\nparentCID=ffffffff\n";
        assert_eq!(id(descriptor.as_bytes()), Some(Format::Vmdk));
        assert_eq!(
            id(&buffer(1024, &[(0, b"vhdxfile"), (8, b"Q\0E\0M\0U\0")])),
            Some(Format::Vhdx)
        );
        assert_eq!(id(&buffer(512, &[(0, b"conectix\x00\x00\x00\x02")])), Some(Format::Vhd));
        let vdi = buffer(
            512,
            &[
                (0, b"<<< Oracle VM VirtualBox Disk Image >>>\n"),
                (0x40, &[0x7f, 0x10, 0xda, 0xbe]),
            ],
        );
        assert_eq!(id(&vdi), Some(Format::Vdi));
        let vdi_magic_only = buffer(512, &[(0x40, &0xBEDA_107F_u32.to_le_bytes())]);
        assert_eq!(id(&vdi_magic_only), Some(Format::Vdi));
        let gpt = buffer(
            1024,
            &[(510, b"\x55\xaa"), (512, b"EFI PART\x00\x00\x01\x00\x5c\x00\x00\x00")],
        );
        assert_eq!(id(&gpt), Some(Format::GptDisk));
        assert_eq!(Format::Iso9660.class(), FormatClass::DiskImage);
    }

    #[test]
    fn event_captures() {
        assert_eq!(id(&buffer(128, &[(0, b"ElfFile\0")])), Some(Format::Evtx));
        for magic in [
            b"\xa1\xb2\xc3\xd4",
            b"\xd4\xc3\xb2\xa1",
            b"\xa1\xb2\x3c\x4d",
            b"\x4d\x3c\xb2\xa1",
        ] {
            assert_eq!(id(&buffer(24, &[(0, magic)])), Some(Format::Pcap));
        }
        let pcapng = buffer(28, &[(0, b"\x0a\x0d\x0d\x0a\x1c\x00\x00\x00\x4d\x3c\x2b\x1a")]);
        assert_eq!(id(&pcapng), Some(Format::PcapNg));
        assert_eq!(id(b"\n\r\r\nsome text with odd line endings\n"), None);
        assert_eq!(Format::Pcap.class(), FormatClass::EventCapture);
    }

    #[test]
    fn compiled_binaries() {
        assert_eq!(id(&buffer(64, &[(0, b"\x7fELF\x02\x01\x01")])), Some(Format::Elf));
        let pe = buffer(256, &[(0, b"MZ\x90\x00"), (0x3c, &[0x80, 0, 0, 0]), (0x80, b"PE\0\0")]);
        assert_eq!(id(&pe), Some(Format::PeExecutable));
        assert_eq!(id(&buffer(256, &[(0, b"MZ")])), None);
        assert_eq!(id(b"MZ is the name of our project, see below.\n"), None);
        assert_eq!(
            id(&buffer(64, &[(0, b"\xcf\xfa\xed\xfe\x07\x00\x00\x01")])),
            Some(Format::MachO)
        );
        assert_eq!(
            id(&buffer(64, &[(0, b"\xca\xfe\xba\xbe\x00\x00\x00\x02")])),
            Some(Format::MachO)
        );
        assert_eq!(
            id(&buffer(64, &[(0, b"\xca\xfe\xba\xbe\x00\x00\x00\x41")])),
            Some(Format::JavaClass)
        );
        // Python 3.8 (3413) with flags 0, and Python 2.7 (62211) with an mtime.
        assert_eq!(
            id(&buffer(64, &[(0, b"\x55\x0d\x0d\x0a"), (16, b"\xe3")])),
            Some(Format::PythonBytecode)
        );
        assert_eq!(
            id(&buffer(64, &[(0, b"\x03\xf3\x0d\x0a\x12\x34\x56\x78c")])),
            Some(Format::PythonBytecode)
        );
        // Short CRLF text lines must not look like bytecode.
        assert_eq!(id(b"OK\r\nall good\r\n"), None);
        assert_eq!(id(b"{\r\r\n  \"a\": 1\r\r\n}\r\r\n"), None);
        assert_eq!(Format::Elf.class(), FormatClass::CompiledBinary);
    }

    #[test]
    fn lfs_pointers() {
        let pointer = LFS_POINTER.as_bytes();
        assert!(is_lfs_pointer(pointer, Some(pointer.len() as u64)));
        assert!(is_lfs_pointer(pointer, None));
        assert_eq!(id(pointer), Some(Format::LfsPointer));
        assert_eq!(Format::LfsPointer.class(), FormatClass::LfsPointer);

        let bad_first_line = LFS_POINTER.replace("version https", "version http");
        assert!(!is_lfs_pointer(bad_first_line.as_bytes(), None));
        assert_eq!(id(bad_first_line.as_bytes()), None);
        // The prefix must be the whole blob.
        assert!(!is_lfs_pointer(pointer, Some(4096)));
        let short_oid = LFS_POINTER.replace("2393\n", "239\n");
        assert!(!is_lfs_pointer(short_oid.as_bytes(), None));
        let no_size = LFS_POINTER.replace("size 12345\n", "");
        assert!(!is_lfs_pointer(no_size.as_bytes(), None));
    }

    #[test]
    fn look_alikes_are_not_formats() {
        let texts = [
            "CREATE TABLE users (\n  id INTEGER PRIMARY KEY,\n  name TEXT NOT NULL\n);\n",
            "-- migrate:up\nCREATE TABLE users (id serial primary key);\n\n-- migrate:down\nDROP TABLE users;\n",
            "-- Dump of the schema, see README\nCREATE TABLE t (x int);\n",
            "# Changelog\n\n## [1.2.0] - 2024-05-01\n\n### Added\n- Things\n",
            "hello\n",
            "SQLite format 3 is documented at sqlite.org\n",
            "vhdxfile notes\n",
            "conectix is a company\n",
            "KDMV\n",
            "",
        ];
        for text in texts {
            assert_eq!(id(text.as_bytes()), None, "{text:?}");
            assert!(!sniff(text.as_bytes(), None).binary);
        }
        assert_eq!(id(&buffer(600, &[(512, b"EFI PART is a signature")])), None);
        let mut iso_text = "x".repeat(PREFIX_LEN).into_bytes();
        iso_text[0x8001..0x8006].copy_from_slice(b"CD001");
        assert_eq!(id(&iso_text), None);
    }

    #[test]
    fn iso_timestamped_log() {
        let mut log: String = (0..50)
            .map(|i| {
                let minute = i % 60;
                format!(
                    "2024-05-01T12:{minute:02}:00.123Z INFO request {i} served\n\
                     2024-05-01 12:{minute:02}:01,456 WARN slow query\n"
                )
            })
            .collect();
        log.push_str("    at com.example.Main.main(Main.java:12)\n");
        let s = stats(&log);
        assert_eq!(s.lines, 101);
        assert!(s.timestamped * 10 >= s.lines * 9, "{s:?}");
        let bracketed = stats("[2024-05-01 12:00:00] started\n[2024-05-01 12:00:05] done\n");
        assert_eq!(bracketed.timestamped, 2);
        let go = stats("2024/05/01 12:00:00 listening on :8080\n");
        assert_eq!(go.timestamped, 1);
    }

    #[test]
    fn line_cap_and_partial_lines() {
        let log = "2024-05-01 12:00:00 tick\n".repeat(300);
        assert_eq!(stats(&log).lines, MAX_STAT_LINES);
        // A cut prefix ignores the trailing partial line.
        let prefix = b"2024-05-01 12:00:00 a\n2024-05-01 12:00:00 b\n2024-05-01 12:0";
        let cut = sniff(prefix, Some(10_000)).lines;
        assert_eq!((cut.lines, cut.timestamped), (2, 2));
        let whole = sniff(prefix, Some(prefix.len() as u64)).lines;
        assert_eq!((whole.lines, whole.timestamped), (3, 2));
        assert_eq!(sniff(b"no newline at all", Some(100)).lines, LineStats::default());
    }

    #[test]
    fn dates_without_times_are_not_timestamps() {
        let changelog = "2024-05-01  Jane Doe  <jane@example.org>\n\n\
            \t* src/main.c (main): Fix the frobnicator.\n\
            \t* src/util.c: New file.\n\n\
            2024-04-28  John Roe  <john@example.org>\n\n\
            \t* README: Mention the new option.\n";
        let s = stats(changelog);
        assert_eq!(s.lines, 5);
        assert_eq!(s.timestamped, 0);
        assert_eq!(stats("2024-05-01 Fix bug\n2024-05-02 Add feature\n").timestamped, 0);
        let markdown = "# Changelog\n\n## 2024-05-01\n\n- Fixed a bug at 12:00\n";
        assert_eq!(stats(markdown).timestamped, 0);
        assert_eq!(stats("2024-13-01 12:00:00 bad month\n").timestamped, 0);
    }

    #[test]
    fn syslog_lines() {
        let syslog = "Jan  2 15:04:05 host sshd[42]: Accepted publickey for git\n\
            Jan 02 15:04:06 host systemd[1]: Started session.\n\
            <34>Oct 11 22:14:15 mymachine su: 'su root' failed\n\
            <165>1 2024-05-01T12:00:00.003Z host app 1234 ID47 - message\n\
            Wed Oct 11 14:32:52 2000 kernel booted\n\
            [Wed Oct 11 14:32:52 2000] [error] [client 127.0.0.1] oops\n";
        let s = stats(syslog);
        assert_eq!((s.lines, s.timestamped), (6, 6));
        assert_eq!(stats("Jan is a month\nMay 2024 release\n").timestamped, 0);
    }

    #[test]
    fn common_log_format_lines() {
        let clf = "127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] \"GET /apache_pb.gif HTTP/1.0\" 200 2326\n\
            10.0.0.7 - - [10/Oct/2000:13:55:37 -0700] \"GET / HTTP/1.1\" 200 512 \"-\" \"curl/8.0\"\n\
            example.org 10.0.0.7 - - [10/Oct/2000:13:55:38 -0700] \"GET / HTTP/1.1\" 304 0\n";
        let s = stats(clf);
        assert_eq!((s.lines, s.timestamped), (3, 3));
        assert_eq!(stats("see the list [1] for details\n").timestamped, 0);
    }

    #[test]
    fn epoch_lines() {
        let s = stats("1714564800 started\n1714564800123,stopped\n1714564800.123 squid\n");
        assert_eq!((s.lines, s.timestamped), (3, 3));
        let numbers = stats("12345 apples\n17145648001 too long\n1714564800\n0714564800 x\n");
        assert_eq!(numbers.timestamped, 0);
    }

    #[test]
    fn json_lines() {
        let jsonl = "{\"timestamp\":\"2024-05-01T12:00:00Z\",\"level\":\"info\",\"msg\":\"hi\"}\n\
            {\"level\": \"warn\", \"@timestamp\": \"2024-05-01T12:00:01Z\"}\n\
            {\"ts\":1714564800.5,\"msg\":\"quoted \\\"time\\\": inside\"}\n\
            {\"msg\":\"time\",\"level\":\"debug\"}\n\
            {\"name\":\"x\"}\n";
        let s = stats(jsonl);
        assert_eq!((s.lines, s.json_timestamped, s.timestamped), (5, 3, 0));
        assert_eq!(stats("{\"msg\": \"the time: now\"}\n").json_timestamped, 0);
    }

    #[test]
    fn monitor_outputs_and_line_records() {
        let summary = b"[\n  {\n    \"name\": \"Site\",\n    \"status\": \"up\",\n    \"uptime\": \"100.00%\",\n    \"time\": 120\n  }\n]\n";
        assert!(sniff(summary, None).status_record);
        assert!(!sniff(b"{\"status\": \"ok\", \"price\": 12.5}", None).status_record);
        let badge = b"{\"schemaVersion\":1,\"label\":\"uptime\",\"message\":\"100%\",\"color\":\"green\"}";
        assert!(sniff(badge, None).badge);
        assert!(!sniff(b"{\"label\":\"x\",\"message\":\"y\"}", None).badge);
        let ranges: String = (0..40).map(|i| format!("10.{i}.0.0/16\n")).collect();
        assert!(sniff(ranges.as_bytes(), None).line_records);
        let few: String = (0..5).map(|i| format!("10.{i}.0.0/16\n")).collect();
        assert!(!sniff(few.as_bytes(), None).line_records);
        let prose: String = (0..40).map(|i| format!("line {i} of some help text\n")).collect();
        assert!(!sniff(prose.as_bytes(), None).line_records);
        let log = "INFO:app:start\nINFO:app:loaded 3\nWARNING:app:slow\nINFO:app:done\nERROR:app:x\n";
        assert!(sniff(log.as_bytes(), None).leveled_log);
        assert!(!sniff(b"[section]\nkey = value\nother = 2\nthird = 3\nfourth = 4\n", None).leveled_log);
        let commented = format!("# ranges\n{ranges}");
        assert!(!sniff(commented.as_bytes(), None).line_records);
    }

    #[test]
    fn data_assigned_in_a_script() {
        for data in [
            "window.BENCHMARK_DATA = {\n  \"lastUpdate\": 1712000000000,\n  \"entries\": {}\n}\n",
            "var stations = [{\"id\": 1, \"name\": \"North\"}];\n",
            "export default [[1, 2], [3, 4]]\n",
            "module.exports = {\"a\": 1}\n",
        ] {
            assert!(sniff(data.as_bytes(), None).json_assignment, "{data}");
        }
        for code in [
            "module.exports = { presets: ['env'] };\n",
            "const config = {\"a\": () => 1};\n",
            "window.onload = function () { run(); };\n",
            "var total = 3;\n",
            "if (a == b) { x = {\"a\": 1} }\n",
            "const same = a === {\"b\": 1};\n",
        ] {
            assert!(!sniff(code.as_bytes(), None).json_assignment, "{code}");
        }
    }

    #[test]
    fn cloudtrail_records() {
        let trail = "{\"Records\":[{\"eventVersion\":\"1.08\",\"userIdentity\":{},\
            \"eventTime\":\"2024-05-01T12:00:00Z\",\"eventSource\":\"s3.amazonaws.com\",\
            \"eventName\":\"GetObject\"}]}";
        let sniffed = sniff(trail.as_bytes(), None);
        assert!(sniffed.cloudtrail);
        assert!(!sniffed.binary);
        assert!(!sniff(b"{\"eventName\":\"x\"}", None).cloudtrail);
        assert!(!sniff(b"eventVersion eventSource eventName", None).cloudtrail);
    }

    #[test]
    fn generated_markers() {
        let go = "// Code generated by protoc-gen-go. DO NOT EDIT.\n// versions:\n\npackage pb\n";
        assert!(sniff(go.as_bytes(), None).generated_marker);
        assert!(sniff(b"# automatically generated by tool X, do not edit\n", None).generated_marker);
        assert!(sniff(b"/**\n * @generated SignedSource<<abc>>\n */\n", None).generated_marker);
        let late = format!("{}// DO NOT EDIT\n", "// filler line that is long enough\n".repeat(40));
        assert!(!sniff(late.as_bytes(), None).generated_marker);
        assert!(!sniff(b"fn main() {}\n", None).generated_marker);
        let generator = "package gen\n\nfunc f(g *G) {\n\tg.P(\"// Code generated by x. DO NOT EDIT.\")\n}\n";
        assert!(!sniff(generator.as_bytes(), None).generated_marker);
        let script = "#!/bin/sh\n# builds a lock file\nset -e\ncat > Cargo.lock <<EOF\n# This file is automatically @generated by Cargo.\nEOF\n";
        assert!(!sniff(script.as_bytes(), None).generated_marker);
        let licensed = "// Copyright 2024 The Authors.\n// SPDX-License-Identifier: MIT\n\n// Code generated by stringer. DO NOT EDIT.\n\npackage x\n";
        assert!(sniff(licensed.as_bytes(), None).generated_marker);
    }

    #[test]
    fn binary_flag() {
        assert!(sniff(b"abc\0def", None).binary);
        assert!(!sniff(b"plain text\n", None).binary);
        let mut late_nul = vec![b'a'; BINARY_CHECK_LEN];
        late_nul.push(0);
        assert!(!sniff(&late_nul, None).binary);
        let binary = sniff(&buffer(100, &[(0, b"SQLite format 3\0")]), None);
        assert!(binary.binary);
        assert_eq!(binary.format, Some(Format::Sqlite));
        assert_eq!(binary.lines, LineStats::default());
    }

    #[test]
    fn sqlite_sidecars() {
        let wal = buffer(64, &[(0, &[0x37, 0x7f, 0x06, 0x82]), (4, &3_007_000_u32.to_be_bytes())]);
        assert_eq!(id(&wal), Some(Format::SqliteWal));
        let wal_be = buffer(64, &[(0, &[0x37, 0x7f, 0x06, 0x83]), (4, &3_007_000_u32.to_be_bytes())]);
        assert_eq!(id(&wal_be), Some(Format::SqliteWal));
        // The magic without the format version is not enough.
        assert_eq!(id(&buffer(64, &[(0, &[0x37, 0x7f, 0x06, 0x82])])), None);
        let journal = buffer(64, &[(0, &[0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7])]);
        assert_eq!(id(&journal), Some(Format::SqliteJournal));
        assert_eq!(Format::SqliteWal.class(), FormatClass::Database);
    }

    #[test]
    fn embedded_and_time_series_stores() {
        let mut h2 =
            b"H:2,block:3,blockSize:1000,chunk:1,created:18f12345678,format:2,version:1,fletcher:1a2b3c4d\n".to_vec();
        h2.resize(4096, b' ');
        assert_eq!(id(&h2), Some(Format::H2));
        h2.extend_from_slice(&[0; 64]);
        assert_eq!(id(&h2), Some(Format::H2));
        assert_eq!(id(b"H:2, the second heading of the notes\n"), None);

        let realm = buffer(64, &[(0, &[0x00, 0x10]), (16, b"T-DB"), (20, &[0x16, 0x16])]);
        assert_eq!(id(&realm), Some(Format::Realm));
        assert_eq!(id(b"0123456789abcdefT-DB is our acronym\n"), None);

        assert_eq!(
            id(&buffer(64, &[(0, &[0x16, 0xd1, 0x16, 0xd1, 0x01])])),
            Some(Format::InfluxTsm)
        );
        assert_eq!(id(&buffer(64, &[(0, &[0x16, 0xd1, 0x16, 0xd1, 0x07])])), None);
        for magic in [
            [0x85, 0xbd, 0x40, 0xdd, 1],
            [0xba, 0xaa, 0xd7, 0x00, 2],
            [0x01, 0x30, 0xbc, 0x91, 1],
        ] {
            assert_eq!(
                id(&buffer(64, &[(0, &magic)])),
                Some(Format::PrometheusTsdb),
                "{magic:x?}"
            );
        }
        assert_eq!(id(&buffer(64, &[(0, &[0x85, 0xbd, 0x40, 0xdd, 9])])), None);
    }

    #[test]
    fn terraform_state() {
        let state = "{\n  \"version\": 4,\n  \"terraform_version\": \"1.5.7\",\n  \"serial\": 12,\n  \
            \"lineage\": \"5b3a1c52-8a3e-4a9e-bd6c-0d1f6a5b2c11\",\n  \"outputs\": {},\n  \"resources\": []\n}\n";
        assert_eq!(id(state.as_bytes()), Some(Format::TerraformState));
        assert_eq!(Format::TerraformState.class(), FormatClass::Database);
        // A plan or a provider lock names Terraform's version but has no lineage and serial.
        assert_eq!(
            id(b"{\"format_version\":\"1.2\",\"terraform_version\":\"1.5.7\"}"),
            None
        );
        assert_eq!(id(b"terraform_version lineage serial\n"), None);
    }

    #[test]
    fn crash_dumps_and_profiles() {
        let core = buffer(64, &[(0, b"\x7fELF\x02\x01\x01"), (16, &[4, 0])]);
        assert_eq!(id(&core), Some(Format::ElfCore));
        let core_be = buffer(64, &[(0, b"\x7fELF\x02\x02\x01"), (16, &[0, 4])]);
        assert_eq!(id(&core_be), Some(Format::ElfCore));
        let exe = buffer(64, &[(0, b"\x7fELF\x02\x01\x01"), (16, &[2, 0])]);
        assert_eq!(id(&exe), Some(Format::Elf));
        assert!(Format::ElfCore.is_memory_dump() && !Format::Elf.is_memory_dump());
        assert_eq!(id(&buffer(64, &[(0, b"MDMP\x93\xa7")])), Some(Format::Minidump));
        assert_eq!(id(b"MDMP is a file format\n"), None);
        assert_eq!(id(&buffer(64, &[(0, b"PERFILE2\x68")])), Some(Format::PerfData));
        assert_eq!(id(b"PERFILE2 notes and more notes\n"), None);
        assert_eq!(Format::PerfData.class(), FormatClass::CompiledBinary);
    }

    #[test]
    fn ocsf_events() {
        let event =
            "{\"class_uid\":3002,\"category_uid\":3,\"time\":1712131200000,\"metadata\":{\"version\":\"1.1.0\"}}\n";
        assert!(sniff(event.as_bytes(), None).ocsf);
        assert!(!sniff(b"{\"class_uid\":3002,\"time\":1}", None).ocsf);
        assert!(!sniff(b"class_uid category_uid time metadata", None).ocsf);
    }

    #[test]
    fn names_and_classes() {
        assert_eq!(Format::Sqlite.name(), "SQLite database");
        assert_eq!(Format::MysqlDump.name(), "MySQL dump");
        assert_eq!(Format::Iso9660.to_string(), "ISO 9660 disk image");
        let mut names: Vec<_> = ALL.iter().map(|f| f.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ALL.len());
    }
}
