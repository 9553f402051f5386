//! The display hint of an API key: enough for an admin to recognise it, too little to use.

use secrecy::{ExposeSecret, SecretString};

/// Characters shown at the end of a key.
const HINT_CHARS: usize = 4;

/// Shortest key whose hint is shown: below it, four characters are too large a share.
const MIN_KEY_CHARS_FOR_HINT: usize = 3 * HINT_CHARS;

/// The last four characters of `key` (the `apiKeyHint`), or an empty string when the
/// key is shorter than twelve characters and four of them would give too much away.
pub fn api_key_hint(key: &SecretString) -> String {
    let key = key.expose_secret().trim();
    let count = key.chars().count();
    if count < MIN_KEY_CHARS_FOR_HINT {
        return String::new();
    }
    key.chars().skip(count - HINT_CHARS).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_the_last_four_characters() {
        let key = SecretString::from("sk_live_0123456789abcdef");
        assert_eq!(api_key_hint(&key), "cdef");
    }

    #[test]
    fn counts_characters_not_bytes() {
        let key = SecretString::from("schlüssel-geheim-äöüß");
        assert_eq!(api_key_hint(&key), "äöüß");
    }

    #[test]
    fn short_keys_get_no_hint() {
        assert_eq!(api_key_hint(&SecretString::from("abcdefgh")), "");
    }
}
