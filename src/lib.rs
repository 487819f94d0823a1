//! mamlint: a policy-as-code linter for connecting Atlassian's mobile apps (Jira Cloud,
//! Confluence Cloud) to Microsoft Intune app protection.
//!
//! The data flow, one module per stage:
//!
//! ```text
//! files ─▶ syntax ─▶ model ─▶ rules ─▶ diagnostic ─▶ report ─▶ cli
//!          bytes →    typed    one file   findings    human,
//!          spanned    views,   per rule   with spans  JSON
//!          tree       catalog
//! ```
//!
//! [`lint`] drives the stages for a set of paths; the CLI in [`cli`] only parses arguments,
//! calls it, and picks a reporter.

pub mod baseline;
pub mod cli;
pub mod config;
pub mod custom;
pub mod diagnostic;
pub mod fingerprint;
pub mod fix;
pub mod graph;
pub mod init;
pub mod lint;
pub mod lsp;
pub mod model;
pub mod plan;
pub mod project;
pub mod protection;
pub mod report;
pub mod rules;
pub mod schema;
pub mod selection;
pub mod suggest;
pub mod suppress;
pub mod syntax;
pub mod uri;
pub mod walk;
