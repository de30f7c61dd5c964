//! `cargo xtask codegen [--check]`: owned by the codegen work (issue 4).

use crate::flags::CodegenArgs;

/// Regenerates the generated crates, or checks them with `--check`.
pub fn run(args: &CodegenArgs) -> anyhow::Result<()> {
    let _ = args.check;
    let _ = crate::util::project_root();
    let _ = crate::util::ensure_file_contents;
    eprintln!("codegen: nothing to generate yet");
    Ok(())
}
