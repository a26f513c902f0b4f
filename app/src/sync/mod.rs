//! Accounts and background sync with the server (DESIGN.md, "Sync protocol").

pub mod account;
pub mod engine;
pub mod roster;
pub mod supervision;
