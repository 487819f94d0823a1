//! mamlint's integration tests: one binary, one module per area.

// Test helpers may unwrap: a failure there is a failing test, with its message.
#![allow(clippy::unwrap_used)]

mod bad_input;
mod catalogue;
mod ci;
mod cli;
mod completions;
mod corpus;
mod custom_rules;
mod docs;
mod dsc;
mod effective;
mod examples;
mod exports;
mod fakes;
mod fix;
mod formats;
mod hostile;
mod html;
mod incremental;
mod init;
mod lean;
mod linear;
mod lsp;
mod mixed;
mod project;
mod properties;
mod protection;
mod rollout;
mod rules;
mod support;
mod tenants;
mod terraform;
