//! The `waymark` server binary: parse configuration, start, and report start-up
//! problems as one clear sentence instead of a panic.

use clap::Parser;
use server::Config;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let config = Config::parse();
    server::telemetry::init(&config.log);
    match server::run(config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("waymark: {error}");
            ExitCode::FAILURE
        }
    }
}
