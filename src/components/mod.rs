pub mod grid;
pub mod lightbox;
pub mod message;
pub mod tile;
