//! The text handed to libyaml-safer a few kilobytes at a time.
//!
//! Why: libyaml-safer decodes everything its reader's `fill_buf` returns into a queue of
//! `char`s before scanning. Given the whole text at once (a `&[u8]` reader), it decodes a
//! 400 KB template into a 1.6 MB queue that is grown, copied and walked out of cache; fed in
//! [`CHUNK`]-byte pieces, the queue stays small. The bytes are borrowed, never copied.

use std::io::{BufRead, Read};

/// Bytes per `fill_buf`: large enough that refills are rare, small enough to stay in cache.
const CHUNK: usize = 4096;

/// A [`BufRead`] over borrowed bytes whose `fill_buf` returns at most [`CHUNK`] of them.
///
/// A chunk may end inside a multi-byte character: libyaml-safer keeps the incomplete tail
/// and asks again, and the next chunk starts with that character.
pub(crate) struct Chunks<'t> {
    rest: &'t [u8],
}

impl<'t> Chunks<'t> {
    pub(crate) fn new(bytes: &'t [u8]) -> Self {
        Self { rest: bytes }
    }
}

impl Read for Chunks<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.fill_buf()?.read(out)?;
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for Chunks<'_> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        Ok(self.rest.get(..CHUNK).unwrap_or(self.rest))
    }

    fn consume(&mut self, amount: usize) {
        self.rest = self.rest.get(amount..).unwrap_or_default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_cover_the_bytes_in_order_without_exceeding_the_chunk_size() {
        let text = "é".repeat(CHUNK); // two bytes each: chunk ends fall inside characters
        let mut chunks = Chunks::new(text.as_bytes());
        let mut seen = Vec::new();
        loop {
            let piece = chunks.fill_buf().unwrap().to_vec();
            if piece.is_empty() {
                break;
            }
            assert!(piece.len() <= CHUNK);
            // Leave one byte behind (as for an incomplete character) unless it is the last.
            let taken = piece.len().saturating_sub(1).max(1);
            chunks.consume(taken);
            seen.extend_from_slice(&piece[..taken]);
        }
        assert_eq!(seen, text.as_bytes());
    }

    #[test]
    fn read_takes_what_fits() {
        let mut chunks = Chunks::new(b"abcdef");
        let mut out = [0u8; 4];
        assert_eq!(chunks.read(&mut out).unwrap(), 4);
        assert_eq!(&out, b"abcd");
        assert_eq!(chunks.read(&mut out).unwrap(), 2);
        assert_eq!(chunks.read(&mut out).unwrap(), 0);
    }
}
