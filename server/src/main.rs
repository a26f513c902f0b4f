//! The `waymark` server binary: parse configuration, start (or run `waymark demo`), and
//! report problems as one clear sentence instead of a panic.

use clap::Parser;
use server::{Command, Config};
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let config = Config::parse();
    server::telemetry::init(&config.log);
    let outcome = match &config.command {
        Some(Command::Demo(options)) => server::demo::main(&config, options)
            .await
            .map_err(|error| format!("demo: {error}")),
        None => server::run(config).await.map_err(|error| error.to_string()),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("waymark: {error}");
            ExitCode::FAILURE
        }
    }
}
