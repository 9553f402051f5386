//! Invalidations that could not reach Redis, kept until they can.
//!
//! A skipped or failed invalidation must not let a stale entry survive it: the tags it
//! would have bumped are remembered (at most [`MAX_TAGS`]; past that, or after a skipped
//! key deletion, the whole cache is to be flushed) and the Redis cache's probe applies
//! them before it lets reads back in.

use std::collections::BTreeSet;

/// Most lost tags remembered one by one; beyond, the whole cache is flushed.
pub const MAX_TAGS: usize = 10_000;

/// What must be invalidated before the cache may be read again.
#[derive(Debug, Default, PartialEq, Eq)]
pub enum Lost {
    /// Nothing: the cache is consistent with every invalidation made.
    #[default]
    Nothing,
    /// These tags' versions must be bumped.
    Tags(BTreeSet<String>),
    /// Every cached value must be deleted.
    Everything,
}

impl Lost {
    /// Remembers `tags` as not invalidated.
    pub fn tags(&mut self, tags: &[&str]) {
        match self {
            Lost::Everything => {}
            Lost::Nothing => {
                *self = Lost::Tags(BTreeSet::new());
                self.tags(tags);
            }
            Lost::Tags(lost) => {
                lost.extend(tags.iter().map(|tag| (*tag).to_owned()));
                if lost.len() > MAX_TAGS {
                    *self = Lost::Everything;
                }
            }
        }
    }

    /// Remembers that a key could not be deleted: only a flush makes up for it.
    pub fn everything(&mut self) {
        *self = Lost::Everything;
    }

    /// Whether nothing is owed.
    pub fn is_empty(&self) -> bool {
        matches!(self, Lost::Nothing)
    }

    /// Adds back `other` (taken earlier, whose replay failed).
    pub fn restore(&mut self, other: Lost) {
        match other {
            Lost::Nothing => {}
            Lost::Everything => self.everything(),
            Lost::Tags(tags) => {
                let tags: Vec<&str> = tags.iter().map(String::as_str).collect();
                self.tags(&tags);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_accumulate_until_the_bound_then_everything_is_owed() {
        let mut lost = Lost::default();
        assert!(lost.is_empty());
        lost.tags(&["a", "b"]);
        lost.tags(&["a"]);
        assert_eq!(
            lost,
            Lost::Tags(["a", "b"].map(str::to_owned).into_iter().collect())
        );
        let many: Vec<String> = (0..=MAX_TAGS).map(|i| i.to_string()).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        lost.tags(&many);
        assert_eq!(lost, Lost::Everything);
        lost.tags(&["c"]);
        assert_eq!(lost, Lost::Everything);
    }

    #[test]
    fn a_failed_replay_is_owed_again() {
        let mut lost = Lost::default();
        lost.restore(Lost::Tags(["x".to_owned()].into_iter().collect()));
        lost.tags(&["y"]);
        assert_eq!(
            lost,
            Lost::Tags(["x", "y"].map(str::to_owned).into_iter().collect())
        );
        lost.restore(Lost::Everything);
        assert_eq!(lost, Lost::Everything);
    }
}
