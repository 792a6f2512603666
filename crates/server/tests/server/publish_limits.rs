//! `proofline publish`, as a real process, on a hostile folder: a PNG that
//! says it is 50,000 × 50,000 pixels (2.4 MB on disk, 2.5 GB decoded), a
//! 3 GiB file that is not a photo (sparse), symbolic links and a folder it
//! may not read, next to real photos. The photos are published, everything
//! else is named with its reason, and the process's peak resident memory
//! (its `VmHWM`, read while it runs) stays under 1 GB.
//!
//! Root reads any folder, so when the tests run as root (CI and this
//! project's machines do) the publish runs as `nobody`: the locked folder
//! is then really unreadable to it.

use std::os::unix::fs::{PermissionsExt as _, chown, lchown, symlink};
use std::os::unix::process::CommandExt as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use proofline_samples::Sample;
use proofline_test_support::free_port;

/// Who runs the publish when the tests run as root.
const NOBODY: u32 = 65_534;
/// The most the publishing process may hold, in kB.
const PEAK_LIMIT_KB: u64 = 1_000_000;

#[test]
fn a_hostile_folder_publishes_its_photos_and_skips_the_rest_in_little_memory() {
    let dir = tempfile::tempdir().unwrap();
    let (folder, data) = (dir.path().join("Shoot"), dir.path().join("data"));
    std::fs::create_dir_all(folder.join("Locked")).unwrap();
    std::fs::create_dir_all(&data).unwrap();
    for (name, seed) in [("IMG 1.jpg", 1), ("IMG 2.jpg", 2), ("IMG 3.png", 3)] {
        photo(&folder.join(name), seed);
    }
    photo(&folder.join("Locked/IMG 4.jpg"), 4);
    photo(&dir.path().join("Elsewhere.jpg"), 5);

    let small = black_png(1000, 700);
    let decoded = image::load_from_memory(&small).unwrap().into_luma8();
    assert_eq!(
        decoded.dimensions(),
        (1000, 700),
        "the generator makes PNGs"
    );
    assert!(decoded.pixels().all(|p| p.0 == [0]));
    let huge = black_png(50_000, 50_000);
    assert!(huge.len() < 3_000_000, "{} bytes on disk", huge.len());
    std::fs::write(folder.join("Huge.png"), &huge).unwrap();
    std::fs::File::create(folder.join("disk.img"))
        .unwrap()
        .set_len(3 << 30)
        .unwrap();
    symlink(dir.path().join("Elsewhere.jpg"), folder.join("Link.jpg")).unwrap();
    symlink(dir.path(), folder.join("Linked set")).unwrap();

    // The binary, where `nobody` may run it (a target directory under
    // root's home is not).
    let bin = dir.path().join("proofline");
    std::fs::copy(env!("CARGO_BIN_EXE_proofline"), &bin).unwrap();
    let as_root = proofline_test_support::is_root();
    if as_root {
        give_to_nobody(dir.path());
    }
    let locked = folder.join("Locked");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();

    let (out, err) = (dir.path().join("stdout"), dir.path().join("stderr"));
    let mut publish = Command::new(&bin);
    publish
        .env_clear()
        .arg("publish")
        .arg(&folder)
        .arg("--data-dir")
        .arg(&data)
        .args(["--listen", &format!("127.0.0.1:{}", free_port())])
        .args(["--store-listen", &format!("127.0.0.1:{}", free_port())])
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(&err).unwrap());
    if as_root {
        publish.uid(NOBODY).gid(NOBODY);
    }
    let (status, peak_kb) = run_measuring_peak(&mut publish);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    let (out, err) = (
        std::fs::read_to_string(out).unwrap(),
        std::fs::read_to_string(err).unwrap(),
    );
    println!("peak RSS of `proofline publish` on the hostile folder: {peak_kb} kB");
    assert!(status.success(), "{status}\n{out}\n{err}");

    assert!(
        out.starts_with("Published 3 photo(s) as gallery "),
        "{out}\n{err}"
    );
    let skipped: Vec<&str> = err
        .lines()
        .skip_while(|l| !l.starts_with("Skipped "))
        .collect();
    assert_eq!(
        skipped,
        [
            "Skipped 5 file(s):",
            "  disk.img: is not a JPEG or PNG image",
            "  Huge.png: is too large: 50000 × 50000 pixels is 2500 megapixels (the limit is 250)",
            "  Link.jpg: is a symbolic link: links are not followed (put the photo itself in the folder)",
            "  Linked set: is a symbolic link: links are not followed (put the photo itself in the folder)",
            "  Locked: is a folder that cannot be read (Permission denied (os error 13)): nothing in it was published",
        ],
        "{err}"
    );
    assert!(
        peak_kb < PEAK_LIMIT_KB,
        "the publish held {peak_kb} kB at its peak"
    );
}

/// Writes a generated photo (JPEG or PNG, by its extension) at `path`.
fn photo(path: &Path, seed: u32) {
    let sample = Sample {
        file_name: path.file_name().unwrap().to_string_lossy().into(),
        width: 900,
        height: 600,
        orientation: None,
        seed,
    };
    std::fs::write(path, proofline_samples::encode(&sample).unwrap()).unwrap();
}

