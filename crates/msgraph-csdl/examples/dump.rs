//! Loads a CSDL file and writes its resolved model's `Debug` dump (to compare two builds of the reader):
//! `cargo run -p msgraph-csdl --example dump -- IN.xml OUT.txt`.
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let bytes = std::fs::read(&args[1]).unwrap();
    let doc = msgraph_csdl::load(&bytes, "x").unwrap();
    std::fs::write(&args[2], format!("{doc:#?}")).unwrap();
    let p = msgraph_csdl::parse(&bytes, "x").unwrap();
    std::fs::write(format!("{}.parse", &args[2]), format!("{p:#?}")).unwrap();
}
