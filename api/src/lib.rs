//! Canopy API library.
