//! Canonical query text for cache keys: one document written with different whitespace,
//! commas or comments normalises to one text.
//!
//! Only ignored tokens change: comments and commas go, a run of whitespace next to a
//! punctuator goes, any other run becomes one space, and string literals (block strings
//! included) stay verbatim. The normalised text therefore lexes to the same tokens as the
//! original, so two texts that normalise alike are the same document. Equivalent documents
//! that differ in more than layout (field order, aliases) keep different texts: that costs
//! a cache miss, never a wrong answer.

use crate::graphql::document::{comment_len, string_literal_len};

/// Punctuators that no neighbouring token can merge with (`...` is left out: a space
/// beside `.` is kept).
const fn is_punctuator(byte: u8) -> bool {
    matches!(
        byte,
        b'!' | b'$' | b'&' | b'(' | b')' | b':' | b'=' | b'@' | b'[' | b']' | b'{' | b'}' | b'|'
    )
}

/// The byte order mark, which the GraphQL lexer ignores like whitespace.
const BOM: &str = "\u{feff}";

/// Bytes that end a run of token characters: ignored characters, comments, strings and
/// the first byte of a byte order mark. All are ASCII or a UTF-8 lead byte, so a run always
/// ends on a character boundary.
const fn ends_run(byte: u8) -> bool {
    matches!(
        byte,
        b' ' | b'\t' | b'\n' | b'\r' | b',' | b'#' | b'"' | 0xEF
    )
}

/// `query` in canonical form (see the module documentation). Runs on every lookup, so it
/// scans bytes and copies runs of token characters whole.
pub(super) fn normalize(query: &str) -> String {
    let bytes = query.as_bytes();
    let mut out = String::with_capacity(query.len());
    let mut last = None;
    let mut separated = false;
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        match byte {
            b' ' | b'\t' | b'\n' | b'\r' | b',' => {
                separated = true;
                at += 1;
            }
            b'#' => {
                separated = true;
                at += comment_len(&query[at..]);
            }
            0xEF if query[at..].starts_with(BOM) => {
                separated = true;
                at += BOM.len();
            }
            _ => {
                if separated
                    && !is_punctuator(byte)
                    && last.is_some_and(|last| !is_punctuator(last))
                {
                    out.push(' ');
                }
                separated = false;
                let end = if byte == b'"' {
                    at + string_literal_len(&query[at..])
                } else {
                    bytes[at + 1..]
                        .iter()
                        .position(|&byte| ends_run(byte))
                        .map_or(bytes.len(), |run| at + 1 + run)
                };
                out.push_str(&query[at..end]);
                last = bytes.get(end - 1).copied();
                at = end;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn layout_commas_and_comments_do_not_matter() {
        let compact = "query P($first:Int){products(first:$first){edges{node{id name}}}}";
        let spread = "
            # the menu
            query P( $first : Int ) {
              products(first: $first) {   # page
                edges { node { id, name } }
              }
            }
        ";
        assert_eq!(normalize(compact), compact);
        assert_eq!(normalize(spread), compact);
    }

    #[test]
    fn names_stay_apart_and_spreads_keep_their_space() {
        assert_eq!(normalize("{ a   b\n c }"), "{a b c}");
        assert_eq!(
            normalize("{ ... on Product { id } }"),
            "{... on Product{id}}"
        );
        assert_eq!(normalize("{ ...F }"), "{...F}");
    }

    #[test]
    fn strings_are_kept_verbatim() {
        assert_eq!(
            normalize(r#"{ products(search: "blue  dream, # 1") { totalCount } }"#),
            r#"{products(search:"blue  dream, # 1"){totalCount}}"#
        );
        assert_eq!(
            normalize(r#"{ a(s: "say \"hi\"  there") }"#),
            r#"{a(s:"say \"hi\"  there")}"#
        );
        assert_eq!(
            normalize("{ a(s: \"\"\"two  \\\"\"\" lines\n  here\"\"\") b }"),
            "{a(s:\"\"\"two  \\\"\"\" lines\n  here\"\"\")b}"
        );
    }

    #[test]
    fn byte_order_marks_go_and_other_characters_stay_whole() {
        assert_eq!(
            normalize("\u{feff}{ a(s: \"crème  brûlée\") }"),
            "{a(s:\"crème  brûlée\")}"
        );
        assert_eq!(normalize("{ é  ü }"), "{é ü}");
    }

    #[test]
    fn different_documents_stay_different() {
        assert_ne!(normalize("{ a b }"), normalize("{ ab }"));
        assert_ne!(
            normalize(r#"{ a(s: "x y") }"#),
            normalize(r#"{ a(s: "x  y") }"#)
        );
    }

    #[test]
    fn unterminated_strings_do_not_panic() {
        assert_eq!(normalize(r#"{ a(s: "open"#), r#"{a(s:"open"#);
        assert_eq!(normalize(r#"{ a(s: """open"#), r#"{a(s:"""open"#);
    }
}
