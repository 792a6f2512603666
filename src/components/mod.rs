pub mod grid;
pub mod lightbox;
pub mod message;
pub mod save_offline;
pub mod tile;
