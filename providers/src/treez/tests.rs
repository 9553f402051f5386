//! Tests of the Treez adapter against its simulator.
