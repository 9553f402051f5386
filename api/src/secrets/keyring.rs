//! The master keys and the seal/open operations.

use std::fmt;

use aes_gcm::{
    Aes256Gcm, KeyInit, Nonce,
    aead::{Aead, Payload},
};
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::SecretsError;
use crate::config::MasterKey;

/// Bytes of the random nonce that starts every sealed blob.
const NONCE_LEN: usize = 12;
/// Bytes of the authentication tag that ends every sealed blob.
const TAG_LEN: usize = 16;
/// Domain separation of the key id derivation.
const KEY_ID_DOMAIN: &[u8] = b"canopy/master-key-id/v1\0";
/// Bytes of the key digest kept in a key id.
const KEY_ID_BYTES: usize = 8;

/// The id of a master key: the first 8 bytes of a domain-separated SHA-256 of the key,
/// in hex. Stable for a key, so it needs no configuration; it reveals nothing usable.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct KeyId(String);

impl KeyId {
    /// The id of `key`.
    pub fn of(key: &MasterKey) -> Self {
        let digest = Sha256::new()
            .chain_update(KEY_ID_DOMAIN)
            .chain_update(key.expose())
            .finalize();
        Self(
            digest[..KEY_ID_BYTES]
                .iter()
                .map(|byte| format!("{byte:02x}"))
                .collect(),
        )
    }

    /// The id as stored in `provider_connections.key_id`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a sealed secret belongs to; bound into the ciphertext as associated data, so a
/// blob only opens for the row and field it was sealed for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SealContext {
    /// The provider connection (row) holding the secret.
    pub connection_id: Uuid,
    /// The column, e.g. `api_key`.
    pub field: &'static str,
}

impl SealContext {
    /// The context of `field` on connection `connection_id`.
    pub const fn new(connection_id: Uuid, field: &'static str) -> Self {
        Self {
            connection_id,
            field,
        }
    }

    fn associated_data(&self) -> Vec<u8> {
        format!(
            "canopy/provider_connections/{}/{}",
            self.connection_id, self.field
        )
        .into_bytes()
    }
}

/// One master key, ready to use.
struct Key {
    id: KeyId,
    cipher: Aes256Gcm,
}

impl Key {
    fn new(key: &MasterKey) -> Self {
        Self {
            id: KeyId::of(key),
            cipher: Aes256Gcm::new(key.expose().into()),
        }
    }
}

/// The current master key (which seals) and any previous ones (which only open), for
/// reading rows sealed before a key rotation.
pub struct Keyring {
    current: Key,
    previous: Vec<Key>,
}

