//! RSA keys for Treez's v3 authentication: the partner signs every request with its
//! private key and registers the public key with Treez [doc]. Canopy keeps the private
//! key as the connection's secret (PEM, PKCS#8 or PKCS#1); [`fingerprint`] names it
//! without showing it, and the simulator generates key pairs of its own.

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rsa::{KeyPair, KeySize};
use aws_lc_rs::signature::KeyPair as _;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// An RSA key pair in PEM: the private key (PKCS#8) and its public key (X.509 SPKI).
#[derive(Clone)]
pub struct RsaKeys {
    /// `-----BEGIN PRIVATE KEY-----` …: the connection secret.
    pub private_pem: String,
    /// `-----BEGIN PUBLIC KEY-----` …: what the partner registers with Treez.
    pub public_pem: String,
}

impl std::fmt::Debug for RsaKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RsaKeys")
            .field("public_pem", &self.public_pem)
            .finish_non_exhaustive()
    }
}

impl RsaKeys {
    /// A fresh 2048-bit key pair.
    pub fn generate() -> Result<Self, String> {
        let pair = KeyPair::generate(KeySize::Rsa2048)
            .map_err(|_| "RSA key generation failed".to_owned())?;
        let private = AsDer::<aws_lc_rs::encoding::Pkcs8V1Der<'_>>::as_der(&pair)
            .map_err(|_| "RSA key encoding failed".to_owned())?;
        Ok(RsaKeys {
            private_pem: pem("PRIVATE KEY", private.as_ref()),
            public_pem: public_pem(&pair)?,
        })
    }

    /// The pair of a private key given in PEM (PKCS#8 or PKCS#1).
    pub fn from_private_pem(private_pem: &str) -> Result<Self, String> {
        let pair = parse_private(private_pem)?;
        Ok(RsaKeys {
            private_pem: private_pem.trim().to_owned(),
            public_pem: public_pem(&pair)?,
        })
    }
}

/// `private_pem` re-written as PEM with its line breaks, however it was pasted (a
/// one-line password field drops them).
pub(crate) fn normalized_private_pem(private_pem: &str) -> Result<String, String> {
    let (label, der) = unpem(private_pem).ok_or("the key is not PEM")?;
    Ok(pem(&label, &der))
}

/// The first 8 hex digits of the SHA-256 of the public key (DER, as
/// `openssl pkey -pubout -outform DER | sha256sum` gives it): the connection's key hint;
/// `None` when `private_pem` is not an RSA private key.
pub fn fingerprint(private_pem: &str) -> Option<String> {
    let pair = parse_private(private_pem).ok()?;
    let der = pair.public_key().as_der().ok()?;
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, der.as_ref());
    Some(
        digest.as_ref()[..4]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect(),
    )
}

fn public_pem(pair: &KeyPair) -> Result<String, String> {
    let der = pair
        .public_key()
        .as_der()
        .map_err(|_| "RSA public key encoding failed".to_owned())?;
    Ok(pem("PUBLIC KEY", der.as_ref()))
}

/// Reads an RSA private key from PEM (`PRIVATE KEY` or `RSA PRIVATE KEY`).
fn parse_private(text: &str) -> Result<KeyPair, String> {
    let (label, der) = unpem(text).ok_or("the key is not PEM")?;
    match label.as_str() {
        "PRIVATE KEY" => KeyPair::from_pkcs8(&der).map_err(|e| format!("not an RSA key: {e}")),
        "RSA PRIVATE KEY" => KeyPair::from_der(&der).map_err(|e| format!("not an RSA key: {e}")),
        other => Err(format!("a {other} is not an RSA private key")),
    }
}

/// `der` as PEM with `label`, 64 characters a line, without a final line break.
fn pem(label: &str, der: &[u8]) -> String {
    let body = STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in body.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----"));
    out
}

/// The label and bytes of the first PEM block in `text`.
fn unpem(text: &str) -> Option<(String, Vec<u8>)> {
    let start = text.find("-----BEGIN ")?;
    let rest = &text[start + "-----BEGIN ".len()..];
    let (label, rest) = rest.split_once("-----")?;
    let end = rest.find(&format!("-----END {label}-----"))?;
    let body: String = rest[..end].split_whitespace().collect();
    Some((label.to_owned(), STANDARD.decode(body).ok()?))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_generated_key_reads_back_and_has_a_stable_fingerprint() {
        let keys = RsaKeys::generate().unwrap();
        assert!(
            keys.private_pem
                .starts_with("-----BEGIN PRIVATE KEY-----\n")
        );
        assert!(keys.public_pem.starts_with("-----BEGIN PUBLIC KEY-----\n"));
        let again = RsaKeys::from_private_pem(&keys.private_pem).unwrap();
        assert_eq!(again.public_pem, keys.public_pem);
        let print = fingerprint(&keys.private_pem).unwrap();
        assert!(
            print.len() == 8 && print.chars().all(|c| c.is_ascii_hexdigit()),
            "{print}"
        );
        assert_eq!(fingerprint(&keys.private_pem), Some(print.clone()));
        let other = RsaKeys::generate().unwrap();
        assert_ne!(fingerprint(&other.private_pem), Some(print));
    }

    #[test]
    fn a_key_pasted_on_one_line_reads_as_pasted_with_its_lines() {
        let keys = RsaKeys::generate().unwrap();
        let one_line: String = keys.private_pem.lines().collect();
        assert_eq!(normalized_private_pem(&one_line).unwrap(), keys.private_pem);
        assert_eq!(fingerprint(&one_line), fingerprint(&keys.private_pem));
    }

    #[test]
    fn what_is_not_an_rsa_private_key_is_refused() {
        assert!(fingerprint("not a key").is_none());
        let keys = RsaKeys::generate().unwrap();
        assert!(RsaKeys::from_private_pem(&keys.public_pem).is_err());
        assert!(
            RsaKeys::from_private_pem("-----BEGIN PRIVATE KEY-----\n!!\n-----END PRIVATE KEY-----")
                .is_err()
        );
    }
}
