//! Loads a CSDL file N times (for instruction counts under callgrind):
//! `cargo run --release -p msgraph-csdl --example once -- FILE.xml [N]`.
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let n: usize = std::env::args().nth(2).map_or(1, |s| s.parse().unwrap());
    for _ in 0..n {
        let doc = msgraph_csdl::load(&bytes, "x").unwrap();
        std::hint::black_box(doc);
    }
}
