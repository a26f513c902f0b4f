//! One module per screen.

pub mod account;
pub mod capture;
pub mod entries;
pub mod entry;
pub mod home;
pub mod inbox;
pub mod profile;
pub mod supervision;
