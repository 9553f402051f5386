//! Case-insensitive substring search that behaves the same on SQLite and PostgreSQL.
//!
//! Both databases understand `LOWER(column) LIKE pattern ESCAPE '\'`; the pattern is
//! lower-cased in Rust and its wildcards escaped, so a search for `50%` finds "50%" and
//! not everything. (SQLite's `LOWER` folds ASCII only, so non-ASCII letters match
//! case-sensitively there.)

use sea_orm::{
    Condition,
    sea_query::{Expr, ExprTrait, Func, IntoColumnRef, LikeExpr},
};

/// The escape character of the generated `LIKE` patterns.
const ESCAPE: char = '\\';

/// `LOWER(column) LIKE '%term%'`, with `term` lower-cased and its wildcards escaped.
fn contains_ignore_case(column: impl IntoColumnRef, term: &str) -> Expr {
    Expr::expr(Func::lower(Expr::col(column))).like(LikeExpr::new(pattern(term)).escape(ESCAPE))
}

/// The rows where any of `columns` contains `term` (ignoring case); `None` when there is no
/// term or it is blank, which filters nothing.
pub(crate) fn search_any<C: IntoColumnRef + Copy>(
    columns: &[C],
    term: Option<&str>,
) -> Option<Condition> {
    let term = term.filter(|term| !term.trim().is_empty())?;
    Some(columns.iter().fold(Condition::any(), |any, column| {
        any.add(contains_ignore_case(*column, term))
    }))
}

/// `%term%`, lower-cased, with `%`, `_` and the escape character escaped.
fn pattern(term: &str) -> String {
    let mut pattern = String::with_capacity(term.len() + 2);
    pattern.push('%');
    for c in term.trim().to_lowercase().chars() {
        if matches!(c, '%' | '_' | ESCAPE) {
            pattern.push(ESCAPE);
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

#[cfg(test)]
mod tests {
    use super::pattern;

    #[test]
    fn wildcards_are_escaped_and_case_folded() {
        assert_eq!(pattern(" Blue_Dream 50% "), r"%blue\_dream 50\%%");
        assert_eq!(pattern(r"a\b"), r"%a\\b%");
    }
}
