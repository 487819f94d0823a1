//! mamlint's integration tests: one binary, one module per area.

mod bad_input;
mod catalogue;
mod cli;
mod corpus;
mod docs;
mod examples;
mod properties;
mod rules;
mod support;
