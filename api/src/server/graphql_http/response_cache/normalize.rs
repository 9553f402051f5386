//! Canonical query text for cache keys: one document written with different whitespace,
//! commas or comments normalises to one text.
//!
//! Only ignored tokens change: comments and commas go, a run of whitespace next to a
//! punctuator goes, any other run becomes one space, and string literals (block strings
//! included) stay verbatim. The normalised text therefore lexes to the same tokens as the
//! original, so two texts that normalise alike are the same document. Equivalent documents
//! that differ in more than layout (field order, aliases) keep different texts: that costs
//! a cache miss, never a wrong answer.

/// Punctuators that no neighbouring token can merge with (`...` is left out: a space
/// beside `.` is kept).
const fn is_punctuator(c: char) -> bool {
    matches!(
        c,
        '!' | '$' | '&' | '(' | ')' | ':' | '=' | '@' | '[' | ']' | '{' | '}' | '|'
    )
}

/// Characters the GraphQL lexer ignores between tokens (besides comments).
const fn is_ignored(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | ',' | '\u{feff}')
}

/// `query` in canonical form (see the module documentation).
pub(super) fn normalize(query: &str) -> String {
    let mut out = String::with_capacity(query.len());
    let mut separated = false;
    let mut rest = query;
    while let Some(c) = rest.chars().next() {
        if is_ignored(c) {
            separated = true;
            rest = &rest[c.len_utf8()..];
            continue;
        }
        if c == '#' {
            separated = true;
            rest = rest.find(['\n', '\r']).map_or("", |end| &rest[end..]);
            continue;
        }
        if separated
            && !is_punctuator(c)
            && out
                .chars()
                .next_back()
                .is_some_and(|last| !is_punctuator(last))
        {
            out.push(' ');
        }
        separated = false;
        let token_len = if c == '"' {
            string_literal_len(rest)
        } else {
            c.len_utf8()
        };
        out.push_str(&rest[..token_len]);
        rest = &rest[token_len..];
    }
    out
}

/// The length in bytes of the string literal `text` starts with (its quotes included);
/// the rest of `text` when the literal is unterminated (the document then fails to parse,
/// and is never cached).
fn string_literal_len(text: &str) -> usize {
    if let Some(body) = text.strip_prefix("\"\"\"") {
        // A block string ends at the first `"""` not escaped as `\"""`.
        let mut offset = 0;
        while let Some(found) = body[offset..].find("\"\"\"") {
            let at = offset + found;
            if !body[..at].ends_with('\\') {
                return 3 + at + 3;
            }
            offset = at + 3;
        }
        return text.len();
    }
    let mut escaped = false;
    for (index, c) in text.char_indices().skip(1) {
        match c {
            '\\' if !escaped => escaped = true,
            '"' if !escaped => return index + 1,
            '\n' | '\r' => return index,
            _ => escaped = false,
        }
    }
    text.len()
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