/// Runs `cmd` to its end, reading its peak resident memory (`VmHWM`, in kB)
/// as it runs: the high-water mark only grows, so the last reading before
/// it exits is its peak.
fn run_measuring_peak(cmd: &mut Command) -> (std::process::ExitStatus, u64) {
    let mut child = cmd.spawn().unwrap();
    let status_file = format!("/proc/{}/status", child.id());
    let deadline = Instant::now() + Duration::from_secs(300);
    let mut peak_kb = 0;
    loop {
        let hwm = std::fs::read_to_string(&status_file)
            .ok()
            .and_then(|status| vm_hwm_kb(&status));
        peak_kb = hwm.unwrap_or(0).max(peak_kb);
        if let Some(status) = child.try_wait().unwrap() {
            return (status, peak_kb);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the publish did not finish in 5 minutes");
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn vm_hwm_kb(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Makes everything under `dir` (and `dir`) belong to `nobody`.
fn give_to_nobody(dir: &Path) {
    chown(dir, Some(NOBODY), Some(NOBODY)).unwrap();
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let kind = entry.file_type().unwrap();
        if kind.is_symlink() {
            lchown(entry.path(), Some(NOBODY), Some(NOBODY)).unwrap();
        } else if kind.is_dir() {
            give_to_nobody(&entry.path());
        } else {
            chown(entry.path(), Some(NOBODY), Some(NOBODY)).unwrap();
        }
    }
}

/// A PNG of `width × height` black pixels (8-bit grey) that is small on
/// disk, written without ever holding the picture: one deflate block whose
/// codes make each run of 258 zeros two bits.
fn black_png(width: u32, height: u32) -> Vec<u8> {
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend(height.to_be_bytes());
    ihdr.extend([8, 0, 0, 0, 0]); // 8-bit grey, deflate, adaptive filters, not interlaced
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut png, b"IHDR", &ihdr);
    // Each row is a filter byte (0: none) and its pixels.
    let raw = u64::from(height) * (u64::from(width) + 1);
    chunk(&mut png, b"IDAT", &zlib_zeros(raw));
    chunk(&mut png, b"IEND", &[]);
    png
}

fn chunk(png: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    png.extend(u32::try_from(data.len()).unwrap().to_be_bytes());
    let start = png.len();
    png.extend(kind);
    png.extend(data);
    let crc = crc32(&png[start..]);
    png.extend(crc.to_be_bytes());
}

fn crc32(bytes: &[u8]) -> u32 {
    let table: Vec<u32> = (0..256u32)
        .map(|n| {
            (0..8).fold(n, |c, _| {
                if c & 1 == 1 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                }
            })
        })
        .collect();
    !bytes.iter().fold(!0u32, |c, &b| {
        table[((c ^ u32::from(b)) & 0xFF) as usize] ^ (c >> 8)
    })
}

/// Bits as deflate packs them: values least significant bit first,
/// Huffman codes most significant bit first.
#[derive(Default)]
struct Bits {
    out: Vec<u8>,
    acc: u64,
    n: u32,
}

impl Bits {
    fn put(&mut self, value: u64, count: u32) {
        self.acc |= value << self.n;
        self.n += count;
        while self.n >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.n -= 8;
        }
    }

    fn code(&mut self, code: u64, len: u32) {
        for i in (0..len).rev() {
            self.put((code >> i) & 1, 1);
        }
    }

    fn finish(mut self) -> Vec<u8> {
        if self.n > 0 {
            self.out.push(self.acc as u8);
        }
        self.out
    }
}

/// A zlib stream of `n` (≥ 1) zero bytes: a zero, then runs of 258 (the
/// longest match, one bit, at distance 1, one bit), then single zeros.
fn zlib_zeros(n: u64) -> Vec<u8> {
    let mut bits = Bits::default();
    bits.put(1, 1); // the last block
    bits.put(2, 2); // with its own Huffman codes
    bits.put(286 - 257, 5); // literal/length codes
    bits.put(2 - 1, 5); // distance codes
    bits.put(18 - 4, 4); // code length codes, in the order below
    for symbol in [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1] {
        bits.put(
            match symbol {
                18 => 1,
                1 | 2 => 2,
                _ => 0,
            },
            3,
        );
    }
    // Code length codes (canonical): 18 (a run of zeros) is 0, 1 is 10, 2 is 11.
    let (one, two) = (0b10, 0b11);
    let zeros = |bits: &mut Bits, run: u64| {
        bits.code(0, 1);
        bits.put(run - 11, 7);
    };
    // Literal/length lengths: literal 0 → 2, end of block (256) → 2, length
    // 258 (285) → 1, the others unused; distance codes 0 and 1 → 1.
    bits.code(two, 2);
    zeros(&mut bits, 138);
    zeros(&mut bits, 117);
    bits.code(two, 2);
    zeros(&mut bits, 28);
    bits.code(one, 2);
    bits.code(one, 2);
    bits.code(one, 2);
    // Canonical codes: 285 is 0, literal 0 is 10, end of block 11; distance 1 is 0.
    bits.code(0b10, 2);
    let (runs, rest) = ((n - 1) / 258, (n - 1) % 258);
    for _ in 0..runs {
        bits.put(0, 2);
    }
    for _ in 0..rest {
        bits.code(0b10, 2);
    }
    bits.code(0b11, 2);
    let mut zlib = vec![0x78, 0x01];
    zlib.extend(bits.finish());
    let adler = ((n % 65_521) << 16) | 1;
    zlib.extend(u32::try_from(adler).unwrap().to_be_bytes());
    zlib
}
