// The domain's fingerprint: a hash of its sources, so a stored aggregate state (a snapshot) is
// read back only by the very code that folded it. Any change here, even a comment, retires the
// old snapshots: they are a cache, rebuilt from the events on the next command.
use std::hash::{DefaultHasher, Hasher};
use std::path::{Path, PathBuf};

fn sources(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("domain/src is readable") {
        let path = entry.expect("domain/src is readable").path();
        if path.is_dir() {
            sources(&path, found);
        } else {
            found.push(path);
        }
    }
}

fn main() {
    println!("cargo:rerun-if-changed=src");
    let mut found = Vec::new();
    sources(Path::new("src"), &mut found);
    found.sort();
    let mut hasher = DefaultHasher::new();
    for path in found {
        hasher.write(path.to_string_lossy().as_bytes());
        hasher.write(&std::fs::read(&path).expect("a domain source is readable"));
    }
    println!(
        "cargo:rustc-env=TENDLC_DOMAIN_FINGERPRINT={:016x}",
        hasher.finish()
    );
}
