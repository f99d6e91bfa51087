pub mod batch;
pub mod demo;
pub mod inspect;
pub mod issue;
pub mod key;
pub mod ledger;
pub mod list;
pub mod verify;
