//! The sandbox's bounds: the [`Limits`] every call runs under, the memory cap that enforces
//! the first of them, and the host-call data bound's checks.
//!
//! A leaf: it knows nothing of the store (the crate's private `host` module, the imports) or
//! of the calls ([`crate::runtime`]), which both apply these bounds.

use std::borrow::Cow;

/// The sandbox bounds applied to every call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The most linear memory the component may have, in bytes.
    pub memory_bytes: usize,
    /// The fuel (roughly, WebAssembly instructions) one call may burn.
    pub fuel: u64,
    /// The most bytes the component may hand the host in one import call (a change set, a
    /// secret's content; a longer log line is cut) or return from one export call (events,
    /// requests, responses, an error message).
    pub host_call_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            memory_bytes: 256 << 20,
            fuel: 20_000_000_000,
            host_call_bytes: 4 << 20,
        }
    }
}

impl Limits {
    /// Whether `bytes` of data crossing the boundary in one call are over the host-call bound.
    pub(crate) fn over_host_call_bound(&self, bytes: usize) -> bool {
        bytes > self.host_call_bytes
    }

    /// Why `what`, `bytes` long, is refused: `None` when it is within the host-call bound.
    pub(crate) fn host_call_refusal(&self, what: &str, bytes: usize) -> Option<String> {
        let limit = self.host_call_bytes;
        self.over_host_call_bound(bytes)
            .then(|| format!("{what} is {bytes} bytes, over the host-call bound of {limit} bytes"))
    }

    /// A log line within the host-call bound: as it is, or cut at a character boundary and
    /// marked as cut.
    pub(crate) fn log_line<'a>(&self, message: &'a str) -> Cow<'a, str> {
        let limit = self.host_call_bytes;
        if !self.over_host_call_bound(message.len()) {
            return Cow::Borrowed(message);
        }
        let mut cut = limit;
        while !message.is_char_boundary(cut) {
            cut -= 1;
        }
        Cow::Owned(format!("{} [cut at {limit} bytes]", &message[..cut]))
    }
}

/// The size of key, value pairs as the host-call bound counts them (keys and values).
pub(crate) fn entries_bytes(entries: &[(String, String)]) -> usize {
    entries.iter().map(|(k, v)| k.len() + v.len()).sum()
}

/// The memory cap, remembering whether the guest ran into it.
pub(crate) struct MemoryCap {
    limit: usize,
    hit: bool,
}

impl MemoryCap {
    /// A cap of `limit` bytes of linear memory.
    pub(crate) fn new(limit: usize) -> Self {
        MemoryCap { limit, hit: false }
    }

    /// Whether the guest asked for more than the cap since the last [`MemoryCap::reset`].
    pub(crate) fn hit(&self) -> bool {
        self.hit
    }

    /// Forget an earlier hit (a new call begins).
    pub(crate) fn reset(&mut self) {
        self.hit = false;
    }
}

impl wasmtime::ResourceLimiter for MemoryCap {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > self.limit {
            self.hit = true;
            return Ok(false);
        }
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(desired <= 100_000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bound(bytes: usize) -> Limits {
        Limits {
            host_call_bytes: bytes,
            ..Limits::default()
        }
    }

    #[test]
    fn data_at_the_bound_passes_and_one_byte_more_is_refused() {
        let limits = bound(8);
        assert_eq!(limits.host_call_refusal("a value", 8), None);
        assert_eq!(
            limits.host_call_refusal("a value", 9).as_deref(),
            Some("a value is 9 bytes, over the host-call bound of 8 bytes")
        );
    }

    #[test]
    fn a_long_log_line_is_cut_at_a_character_boundary() {
        let limits = bound(4);
        assert_eq!(limits.log_line("abcd"), "abcd");
        assert_eq!(limits.log_line("aébc"), "aéb [cut at 4 bytes]");
        // "é" is two bytes: byte 4 falls inside it.
        assert_eq!(limits.log_line("abcé"), "abc [cut at 4 bytes]");
    }

    #[test]
    fn the_memory_cap_remembers_a_hit_until_reset() {
        use wasmtime::ResourceLimiter;
        let mut cap = MemoryCap::new(1024);
        assert!(cap.memory_growing(0, 1024, None).unwrap());
        assert!(!cap.hit());
        assert!(!cap.memory_growing(0, 1025, None).unwrap());
        assert!(cap.hit());
        cap.reset();
        assert!(!cap.hit());
    }
}
