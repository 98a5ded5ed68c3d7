//! Rebuilds the store when a migration is added: `embed_migrations!` reads the directory at
//! compile time, and cargo does not otherwise know to look there.

fn main() {
    println!("cargo:rerun-if-changed=../../migrations");
}
