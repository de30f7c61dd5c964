//! Minimal PEM reader: enough to find a certificate and a private key.

use base64::Engine;

/// One `-----BEGIN LABEL-----` block, decoded.
pub(crate) struct PemBlock {
    pub label: String,
    pub der: Vec<u8>,
    /// The block re-encoded on its own (what jsonwebtoken expects).
    pub text: String,
}

/// All PEM blocks of `input`, in order. Text outside blocks is ignored
/// (bundles often carry "Bag Attributes" lines). Errors name the block.
pub(crate) fn parse_blocks(input: &str) -> Result<Vec<PemBlock>, String> {
    let mut blocks = Vec::new();
    let mut lines = input.lines().map(str::trim);
    while let Some(line) = lines.next() {
        let Some(label) = line
            .strip_prefix("-----BEGIN ")
            .and_then(|l| l.strip_suffix("-----"))
        else {
            continue;
        };
        let end = format!("-----END {label}-----");
        let mut b64 = String::new();
        let mut closed = false;
        for l in lines.by_ref() {
            if l == end {
                closed = true;
                break;
            }
            // Skip RFC 1421 headers such as "Proc-Type:" (encrypted legacy keys).
            if l.contains(':') {
                return Err(format!(
                    "PEM block {label:?} has headers (an encrypted key?); only unencrypted keys are supported"
                ));
            }
            b64.push_str(l);
        }
        if !closed {
            return Err(format!("PEM block {label:?} has no matching END line"));
        }
        let der = base64::engine::general_purpose::STANDARD
            .decode(b64.as_bytes())
            .map_err(|e| format!("PEM block {label:?} is not valid base64: {e}"))?;
        let text = format!("-----BEGIN {label}-----\n{b64}\n{end}\n");
        blocks.push(PemBlock {
            label: label.to_string(),
            der,
            text,
        });
    }
    Ok(blocks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_blocks_and_reports_bad_ones() {
        let s = "Bag Attributes\n-----BEGIN CERTIFICATE-----\nAQID\n-----END CERTIFICATE-----\njunk\n-----BEGIN PRIVATE KEY-----\nBAUG\n-----END PRIVATE KEY-----\n";
        let b = parse_blocks(s).unwrap();
        assert_eq!(b.len(), 2);
        assert_eq!(b[0].label, "CERTIFICATE");
        assert_eq!(b[0].der, vec![1, 2, 3]);
        assert_eq!(b[1].label, "PRIVATE KEY");
        assert!(parse_blocks("-----BEGIN X-----\nAQID\n").is_err());
        assert!(parse_blocks("-----BEGIN X-----\n!!!\n-----END X-----").is_err());
        assert!(parse_blocks("no pem here").unwrap().is_empty());
    }
}
