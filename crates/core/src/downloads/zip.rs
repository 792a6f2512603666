//! A ZIP archive written as a stream: each entry's header is made once its
//! bytes are known (their size and CRC-32), the bytes follow unchanged
//! (photos are JPEG already: *stored*, not compressed again), and the
//! central directory comes last. The writer keeps only each entry's name
//! and numbers, never the bytes, so the caller can hand every piece on as
//! it goes (the app puts them into a `Blob` the browser keeps, on disk if
//! it must).
//!
//! Names are UTF-8 (flag bit 11). Past 4 GiB, or past 65,535 entries, the
//! archive switches to ZIP64 records where they are needed, as full-size
//! downloads of a large gallery can be.

/// A field whose value is in the ZIP64 extra field instead.
const MARKER_32: u32 = u32::MAX;
const MARKER_16: u16 = u16::MAX;
/// Version 2.0 (stored entries, UTF-8 names) and 4.5 (ZIP64).
const VERSION_20: u16 = 20;
const VERSION_45: u16 = 45;
const UTF8_NAMES: u16 = 1 << 11;

/// CRC-32 (IEEE) of a file's bytes, as a ZIP entry records it. A byte at
/// a time from one 1 KiB table (hundreds of MB/s, even in wasm): the
/// sliced tables of a faster crate would add 16 KiB to the app.
pub fn crc32(bytes: &[u8]) -> u32 {
    !bytes.iter().fold(!0u32, |crc, &b| {
        CRC_TABLE[usize::from((crc as u8) ^ b)] ^ (crc >> 8)
    })
}

const CRC_TABLE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
            k += 1;
        }
        table[i] = c;
        i += 1;
    }
    table
};

/// What the central directory needs of an entry already written.
struct Entry {
    name: String,
    crc32: u32,
    size: u64,
    offset: u64,
    dos_time: u16,
    dos_date: u16,
}

/// Writes a ZIP archive's headers; the caller writes each entry's bytes
/// right after its header.
pub struct ZipWriter {
    entries: Vec<Entry>,
    /// Bytes of the archive so far.
    offset: u64,
    /// Values from this size on go in ZIP64 fields (a test lowers it to
    /// write ZIP64 records for a small archive).
    zip64_from: u64,
}

impl Default for ZipWriter {
    fn default() -> Self {
        ZipWriter::new()
    }
}

impl ZipWriter {
    pub fn new() -> ZipWriter {
        ZipWriter {
            entries: Vec::new(),
            offset: 0,
            zip64_from: u64::from(MARKER_32),
        }
    }

    /// A writer that writes ZIP64 records for every entry and the archive,
    /// as it would past 4 GiB.
    pub fn always_zip64() -> ZipWriter {
        ZipWriter {
            zip64_from: 0,
            ..ZipWriter::new()
        }
    }

    /// Bytes of the archive written so far (headers and entries).
    pub fn len(&self) -> u64 {
        self.offset
    }

    pub fn is_empty(&self) -> bool {
        self.offset == 0
    }

    /// The local header of an entry named `name` holding `size` bytes with
    /// this CRC-32, modified at `unix_secs` (UTC): write it, then the bytes.
    pub fn entry_header(&mut self, name: &str, size: u64, crc32: u32, unix_secs: i64) -> Vec<u8> {
        let (dos_time, dos_date) = dos_time(unix_secs);
        let zip64 = size >= self.zip64_from;
        let mut h = Vec::with_capacity(30 + name.len() + 20);
        put32(&mut h, 0x0403_4b50);
        put16(&mut h, if zip64 { VERSION_45 } else { VERSION_20 });
        put16(&mut h, UTF8_NAMES);
        put16(&mut h, 0); // stored
        put16(&mut h, dos_time);
        put16(&mut h, dos_date);
        put32(&mut h, crc32);
        let short = if zip64 { MARKER_32 } else { size as u32 };
        put32(&mut h, short);
        put32(&mut h, short);
        put16(&mut h, name.len() as u16);
        put16(&mut h, if zip64 { 20 } else { 0 });
        h.extend_from_slice(name.as_bytes());
        if zip64 {
            put16(&mut h, 0x0001);
            put16(&mut h, 16);
            put64(&mut h, size);
            put64(&mut h, size);
        }
        self.entries.push(Entry {
            name: name.to_owned(),
            crc32,
            size,
            offset: self.offset,
            dos_time,
            dos_date,
        });
        self.offset += h.len() as u64 + size;
        h
    }

