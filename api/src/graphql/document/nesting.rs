//! The nesting guard: one linear scan of a document's text that refuses `[`, `{` and `(`
//! nested deeper than a limit, before anything recursive sees the text.
//!
//! Upstream (async-graphql-parser 7.2): the pest grammar parses values and selection
//! sets recursively and the pairs are converted to the AST recursively, with no bound on
//! depth. A list or object literal nested about 2,000 levels deep (`[[[…1…]]]`, 4 KB, in
//! any argument, known or not) overflows the worker's stack and aborts the whole process
//! (`fatal runtime error: stack overflow`). async-graphql's own limits
//! (`limit_depth`, `limit_recursive_depth`) need the parsed document, so they come too
//! late. Every entry therefore scans first: `GET` and `POST /graphql` before the response
//! cache and `operation_type` parse anything, and the schema's first extension for
//! websockets and every other caller.

use thiserror::Error;

use super::tokens::{comment_len, string_literal_len};

/// A document nesting brackets deeper than allowed.
#[derive(Debug, Error, PartialEq, Eq)]
#[error("the document nests brackets deeper than {limit} levels")]
pub struct TooDeep {
    /// The largest nesting allowed.
    pub limit: usize,
}

/// Request data marking a document whose text already passed [`check_nesting`] at the
/// schema's limit (the HTTP handler checks before its response cache), so the schema's
/// guard does not scan it again.
#[derive(Clone, Copy, Debug)]
pub struct NestingChecked;

/// Refuses `query` when `[`, `{` and `(` (counted together, outside strings and
/// comments) nest more than `limit` levels deep. Linear in the text, no recursion;
/// unbalanced brackets are left to the parser.
pub fn check_nesting(query: &str, limit: usize) -> Result<(), TooDeep> {
    let bytes = query.as_bytes();
    let mut depth = 0_usize;
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        // `#` and `"` are ASCII, so `at` is on a character boundary where text is sliced.
        at += match byte {
            b'[' | b'{' | b'(' => {
                depth += 1;
                if depth > limit {
                    return Err(TooDeep { limit });
                }
                1
            }
            b']' | b'}' | b')' => {
                depth = depth.saturating_sub(1);
                1
            }
            b'#' => comment_len(&query[at..]),
            b'"' => string_literal_len(&query[at..]),
            _ => 1,
        };
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{TooDeep, check_nesting};

    fn nested(open: &str, close: &str, levels: usize) -> String {
        format!(
            "{{ products(first: {}1{}) {{ totalCount }} }}",
            open.repeat(levels),
            close.repeat(levels)
        )
    }

    #[test]
    fn deep_lists_and_objects_are_refused_at_the_limit() {
        assert_eq!(check_nesting(&nested("[", "]", 60), 64), Ok(()));
        assert_eq!(
            check_nesting(&nested("[", "]", 100_000), 64),
            Err(TooDeep { limit: 64 })
        );
        assert_eq!(
            check_nesting(&nested("{a:", "}", 64), 64),
            Err(TooDeep { limit: 64 })
        );
    }

    #[test]
    fn brackets_in_strings_and_comments_do_not_count() {
        let deep = "[".repeat(1_000);
        let query =
            format!("{{ a(s: \"{deep}\", b: \"\"\"{deep}\\\"\"\"{deep}\"\"\") # {deep}\n b }}");
        assert_eq!(check_nesting(&query, 4), Ok(()));
    }

    #[test]
    fn unbalanced_and_unterminated_text_ends_the_scan() {
        assert_eq!(check_nesting("}}}} { a", 1), Ok(()));
        assert_eq!(check_nesting("{ a(s: \"open [[[", 2), Ok(()));
        assert_eq!(check_nesting("{ a(s: \"\"\"open [[[", 2), Ok(()));
        assert_eq!(check_nesting("{ é(s: [ü]) }", 3), Ok(()));
    }
}
