//! Deterministic pseudo-random values derived from (seed, tag, index).

/// SplitMix64 finaliser: a fast, well-mixed 64-bit hash step.
pub fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Hash of a seed, a tag (one per kind of value) and up to two indices.
pub fn hash(seed: u64, tag: u64, a: u64, b: u64) -> u64 {
    mix(mix(mix(seed ^ tag.wrapping_mul(0xA076_1D64_78BD_642F)) ^ a)
        ^ b.wrapping_mul(0xE703_7ED1_A0B4_28DB))
}

/// A UUID-v4-shaped lowercase string from a hash pair.
pub fn uuid(seed: u64, tag: u64, a: u64, b: u64) -> String {
    Uuid::new(seed, tag, a, b).as_str().to_string()
}

/// A UUID-shaped id held on the stack; `Display` writes it without allocating.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Uuid([u8; 36]);

impl Uuid {
    /// The id for (seed, tag, a, b).
    pub fn new(seed: u64, tag: u64, a: u64, b: u64) -> Self {
        let h1 = hash(seed, tag, a, b);
        let h2 = mix(h1 ^ 0x5151_5151);
        // version nibble 4, variant bits 10xx
        let hi = (h1 & 0xffff_ffff_ffff_0fff) | 0x4000;
        let lo = (h2 & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000;
        Self::from_parts(hi, lo)
    }

    /// Format 128 bits as 8-4-4-4-12 lowercase hex.
    pub fn from_parts(hi: u64, lo: u64) -> Self {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut out = [b'-'; 36];
        let mut pos = 0;
        for i in 0..32 {
            if matches!(i, 8 | 12 | 16 | 20) {
                pos += 1;
            }
            let word = if i < 16 { hi } else { lo };
            let shift = 60 - 4 * (i % 16);
            out[pos] = HEX[((word >> shift) & 0xf) as usize];
            pos += 1;
        }
        Uuid(out)
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        // Only ASCII hex digits and dashes are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("00000000-0000-0000-0000-000000000000")
    }
}

impl std::fmt::Display for Uuid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Debug for Uuid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Pick from a slice by hash.
pub fn pick<T: Copy>(items: &[T], h: u64) -> T {
    items[(h % items.len() as u64) as usize]
}

/// Tags that keep the hash streams of different value kinds apart.
pub mod tag {
    /// Call record ids.
    pub const RECORD: u64 = 1;
    /// Session ids.
    pub const SESSION: u64 = 2;
    /// Segment ids.
    pub const SEGMENT: u64 = 3;
    /// User ids.
    pub const USER: u64 = 4;
    /// Tenant id.
    pub const TENANT: u64 = 5;
    /// Log rows (per kind, plus kind number).
    pub const ROW: u64 = 16;
    /// Secondary ids in rows (correlation ids).
    pub const ROW2: u64 = 32;
    /// Request ids.
    pub const REQUEST: u64 = 64;
    /// Stream ids and other small numbers.
    pub const MISC: u64 = 128;
}
