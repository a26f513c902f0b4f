//! Where the app keeps things on the device: documents in IndexedDB, small state in
//! `localStorage`.

pub mod device;
pub mod indexed_db;
pub mod shared_with_me;
