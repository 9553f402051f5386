//! GraphQL `ID`s: Canopy ids are UUIDs in their hyphenated text form.

use async_graphql::ID;
use uuid::Uuid;

use crate::error::{ApiError, parse_uuid};

/// The `ID` of a Canopy object.
pub fn to_id(id: Uuid) -> ID {
    ID(id.to_string())
}

/// The UUID an `ID` argument names; anything else is `BAD_USER_INPUT` on `field`.
pub fn parse_id(field: &str, id: &ID) -> Result<Uuid, ApiError> {
    parse_uuid(field, id.as_str())
}

/// [`parse_id`] for an optional argument.
pub fn parse_optional_id(field: &str, id: Option<&ID>) -> Result<Option<Uuid>, ApiError> {
    id.map(|id| parse_id(field, id)).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    #[test]
    fn ids_round_trip_and_garbage_is_bad_input() {
        let id = Uuid::now_v7();
        assert_eq!(parse_id("id", &to_id(id)).ok(), Some(id));
        let error = parse_id("productId", &ID::from("42")).err();
        assert_eq!(
            error.map(|error| (error.code(), error.to_string())),
            Some((
                ErrorCode::BadUserInput,
                "`productId` is not a valid id".to_owned()
            ))
        );
    }
}
