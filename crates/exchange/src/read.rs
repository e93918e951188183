//! Reading NDJSON: one record per line, blank lines ignored, each error naming its line and field.

use std::io::{self, BufRead, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use newsdesk_domain::exchange::ArticleRecord;

use super::LineError;

/// The records of an NDJSON stream with their line numbers. A line that is not a valid record
/// yields its error and reading goes on; an I/O error yields one error and ends the stream.
pub fn records(input: impl BufRead) -> impl Iterator<Item = (u64, Result<ArticleRecord, LineError>)> {
    let mut lines = input.split(b'\n');
    let mut line_no = 0u64;
    let mut failed = false;
    std::iter::from_fn(move || loop {
        if failed {
            return None;
        }
        line_no += 1;
        let line = match lines.next()? {
            Ok(line) => line,
            Err(e) => {
                failed = true;
                return Some((line_no, Err(LineError::new(line_no, "", format!("cannot read the input: {e}")))));
            }
        };
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        return Some((line_no, parse(line_no, &line)));
    })
}

/// Parses one line, naming the field at fault (`authors[0].slug`) when it does not fit.
pub fn parse(line_no: u64, line: &[u8]) -> Result<ArticleRecord, LineError> {
    let mut de = serde_json::Deserializer::from_slice(line);
    let record: ArticleRecord = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let field = if path == "." || path == "?" { String::new() } else { path };
        LineError::new(line_no, field, without_position(&e.inner().to_string()))
    })?;
    de.end().map_err(|e| LineError::new(line_no, "", without_position(&e.to_string())))?;
    Ok(record)
}

/// serde_json ends messages with " at line 1 column 42", which only confuses for one-line JSON.
fn without_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message.to_owned(),
    }
}

/// Counts the bytes read through it, so progress can be told as a share of the input.
pub struct CountingReader<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> CountingReader<R> {
    pub fn new(inner: R) -> (Self, Arc<AtomicU64>) {
        let count = Arc::new(AtomicU64::new(0));
        (Self { inner, count: count.clone() }, count)
    }
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_line_and_field() {
        let input = "{\"slug\":\"a\",\"title\":\"A\"}\n\n{\"slug\":\"b\",\"title\":\"B\",\"authors\":[{\"slug\":\"x\"}]}\nnot json\n";
        let out: Vec<_> = records(input.as_bytes()).collect();
        assert_eq!(out.len(), 3);
        assert!(out[0].1.is_ok());
        let error = out[1].1.as_ref().unwrap_err();
        assert_eq!((error.line, error.field.as_str()), (3, "authors[0]"));
        assert!(error.message.contains("missing field `name`"), "{error}");
        assert_eq!(out[2].1.as_ref().unwrap_err().line, 4);
    }
}
