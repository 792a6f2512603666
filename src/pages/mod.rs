pub mod gallery;