impl fmt::Debug for Keyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keyring")
            .field("current", &self.current.id)
            .field(
                "previous",
                &self.previous.iter().map(|k| &k.id).collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl Keyring {
    /// A keyring that seals and opens with `current`.
    pub fn new(current: &MasterKey) -> Self {
        Self {
            current: Key::new(current),
            previous: Vec::new(),
        }
    }

    /// Adds a retired key that can still open what it sealed (during a rotation).
    #[must_use]
    pub fn with_previous(mut self, previous: &MasterKey) -> Self {
        let key = Key::new(previous);
        if key.id != self.current.id && self.previous.iter().all(|k| k.id != key.id) {
            self.previous.push(key);
        }
        self
    }

    /// The id of the key new seals use; store it beside the sealed blobs.
    pub fn current_id(&self) -> &KeyId {
        &self.current.id
    }

    /// Seals `secret` for `context` under the current key: `nonce ‖ ciphertext ‖ tag`.
    pub fn seal(
        &self,
        context: SealContext,
        secret: &SecretString,
    ) -> Result<Vec<u8>, SecretsError> {
        let mut nonce = [0_u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce);
        let aad = context.associated_data();
        let ciphertext = self
            .current
            .cipher
            .encrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: secret.expose_secret().as_bytes(),
                    aad: &aad,
                },
            )
            .map_err(|_| SecretsError::Seal)?;
        let mut sealed = Vec::with_capacity(NONCE_LEN + ciphertext.len());
        sealed.extend_from_slice(&nonce);
        sealed.extend_from_slice(&ciphertext);
        Ok(sealed)
    }

    /// Opens a blob sealed for `context` under the key named `key_id`.
    pub fn open(
        &self,
        key_id: &str,
        context: SealContext,
        sealed: &[u8],
    ) -> Result<SecretString, SecretsError> {
        let key = self
            .key(key_id)
            .ok_or_else(|| SecretsError::UnknownKey(key_id.to_owned()))?;
        if sealed.len() < NONCE_LEN + TAG_LEN {
            return Err(SecretsError::Truncated);
        }
        let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| SecretsError::Truncated)?;
        let aad = context.associated_data();
        let plaintext = key
            .cipher
            .decrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: ciphertext,
                    aad: &aad,
                },
            )
            .map_err(|_| SecretsError::Open)?;
        String::from_utf8(plaintext)
            .map(SecretString::from)
            .map_err(|_| SecretsError::Encoding)
    }

    /// Opens a blob sealed under `key_id` and seals it again under the current key
    /// (what `canopy rotate-key` does to every stored secret).
    pub fn reseal(
        &self,
        key_id: &str,
        context: SealContext,
        sealed: &[u8],
    ) -> Result<Vec<u8>, SecretsError> {
        let secret = self.open(key_id, context, sealed)?;
        self.seal(context, &secret)
    }

    fn key(&self, key_id: &str) -> Option<&Key> {
        std::iter::once(&self.current)
            .chain(&self.previous)
            .find(|key| key.id.as_str() == key_id)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use base64::{Engine, engine::general_purpose::STANDARD};

    use super::*;

    fn key(byte: u8) -> MasterKey {
        MasterKey::from_base64(&STANDARD.encode([byte; MasterKey::LEN])).unwrap()
    }

    fn context() -> SealContext {
        SealContext::new(Uuid::now_v7(), "api_key")
    }

    #[test]
    fn round_trip() {
        let keyring = Keyring::new(&key(1));
        let context = context();
        let sealed = keyring
            .seal(context, &SecretString::from("dutchie-location-key"))
            .unwrap();
        assert_eq!(
            sealed.len(),
            NONCE_LEN + "dutchie-location-key".len() + TAG_LEN
        );
        let opened = keyring
            .open(keyring.current_id().as_str(), context, &sealed)
            .unwrap();
        assert_eq!(opened.expose_secret(), "dutchie-location-key");
    }

    #[test]
    fn seals_differ_each_time_and_hide_the_plaintext() {
        let keyring = Keyring::new(&key(1));
        let context = context();
        let secret = SecretString::from("same-secret-every-time");
        let a = keyring.seal(context, &secret).unwrap();
        let b = keyring.seal(context, &secret).unwrap();
        assert_ne!(a, b);
        assert!(!a.windows(6).any(|w| w == b"secret"));
    }

    #[test]
    fn a_wrong_key_does_not_open() {
        let context = context();
        let sealed = Keyring::new(&key(2))
            .seal(context, &SecretString::from("k"))
            .unwrap();
        // a row whose key id was rewritten to name another key still does not open
        let keyring = Keyring::new(&key(1));
        assert_eq!(
            keyring
                .open(keyring.current_id().as_str(), context, &sealed)
                .unwrap_err(),
            SecretsError::Open
        );
    }

    #[test]
    fn key_id_mismatch_is_reported() {
        let keyring = Keyring::new(&key(1));
        let sealed = keyring.seal(context(), &SecretString::from("k")).unwrap();
        assert_eq!(
            keyring
                .open("0000000000000000", context(), &sealed)
                .unwrap_err(),
            SecretsError::UnknownKey("0000000000000000".to_owned())
        );
    }

    #[test]
    fn tampering_is_detected() {
        let keyring = Keyring::new(&key(1));
        let context = context();
        let id = keyring.current_id().as_str().to_owned();
        let sealed = keyring
            .seal(context, &SecretString::from("secret"))
            .unwrap();
        for index in [0, NONCE_LEN, sealed.len() - 1] {
            let mut tampered = sealed.clone();
            tampered[index] ^= 0x01;
            assert_eq!(
                keyring.open(&id, context, &tampered).unwrap_err(),
                SecretsError::Open
            );
        }
        assert_eq!(
            keyring
                .open(&id, context, &sealed[..NONCE_LEN + 3])
                .unwrap_err(),
            SecretsError::Truncated
        );
    }

    #[test]
    fn a_blob_moved_to_another_row_or_field_does_not_open() {
        let keyring = Keyring::new(&key(1));
        let id = keyring.current_id().as_str().to_owned();
        let context = context();
        let sealed = keyring
            .seal(context, &SecretString::from("secret"))
            .unwrap();
        let other_field = SealContext::new(context.connection_id, "api_secret");
        let other_row = SealContext::new(Uuid::now_v7(), "api_key");
        assert_eq!(
            keyring.open(&id, other_field, &sealed).unwrap_err(),
            SecretsError::Open
        );
        assert_eq!(
            keyring.open(&id, other_row, &sealed).unwrap_err(),
            SecretsError::Open
        );
    }

    #[test]
    fn rotation_reseals_under_the_new_key() {
        let old = Keyring::new(&key(1));
        let context = context();
        let sealed = old.seal(context, &SecretString::from("rotate me")).unwrap();
        let rotating = Keyring::new(&key(2)).with_previous(&key(1));
        let resealed = rotating
            .reseal(old.current_id().as_str(), context, &sealed)
            .unwrap();
        let new_only = Keyring::new(&key(2));
        let opened = new_only
            .open(new_only.current_id().as_str(), context, &resealed)
            .unwrap();
        assert_eq!(opened.expose_secret(), "rotate me");
        assert!(
            new_only
                .open(old.current_id().as_str(), context, &sealed)
                .is_err()
        );
    }

    #[test]
    fn debug_output_names_key_ids_only() {
        let keyring = Keyring::new(&key(7));
        let text = format!("{keyring:?} {:?}", SecretString::from("hunter2-secret"));
        assert!(text.contains(keyring.current_id().as_str()));
        assert!(!text.contains("hunter2"));
    }
}
