//! TODO: deterministic sample-data generator.
