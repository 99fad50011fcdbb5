//! Salts and request ids (`gen_salt`, `gen_hash`).

use sha2::{Digest, Sha256};

const ALPHABET: &[u8; 62] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// The length of a generated salt.
pub const SALT_LEN: usize = 16;

/// A fresh salt: 16 characters drawn uniformly from `[A-Za-z0-9]`.
pub fn gen_salt() -> String {
    let mut salt = String::with_capacity(SALT_LEN);
    while salt.len() < SALT_LEN {
        for byte in random_bytes() {
            // 248 = 4 * 62: rejecting larger bytes keeps the draw uniform.
            if byte < 248 && salt.len() < SALT_LEN {
                salt.push(char::from(ALPHABET[usize::from(byte % 62)]));
            }
        }
    }
    salt
}

/// The request id for a resource and a salt: the first 16 lowercase hex digits of
/// SHA-256 over `"{resource}:{salt}"`.
pub fn gen_hash(resource: &str, salt: &str) -> String {
    let digest = Sha256::digest(format!("{resource}:{salt}").as_bytes());
    digest
        .iter()
        .take(8)
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// The salt to use: the given one, or a fresh one when it is empty.
pub fn salt_or_fresh(salt: &str) -> String {
    if salt.is_empty() {
        gen_salt()
    } else {
        salt.to_string()
    }
}

fn random_bytes() -> [u8; 32] {
    let mut bytes = [0u8; 32];
    if getrandom::fill(&mut bytes).is_err() {
        // The system source failed; std's per-process random hasher keys still vary per call.
        use std::hash::{BuildHasher, RandomState};
        for chunk in bytes.chunks_mut(8) {
            let word = RandomState::new()
                .hash_one(chunk.as_ptr() as usize)
                .to_le_bytes();
            chunk.copy_from_slice(&word[..chunk.len()]);
        }
    }
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gen_hash_matches_the_reference_vectors() {
        assert_eq!(gen_hash("data_platform", "kkkkkkkk"), "c759221a6c14c72a");
        assert_eq!(gen_hash("", "xxxxxxxx"), "9ecfabfbb5258f88");
        assert_eq!(gen_hash("clientdb", "kkkkkkkk"), "b7bf5c83ca2cd3de");
        assert_eq!(gen_hash("other", "zzzzzzzz"), "44f06fc96531586c");
    }

    #[test]
    fn gen_salt_is_sixteen_alphanumeric_characters() {
        for _ in 0..100 {
            let salt = gen_salt();
            assert_eq!(salt.len(), 16);
            assert!(salt.bytes().all(|b| b.is_ascii_alphanumeric()), "{salt}");
        }
    }

    #[test]
    fn gen_salt_differs_between_calls() {
        assert_ne!(gen_salt(), gen_salt());
    }

    #[test]
    fn empty_salt_gets_a_generated_one() {
        assert_eq!(salt_or_fresh("kkkkkkkk"), "kkkkkkkk");
        assert_eq!(salt_or_fresh("").len(), 16);
    }
}
