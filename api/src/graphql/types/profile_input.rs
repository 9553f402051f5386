//! `ProfileInput`, the profile edit as the GraphQL API receives it (with each field's
//! length limit), and its conversion into [`crate::customers::profile::ProfileInput`].

use async_graphql::{ID, InputObject};
use chrono::NaiveDate;

use super::enums::ProductCategory;
use crate::customers::profile;

/// Changes to a profile; omitted fields stay as they are.
#[derive(InputObject)]
pub struct ProfileInput {
    /// E-mail address.
    #[graphql(validator(max_length = 254))]
    pub email: Option<String>,
    /// Phone number (stored in E.164; North American numbers may omit `+1`).
    #[graphql(validator(max_length = 32))]
    pub phone: Option<String>,
    /// First name.
    #[graphql(validator(max_length = 100))]
    pub first_name: Option<String>,
    /// Last name.
    #[graphql(validator(max_length = 100))]
    pub last_name: Option<String>,
    /// Date of birth.
    pub date_of_birth: Option<NaiveDate>,
    /// Street address.
    #[graphql(validator(max_length = 200))]
    pub address: Option<String>,
    /// City.
    #[graphql(validator(max_length = 100))]
    pub city: Option<String>,
    /// State or province.
    #[graphql(validator(max_length = 50))]
    pub state: Option<String>,
    /// Postal code.
    #[graphql(validator(max_length = 20))]
    pub postal_code: Option<String>,
    /// Consent to marketing messages.
    pub marketing_opt_in: Option<bool>,
    /// Favourite product categories (replaces the list).
    #[graphql(validator(max_items = 20))]
    pub favourite_categories: Option<Vec<ProductCategory>>,
    /// The store the customer prefers.
    pub preferred_location_id: Option<ID>,
}

impl From<ProfileInput> for profile::ProfileInput {
    fn from(input: ProfileInput) -> Self {
        Self {
            email: input.email,
            phone: input.phone,
            first_name: input.first_name,
            last_name: input.last_name,
            date_of_birth: input.date_of_birth,
            address: input.address,
            city: input.city,
            state: input.state,
            postal_code: input.postal_code,
            marketing_opt_in: input.marketing_opt_in,
            favourite_categories: input.favourite_categories,
            preferred_location_id: input.preferred_location_id.map(|id| id.0),
        }
    }
}
