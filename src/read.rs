//! Opening files that a user, or an attacker who controls the workspace, names: the
//! configuration, rule files, reports, documents.
//!
//! Only regular files are read. A FIFO, socket or device (`/dev/zero`, a named pipe planted as
//! `onboarding.yaml`) is refused before a single byte is read, so nothing blocks forever or
//! streams without end; the open itself is non-blocking, and the file is checked again once open,
//! so swapping a pipe in between gains nothing. Every read has a size cap, and the error names
//! the cap and how to raise it.

pub mod process;

use std::fs::{File, Metadata};
use std::io::Read;
use std::path::Path;

/// Why a file was not read, in words that name the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    pub kind: ReadErrorKind,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadErrorKind {
    NotFound,
    NotRegular,
    TooLarge,
    Io,
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ReadError {}

fn error(kind: ReadErrorKind, message: String) -> ReadError {
    ReadError { kind, message }
}

/// A size in words (`16 MiB`, `512 bytes`).
pub fn bytes(n: u64) -> String {
    if n >= 1 << 30 && n.is_multiple_of(1 << 30) {
        format!("{} GiB", n >> 30)
    } else if n >= 1 << 20 {
        format!("{} MiB", n >> 20)
    } else if n >= 1 << 10 {
        format!("{} KiB", n >> 10)
    } else {
        format!("{n} bytes")
    }
}

fn kind_of(meta: &Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
    }
    if meta.is_dir() {
        "a directory"
    } else {
        "not a regular file"
    }
}

/// Opens `path` for reading if it is a regular file of at most `cap` bytes.
pub fn open(path: &Path, cap: u64) -> Result<(File, Metadata), ReadError> {
    let shown = path.display();
    let meta = std::fs::metadata(path).map_err(|e| {
        let kind = if e.kind() == std::io::ErrorKind::NotFound {
            ReadErrorKind::NotFound
        } else {
            ReadErrorKind::Io
        };
        error(kind, format!("cannot read {shown}: {e}"))
    })?;
    if !meta.is_file() {
        return Err(error(
            ReadErrorKind::NotRegular,
            format!(
                "{shown} is {}, not a file; gonogo reads regular files only",
                kind_of(&meta)
            ),
        ));
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options
        .open(path)
        .map_err(|e| error(ReadErrorKind::Io, format!("cannot read {shown}: {e}")))?;
    let meta = file
        .metadata()
        .map_err(|e| error(ReadErrorKind::Io, format!("cannot read {shown}: {e}")))?;
    if !meta.is_file() {
        return Err(error(
            ReadErrorKind::NotRegular,
            format!(
                "{shown} is {}, not a file; gonogo reads regular files only",
                kind_of(&meta)
            ),
        ));
    }
    if meta.len() > cap {
        return Err(error(
            ReadErrorKind::TooLarge,
            format!(
                "{shown} is {}, more than the {} gonogo reads",
                bytes(meta.len()),
                bytes(cap)
            ),
        ));
    }
    Ok((file, meta))
}

/// Reads a UTF-8 text file of at most `cap` bytes (a file that grows while read stops at the
/// cap and is refused).
pub fn text(path: &Path, cap: u64) -> Result<String, ReadError> {
    let (file, _) = open(path, cap)?;
    let mut buf = Vec::new();
    file.take(cap + 1).read_to_end(&mut buf).map_err(|e| {
        error(
            ReadErrorKind::Io,
            format!("cannot read {}: {e}", path.display()),
        )
    })?;
    if buf.len() as u64 > cap {
        return Err(error(
            ReadErrorKind::TooLarge,
            format!(
                "{} grew past {} while being read",
                path.display(),
                bytes(cap)
            ),
        ));
    }
    String::from_utf8(buf).map_err(|e| {
        error(
            ReadErrorKind::Io,
            format!(
                "{} is not UTF-8 text (invalid byte at offset {})",
                path.display(),
                e.utf8_error().valid_up_to()
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_directories_and_large_files_are_refused_before_reading() {
        let dir = tempfile::tempdir().unwrap();
        let e = text(dir.path(), 10).unwrap_err();
        assert_eq!(e.kind, ReadErrorKind::NotRegular);
        assert!(e.message.contains("a directory"), "{e}");
        let e = text(Path::new("/dev/zero"), 10).unwrap_err();
        assert_eq!(e.kind, ReadErrorKind::NotRegular);
        assert!(e.message.contains("a device"), "{e}");
        let big = dir.path().join("big.yaml");
        std::fs::write(&big, vec![b'a'; 2048]).unwrap();
        let e = text(&big, 1024).unwrap_err();
        assert_eq!(e.kind, ReadErrorKind::TooLarge);
        assert!(e.message.contains("2 KiB, more than the 1 KiB"), "{e}");
        assert_eq!(text(&big, 4096).unwrap().len(), 2048);
        let e = text(&dir.path().join("nope"), 10).unwrap_err();
        assert_eq!(e.kind, ReadErrorKind::NotFound);
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("onboarding.yaml");
        let ok = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "mkfifo is needed for this test");
        let e = text(&fifo, 1024).unwrap_err();
        assert_eq!(e.kind, ReadErrorKind::NotRegular);
        assert!(e.message.contains("named pipe"), "{e}");
    }
}
