//! `mamlint schema`.

use std::path::PathBuf;

use anyhow::Context as _;
use clap::Args;

use super::exit;
use crate::schema;

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// A manifest kind (AppProtectionPolicy, ...) or Graph type (iosManagedAppProtection).
    #[arg(required_unless_present_any = ["list", "write"])]
    pub kind: Option<String>,

    /// List the names this command accepts.
    #[arg(long)]
    pub list: bool,

    /// Write every schema into DIR as <name>.schema.json (for editors and yaml-language-server).
    #[arg(long, value_name = "DIR")]
    pub write: Option<PathBuf>,
}

pub(super) fn run(args: SchemaArgs) -> anyhow::Result<u8> {
    if args.list {
        for name in schema::names() {
            println!("{name}");
        }
        return Ok(exit::CLEAN);
    }
    if let Some(dir) = &args.write {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        for (stem, text) in schema::EMBEDDED {
            let path = dir.join(format!("{stem}.schema.json"));
            std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
            println!("{}", path.display());
        }
        return Ok(exit::CLEAN);
    }
    let kind = args.kind.unwrap_or_default();
    match schema::text(&kind) {
        Some(text) => {
            print!("{text}");
            Ok(exit::CLEAN)
        }
        None => {
            eprintln!(
                "error: no schema for `{kind}`; known: {}",
                schema::names().join(", ")
            );
            Ok(exit::ERROR)
        }
    }
}
