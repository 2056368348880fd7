//! Reading an input file within a size limit: only a regular file (a device such as
//! `/dev/zero`, a FIFO or a socket is refused before it is opened, so nothing blocks or reads
//! without end), and at most one byte beyond the limit is ever read (a file that grows while
//! it is read is refused the same way).

use std::io::Read;
use std::path::Path;

use super::Invalid;

/// The bytes of the regular file at `path`, at most `limit` of them; the error says why (the
/// caller names the file). `what` names the limit in the message (`"the scenario file size
/// limit"`).
pub fn read_regular(path: &Path, limit: u64, what: &str) -> Result<Vec<u8>, Invalid> {
    let cannot = |e: std::io::Error| Invalid::new(format!("cannot read the file: {e}"));
    // Follows symbolic links; does not open, so a FIFO without a writer cannot block.
    let meta = std::fs::metadata(path).map_err(cannot)?;
    not_regular(&meta)?;
    let file = std::fs::File::open(path).map_err(cannot)?;
    // What was opened, in case the path changed in between.
    let meta = file.metadata().map_err(cannot)?;
    not_regular(&meta)?;
    if meta.len() > limit {
        return Err(Invalid::new(format!(
            "the file is {} bytes, more than {limit} bytes ({what})",
            meta.len()
        )));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > limit {
        return Err(Invalid::new(format!(
            "the file is more than {limit} bytes ({what})"
        )));
    }
    Ok(bytes)
}

/// [`read_regular`] as UTF-8 text.
pub fn read_regular_text(path: &Path, limit: u64, what: &str) -> Result<String, Invalid> {
    String::from_utf8(read_regular(path, limit, what)?).map_err(|e| {
        Invalid::new(format!(
            "the file is not UTF-8 text: a bad byte at offset {}",
            e.utf8_error().valid_up_to()
        ))
    })
}

fn not_regular(meta: &std::fs::Metadata) -> Result<(), Invalid> {
    let t = meta.file_type();
    if t.is_file() {
        return Ok(());
    }
    let kind = if t.is_dir() {
        "a directory"
    } else {
        kind_of_special(&t)
    };
    Err(Invalid::new(format!(
        "cannot read the file: it is {kind}, not a regular file"
    )))
}

#[cfg(unix)]
fn kind_of_special(t: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if t.is_fifo() {
        "a FIFO (named pipe)"
    } else if t.is_char_device() {
        "a character device"
    } else if t.is_block_device() {
        "a block device"
    } else if t.is_socket() {
        "a socket"
    } else {
        "not a file"
    }
}

#[cfg(not(unix))]
fn kind_of_special(_: &std::fs::FileType) -> &'static str {
    "not a file"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_and_directories_are_refused_and_files_are_read_within_the_limit() {
        let e = read_regular(Path::new("/dev/zero"), 10, "x").unwrap_err();
        assert!(
            e.message.contains("a character device, not a regular file"),
            "{e}"
        );
        let e = read_regular(Path::new("/"), 10, "x").unwrap_err();
        assert!(e.message.contains("a directory"), "{e}");
        let dir = std::env::temp_dir().join(format!("orgsim-files-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("f");
        std::fs::write(&f, "hello").unwrap();
        assert_eq!(read_regular(&f, 5, "x").unwrap(), b"hello");
        let e = read_regular(&f, 4, "the test limit").unwrap_err();
        assert!(
            e.message
                .contains("5 bytes, more than 4 bytes (the test limit)"),
            "{e}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
