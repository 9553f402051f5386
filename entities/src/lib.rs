//! SeaORM entities.
