// `sqlx::migrate!` embeds the migrations at compile time; without this, a migration added to the
// folder is not embedded until something else makes the crate rebuild.
fn main() {
    println!("cargo:rerun-if-changed=../migrations");
}
