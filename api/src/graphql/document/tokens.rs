//! Lexical pieces of GraphQL text shared by the scanners that read a document without
//! parsing it (the nesting guard and the response cache's normaliser).

/// The length in bytes of the string literal `text` starts with (its quotes included);
/// the rest of `text` when the literal is unterminated (the document then fails to parse).
pub(crate) fn string_literal_len(text: &str) -> usize {
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

/// The length in bytes of the comment `text` starts with (`#` up to the line's end).
pub(crate) fn comment_len(text: &str) -> usize {
    text.find(['\n', '\r']).unwrap_or(text.len())
}
