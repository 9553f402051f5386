//! `canopy operations`: the documents registered for the safelist, from the command line
//! (registrations are audited with the actor `cli`).

use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::{
    config::Config,
    db,
    error::ApiError,
    graphql::document::check_registrable,
    operations::{self, Registered},
    state,
};

/// The audit actor of these commands.
const ACTOR: &str = "cli";

/// Options of `canopy operations`.
#[derive(Args, Debug)]
pub struct OperationsArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: OperationsCommand,
}

/// The `canopy operations` subcommands.
#[derive(Subcommand, Debug)]
pub enum OperationsCommand {
    /// Register each FILE's document (its exact text, as the client sends it) for the
    /// safelist and print its SHA-256; nothing is registered when one file is refused.
    Add {
        /// GraphQL documents, one per file.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// List the registered documents: hash, operation names, who registered it, when.
    List,
    /// Remove the documents registered under each HASH. With `REDIS_URL`, the servers
    /// sharing that Redis stop running them at once; otherwise within a minute.
    Remove {
        /// SHA-256 hashes, as `list` prints them.
        #[arg(required = true, value_name = "HASH")]
        hashes: Vec<String>,
    },
}

/// Why a `canopy operations` command failed.
#[derive(Debug, thiserror::Error)]
pub enum OperationsError {
    /// A file could not be read.
    #[error("{file}: {source}")]
    Read {
        /// The file.
        file: String,
        /// Why.
        source: std::io::Error,
    },
    /// A document may not be registered.
    #[error("{file}: {source}")]
    Refused {
        /// The file.
        file: String,
        /// Why.
        source: ApiError,
    },
    /// A hash names no registered document.
    #[error("no document is registered under {0}")]
    Unknown(String),
    /// The database failed.
    #[error("database: {0}")]
    Database(#[from] sea_orm::DbErr),
    /// Redis, which carries the removals' announcements, is unreachable.
    #[error("redis: {0}")]
    Redis(#[from] redis::RedisError),
}

/// Runs `canopy operations` against the configured database.
pub async fn run(config: &Config, args: OperationsArgs) -> Result<(), OperationsError> {
    let db = db::connect(config).await?;
    db::migrate(&db).await?;
    match args.command {
        OperationsCommand::Add { files } => {
            let mut checked = Vec::with_capacity(files.len());
            for file in files {
                let shown = file.display().to_string();
                let document =
                    std::fs::read_to_string(&file).map_err(|source| OperationsError::Read {
                        file: shown.clone(),
                        source,
                    })?;
                let names =
                    check_registrable(&config.limits, &document)
                        .await
                        .map_err(|source| OperationsError::Refused {
                            file: shown.clone(),
                            source,
                        })?;
                checked.push((shown, document, names));
            }
            for (file, document, names) in checked {
                let Registered { operation, new } =
                    operations::register(&db, &document, &names, ACTOR).await?;
                let outcome = if new {
                    "registered"
                } else {
                    "already registered"
                };
                println!(
                    "{}\t{outcome}\t{}\t{file}",
                    operation.hash,
                    shown_names(&names)
                );
            }
        }
        OperationsCommand::List => {
            for operation in operations::list(&db).await? {
                let names = operations::operation_names(&operation);
                println!(
                    "{}\t{}\t{}\t{}",
                    operation.hash,
                    shown_names(&names),
                    operation.registered_by,
                    operation.created_at.to_rfc3339()
                );
            }
        }
        OperationsCommand::Remove { hashes } => {
            // the servers' event bus when it is Redis; in process, nobody else hears it
            let (_, events, _) = state::backends(config).await?;
            for hash in hashes {
                let hash = hash.to_ascii_lowercase();
                if !operations::remove(&db, events.as_ref(), &hash, ACTOR).await? {
                    return Err(OperationsError::Unknown(hash));
                }
                println!("{hash}\tremoved");
            }
        }
    }
    Ok(())
}

/// Operation names for a line of output.
fn shown_names(names: &[String]) -> String {
    if names.is_empty() {
        "(anonymous)".to_owned()
    } else {
        names.join(",")
    }
}
