//! Fernet tokens, byte-compatible with Python's `cryptography.fernet`.
//!
//! Cross-model relations cannot share requirer-owned secrets, so the requirer encrypts its
//! sensitive request fields with a key the provider generated (spec §1.7). The format is
//! Fernet's: a token is the URL-safe base64 (with padding) of
//! `0x80 ‖ timestamp (8 bytes, big-endian seconds) ‖ IV (16 bytes) ‖ AES-128-CBC ciphertext
//! (PKCS7) ‖ HMAC-SHA256 (32 bytes)`, the HMAC covering everything before it. A key is the
//! URL-safe base64 of 32 bytes: the signing key, then the encryption key.
//!
//! Neither [`Key`] nor [`FernetError`] ever shows key material or plaintext.
//!
//! ```
//! use data_interfaces_core::fernet::Key;
//!
//! let key = Key::parse("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=").unwrap();
//! let token = key.encrypt_at(b"hunter2", 1_767_225_600, [7; 16]);
//! assert_eq!(key.decrypt(&token).unwrap(), b"hunter2");
//! ```

use std::fmt;

use aes::Aes128;
use base64::alphabet::URL_SAFE;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine;
use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit};
use hmac::digest::KeyInit;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Fernet's version byte.
const VERSION: u8 = 0x80;
/// Version, timestamp and IV.
const HEADER_LEN: usize = 1 + 8 + 16;
/// The HMAC-SHA256 tag.
const TAG_LEN: usize = 32;
/// The AES block.
const BLOCK_LEN: usize = 16;

/// URL-safe base64; writes padding, reads it present or absent (as Python's decoder does for
/// well-formed input).
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(true)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Why a key or a token was refused. Carries no key material and no plaintext.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FernetError {
    /// The key is not URL-safe base64 of 32 bytes.
    #[error("the Fernet key is not URL-safe base64 of 32 bytes")]
    InvalidKey,
    /// The token is malformed, was made with another key, or was tampered with.
    #[error("invalid Fernet token")]
    InvalidToken,
    /// The plaintext is not UTF-8 text.
    #[error("the decrypted value is not UTF-8 text")]
    NotText,
    /// The system gave no random bytes (for a key or an IV).
    #[error("no random source for Fernet")]
    NoRandom,
}

/// A Fernet key: a signing key and an encryption key. Its `Debug` output is redacted.
#[derive(Clone, PartialEq, Eq)]
pub struct Key {
    signing: [u8; 16],
    encryption: [u8; 16],
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Key(<redacted>)")
    }
}

fn random<const N: usize>() -> Result<[u8; N], FernetError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|_| FernetError::NoRandom)?;
    Ok(bytes)
}

/// Seconds since the Unix epoch, as Fernet stamps tokens (a clock before 1970 stamps 0).
fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

impl Key {
    /// A fresh random key (`Fernet.generate_key()`).
    pub fn generate() -> Result<Key, FernetError> {
        let bytes: [u8; 32] = random()?;
        Ok(Key::from_bytes(&bytes))
    }

    fn from_bytes(bytes: &[u8; 32]) -> Key {
        let mut signing = [0u8; 16];
        let mut encryption = [0u8; 16];
        signing.copy_from_slice(&bytes[..16]);
        encryption.copy_from_slice(&bytes[16..]);
        Key {
            signing,
            encryption,
        }
    }

    /// Parses a key as Python's `Fernet(key)` accepts it: URL-safe base64 of 32 bytes.
    pub fn parse(text: &str) -> Result<Key, FernetError> {
        let bytes = BASE64
            .decode(text.trim())
            .map_err(|_| FernetError::InvalidKey)?;
        let bytes: [u8; 32] = bytes.try_into().map_err(|_| FernetError::InvalidKey)?;
        Ok(Key::from_bytes(&bytes))
    }

    /// The key's text form (URL-safe base64 with padding), as stored in the `encryption` secret.
    pub fn to_text(&self) -> String {
        let mut bytes = [0u8; 32];
        bytes[..16].copy_from_slice(&self.signing);
        bytes[16..].copy_from_slice(&self.encryption);
        BASE64.encode(bytes)
    }

    fn mac(&self) -> Hmac<Sha256> {
        // HMAC pads a key shorter than the hash's block with zeros: padding it here is the same
        // key, and the fixed length needs no fallible constructor.
        let mut padded = [0u8; 64];
        padded[..16].copy_from_slice(&self.signing);
        <Hmac<Sha256> as KeyInit>::new(&padded.into())
    }

    /// Encrypts with the current time and a random IV (`Fernet.encrypt`).
    pub fn encrypt(&self, plaintext: &[u8]) -> Result<String, FernetError> {
        Ok(self.encrypt_at(plaintext, now(), random()?))
    }

    /// Encrypts with a given timestamp and IV (Python's `Fernet._encrypt_from_parts`): the
    /// same inputs give the same token in both implementations.
    pub fn encrypt_at(&self, plaintext: &[u8], timestamp: u64, iv: [u8; 16]) -> String {
        let ciphertext = cbc::Encryptor::<Aes128>::new(&self.encryption.into(), &iv.into())
            .encrypt_padded_vec_mut::<Pkcs7>(plaintext);
        let mut token = Vec::with_capacity(HEADER_LEN + ciphertext.len() + TAG_LEN);
        token.push(VERSION);
        token.extend_from_slice(&timestamp.to_be_bytes());
        token.extend_from_slice(&iv);
        token.extend_from_slice(&ciphertext);
        let mut mac = self.mac();
        mac.update(&token);
        token.extend_from_slice(&mac.finalize().into_bytes());
        BASE64.encode(token)
    }

