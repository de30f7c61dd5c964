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
    let h1 = hash(seed, tag, a, b);
    let h2 = mix(h1 ^ 0x5151_5151);
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        h1 >> 32,
        (h1 >> 16) & 0xffff,
        h1 & 0xfff,
        0x8000 | ((h2 >> 48) & 0x3fff),
        h2 & 0xffff_ffff_ffff
    )
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
