//! The canopy binary.
fn main() {}