    /// Verifies and decrypts a token (`Fernet.decrypt` without a time-to-live).
    pub fn decrypt(&self, token: &str) -> Result<Vec<u8>, FernetError> {
        let data = BASE64
            .decode(token.trim())
            .map_err(|_| FernetError::InvalidToken)?;
        if data.len() < HEADER_LEN + BLOCK_LEN + TAG_LEN
            || data[0] != VERSION
            || !(data.len() - HEADER_LEN - TAG_LEN).is_multiple_of(BLOCK_LEN)
        {
            return Err(FernetError::InvalidToken);
        }
        let (signed, tag) = data.split_at(data.len() - TAG_LEN);
        let mut mac = self.mac();
        mac.update(signed);
        mac.verify_slice(tag)
            .map_err(|_| FernetError::InvalidToken)?;
        let mut iv = [0u8; 16];
        iv.copy_from_slice(&signed[9..HEADER_LEN]);
        cbc::Decryptor::<Aes128>::new(&self.encryption.into(), &iv.into())
            .decrypt_padded_vec_mut::<Pkcs7>(&signed[HEADER_LEN..])
            .map_err(|_| FernetError::InvalidToken)
    }

    /// Encrypts a text value into a token.
    pub fn encrypt_text(&self, plaintext: &str) -> Result<String, FernetError> {
        self.encrypt(plaintext.as_bytes())
    }

    /// Decrypts a token into a text value.
    pub fn decrypt_text(&self, token: &str) -> Result<String, FernetError> {
        String::from_utf8(self.decrypt(token)?).map_err(|_| FernetError::NotText)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `base64.urlsafe_b64encode(bytes(range(32)))`.
    const KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    const PLAINTEXT: &str = "-----BEGIN CERTIFICATE-----\nMIIB é\n";
    /// Python `cryptography` 50.0.2:
    /// `Fernet(KEY)._encrypt_from_parts(PLAINTEXT.encode(), 1767225600, bytes(range(100, 116)))`.
    const PYTHON_FIXED: &str = "gAAAAABpVbkAZGVmZ2hpamtsbW5vcHFyc8EQNhDJFOs15wDtSa_QUZuvhFzSQD8IYuBg--1XV-fZk1FOKaLt3mxeg16RH9-CUZes6YMQCUpOH7acaE8hPtBt15yUvGsWj0qqk-O81U8B";
    /// Python `cryptography` 50.0.2: `Fernet(KEY).encrypt(b"hunter2")` (random IV, real clock).
    const PYTHON_RANDOM: &str = "gAAAAABrAmTY8ZsAzt-cNtad7P8elTMXtUe0ShJ4jB2XkIPyH4-IK53tJygGfGDcVnKS8QiyeZxTDH4b-is-JAq4aBJQuy_G4g==";

    fn key() -> Key {
        Key::parse(KEY).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn a_token_made_by_python_decrypts() {
        assert_eq!(key().decrypt_text(PYTHON_RANDOM), Ok("hunter2".to_string()));
        assert_eq!(key().decrypt_text(PYTHON_FIXED), Ok(PLAINTEXT.to_string()));
    }

    #[test]
    fn the_same_parts_give_the_same_token_as_python() {
        let iv: [u8; 16] = std::array::from_fn(|i| 100 + i as u8);
        assert_eq!(
            key().encrypt_at(PLAINTEXT.as_bytes(), 1_767_225_600, iv),
            PYTHON_FIXED
        );
    }

    #[test]
    fn encrypt_then_decrypt_round_trips_and_tokens_differ() {
        let key = Key::generate().unwrap_or_else(|e| panic!("{e}"));
        let first = key.encrypt_text("s3cr3t").unwrap_or_default();
        let second = key.encrypt_text("s3cr3t").unwrap_or_default();
        assert_ne!(first, second, "a fresh IV per token");
        assert!(first.starts_with("gAAAAA"), "{first}");
        assert_eq!(key.decrypt_text(&first), Ok("s3cr3t".to_string()));
        assert_eq!(Key::parse(&key.to_text()), Ok(key));
    }

    #[test]
    fn a_tampered_token_or_another_key_is_refused() {
        let mut bytes = PYTHON_FIXED.as_bytes().to_vec();
        bytes[40] = if bytes[40] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(bytes).unwrap_or_default();
        assert_eq!(key().decrypt(&tampered), Err(FernetError::InvalidToken));
        let other = Key::parse(&BASE64.encode([9u8; 32])).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(other.decrypt(PYTHON_FIXED), Err(FernetError::InvalidToken));
        assert_eq!(key().decrypt("not a token"), Err(FernetError::InvalidToken));
    }

    #[test]
    fn a_malformed_key_is_refused_and_a_key_never_shows_in_debug() {
        assert_eq!(Key::parse("c2hvcnQ="), Err(FernetError::InvalidKey));
        assert_eq!(format!("{:?}", key()), "Key(<redacted>)");
    }
}
