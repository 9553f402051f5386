//! Bounds the errors one response carries: at most [`MAX_ERRORS`] (then one error saying
//! how many more were left out), and no message line longer than [`MAX_LINE_CHARS`]
//! characters (parse errors quote the offending line of the document, which can be the
//! whole document; validation errors quote names of any length).

use async_graphql::ServerError;

/// Errors one response keeps.
const MAX_ERRORS: usize = 50;
/// Characters kept of one line of an error message.
const MAX_LINE_CHARS: usize = 200;

/// Keeps the first [`MAX_ERRORS`] of `errors`, plus one counting the others.
pub(super) fn cap(errors: &mut Vec<ServerError>) {
    if errors.len() > MAX_ERRORS {
        let omitted = errors.len() - MAX_ERRORS;
        errors.truncate(MAX_ERRORS);
        errors.push(ServerError::new(
            format!("{omitted} more errors omitted"),
            None,
        ));
    }
}

/// Cuts the lines of `error`'s message longer than [`MAX_LINE_CHARS`] characters.
pub(super) fn cut(error: &mut ServerError) {
    if error.message.lines().any(is_long) {
        error.message = cut_lines(&error.message);
    }
}

/// `text` with every line longer than [`MAX_LINE_CHARS`] characters cut there (for
/// messages that may quote client input).
pub(crate) fn cut_lines(text: &str) -> String {
    text.lines()
        .map(|line| {
            if is_long(line) {
                let kept: String = line.chars().take(MAX_LINE_CHARS).collect();
                format!("{kept}…")
            } else {
                line.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn is_long(line: &str) -> bool {
    line.chars().nth(MAX_LINE_CHARS).is_some()
}

#[cfg(test)]
mod tests {
    use async_graphql::ServerError;

    use super::{MAX_ERRORS, MAX_LINE_CHARS, cap, cut};

    #[test]
    fn many_errors_end_in_one_count() {
        let mut errors: Vec<_> = (0..MAX_ERRORS + 7)
            .map(|i| ServerError::new(format!("error {i}"), None))
            .collect();
        cap(&mut errors);
        assert_eq!(errors.len(), MAX_ERRORS + 1);
        assert_eq!(errors[MAX_ERRORS].message, "7 more errors omitted");
    }

    #[test]
    fn long_lines_are_cut_and_short_ones_kept() {
        let long = "é".repeat(MAX_LINE_CHARS * 10);
        let mut error = ServerError::new(format!("parse error\n{long}\n  ^"), None);
        cut(&mut error);
        let lines: Vec<_> = error.message.lines().collect();
        assert_eq!(lines[0], "parse error");
        assert_eq!(lines[1].chars().count(), MAX_LINE_CHARS + 1);
        assert_eq!(lines[2], "  ^");
    }
}