    /// The central directory and the end records: the archive's last bytes.
    pub fn finish(self) -> Vec<u8> {
        let mut out = Vec::new();
        let start = self.offset;
        for e in &self.entries {
            let big_size = e.size >= self.zip64_from;
            let big_offset = e.offset >= self.zip64_from;
            let mut extra = Vec::new();
            if big_size {
                put64(&mut extra, e.size);
                put64(&mut extra, e.size);
            }
            if big_offset {
                put64(&mut extra, e.offset);
            }
            let version = if extra.is_empty() {
                VERSION_20
            } else {
                VERSION_45
            };
            put32(&mut out, 0x0201_4b50);
            put16(&mut out, version); // made by: MS-DOS
            put16(&mut out, version);
            put16(&mut out, UTF8_NAMES);
            put16(&mut out, 0);
            put16(&mut out, e.dos_time);
            put16(&mut out, e.dos_date);
            put32(&mut out, e.crc32);
            let size = if big_size { MARKER_32 } else { e.size as u32 };
            put32(&mut out, size);
            put32(&mut out, size);
            put16(&mut out, e.name.len() as u16);
            put16(
                &mut out,
                if extra.is_empty() {
                    0
                } else {
                    4 + extra.len() as u16
                },
            );
            put16(&mut out, 0); // comment
            put16(&mut out, 0); // disk
            put16(&mut out, 0); // internal attributes
            put32(&mut out, 0); // external attributes
            put32(
                &mut out,
                if big_offset {
                    MARKER_32
                } else {
                    e.offset as u32
                },
            );
            out.extend_from_slice(e.name.as_bytes());
            if !extra.is_empty() {
                put16(&mut out, 0x0001);
                put16(&mut out, extra.len() as u16);
                out.extend_from_slice(&extra);
            }
        }
        let size = out.len() as u64;
        let count = self.entries.len() as u64;
        let zip64 =
            count >= u64::from(MARKER_16) || start >= self.zip64_from || size >= self.zip64_from;
        if zip64 {
            let record = start + size;
            put32(&mut out, 0x0606_4b50);
            put64(&mut out, 44);
            put16(&mut out, VERSION_45);
            put16(&mut out, VERSION_45);
            put32(&mut out, 0);
            put32(&mut out, 0);
            put64(&mut out, count);
            put64(&mut out, count);
            put64(&mut out, size);
            put64(&mut out, start);
            put32(&mut out, 0x0706_4b50);
            put32(&mut out, 0);
            put64(&mut out, record);
            put32(&mut out, 1);
        }
        put32(&mut out, 0x0605_4b50);
        put16(&mut out, 0);
        put16(&mut out, 0);
        let short_count = if zip64 { MARKER_16 } else { count as u16 };
        put16(&mut out, short_count);
        put16(&mut out, short_count);
        put32(&mut out, if zip64 { MARKER_32 } else { size as u32 });
        put32(&mut out, if zip64 { MARKER_32 } else { start as u32 });
        put16(&mut out, 0);
        out
    }
}

/// Unix seconds (UTC) as an MS-DOS time and date, to the even second;
/// before 1980, 1 January 1980.
fn dos_time(unix_secs: i64) -> (u16, u16) {
    let days = unix_secs.div_euclid(86_400);
    let secs = unix_secs.rem_euclid(86_400);
    let (y, m, d) = crate::calendar::civil_from_days(days);
    if y < 1980 {
        return (0, (1 << 5) | 1);
    }
    let y = y.min(2107);
    let time = ((secs / 3600) << 11) | (((secs / 60) % 60) << 5) | ((secs % 60) / 2);
    let date = ((y - 1980) << 9) | (m << 5) | d;
    (time as u16, date as u16)
}

fn put16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put64(out: &mut Vec<u8>, v: u64) {
    out.extend_from_slice(&v.to_le_bytes());
}

#[cfg(test)]
mod tests {
    use std::process::Command;

    use super::*;

    /// A whole archive of these files.
    fn archive(mut zip: ZipWriter, files: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = Vec::new();
        for (name, bytes) in files {
            out.extend(zip.entry_header(name, bytes.len() as u64, crc32(bytes), 1_768_399_500));
            out.extend_from_slice(bytes);
        }
        assert_eq!(zip.len(), out.len() as u64);
        out.extend(zip.finish());
        out
    }

    /// What Python's `zipfile` (a reader we did not write) reads back:
    /// each entry's name, time and bytes, its CRC checked.
    fn python_reads(zip: &[u8]) -> String {
        let path = std::env::temp_dir().join(format!(
            "proofline-zip-{}-{}.zip",
            std::process::id(),
            crate::cache::sha256(zip).as_str()
        ));
        std::fs::write(&path, zip).unwrap();
        let out = Command::new("python3")
            .arg("-c")
            .arg(
                "import sys, zipfile\n\
                 z = zipfile.ZipFile(sys.argv[1])\n\
                 assert z.testzip() is None\n\
                 for i in z.infolist():\n    \
                     print(i.filename, i.date_time, z.read(i).decode())\n",
            )
            .arg(&path)
            .output()
            .expect("python3 runs");
        std::fs::remove_file(&path).unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    const FILES: &[(&str, &[u8])] = &[
        ("Café terrace.jpg", b"first photo"),
        ("Ceremony/IMG_1.jpg", b"second"),
        ("empty.jpg", b""),
    ];

    const READ_BACK: &str = "Café terrace.jpg (2026, 1, 14, 14, 5, 0) first photo\n\
                             Ceremony/IMG_1.jpg (2026, 1, 14, 14, 5, 0) second\n\
                             empty.jpg (2026, 1, 14, 14, 5, 0) \n";

    #[test]
    fn another_reader_reads_back_names_times_and_bytes() {
        assert_eq!(python_reads(&archive(ZipWriter::new(), FILES)), READ_BACK);
    }

    #[test]
    fn zip64_records_read_back_the_same() {
        let zip = archive(ZipWriter::always_zip64(), FILES);
        assert_eq!(python_reads(&zip), READ_BACK);
        // The ZIP64 end record and its locator are there.
        let find = |sig: u32| zip.windows(4).any(|w| w == sig.to_le_bytes());
        assert!(find(0x0606_4b50) && find(0x0706_4b50));
        let plain = archive(ZipWriter::new(), FILES);
        assert!(!plain.windows(4).any(|w| w == 0x0606_4b50u32.to_le_bytes()));
    }

    #[test]
    fn an_empty_archive_is_valid() {
        assert_eq!(python_reads(&archive(ZipWriter::new(), &[])), "");
    }

    #[test]
    fn dos_times() {
        // 14 Jan 2026 14:05:01 UTC: seconds are kept to the even second.
        assert_eq!(
            dos_time(1_768_399_501),
            ((14 << 11) | (5 << 5), ((2026 - 1980) << 9) | (1 << 5) | 14)
        );
        assert_eq!(dos_time(0), (0, (1 << 5) | 1));
    }

    #[test]
    fn crc32_is_the_ieee_one() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }
}
