//! POS credentials at rest: AES-256-GCM sealing under `CANOPY_MASTER_KEY`.
//!
//! This module owns the encryption of provider secrets (API keys, client secrets,
//! webhook secrets) and nothing else: it never reads or writes the database. A sealed
//! secret is `nonce (12 bytes) ‖ ciphertext ‖ tag (16 bytes)`; the id of the master key
//! that sealed it ([`KeyId`], derived from the key itself) is stored beside it, so a
//! [`Keyring`] holding the new key and the old ones can open every row and re-seal it
//! under the new key (`canopy rotate-key`). Each seal is bound to its row and field
//! ([`SealContext`]) as associated data, so a blob copied to another row or field does
//! not open. Opened secrets are [`SecretString`]s: `Debug` prints `[REDACTED]`, and
//! they zero their memory on drop.

mod hint;
mod keyring;

pub use secrecy::{ExposeSecret, SecretString};

pub use self::{
    hint::api_key_hint,
    keyring::{KeyId, Keyring, SealContext},
};

/// Why a secret could not be sealed or opened. Never carries the secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretsError {
    /// The row was sealed under a master key this keyring does not hold.
    #[error("sealed under master key {0}, which is not configured")]
    UnknownKey(String),
    /// The blob is shorter than a nonce and a tag.
    #[error("sealed secret is truncated")]
    Truncated,
    /// Authentication failed: wrong key, wrong row or field, or a tampered blob.
    #[error("sealed secret could not be opened (wrong key or tampered)")]
    Open,
    /// Encryption failed.
    #[error("secret could not be sealed")]
    Seal,
    /// The opened bytes are not UTF-8 text.
    #[error("opened secret is not UTF-8 text")]
    Encoding,
}
