pub mod gallery;
pub mod studio;
