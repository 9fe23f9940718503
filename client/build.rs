//! The UI binary keeps the linker's relocations: the build splits its pages off into a second
//! module (`xtask/src/split.rs`), which needs them to follow every call and function pointer.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        println!("cargo:rustc-link-arg-bin=client=--emit-relocs");
    }
}
