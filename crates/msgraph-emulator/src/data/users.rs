//! The user pool that log rows and call-record participants are drawn from.

use crate::ids::{self, tag};

/// Number of distinct users; participants of one record are distinct as long as
/// the record has at most this many.
pub const USER_POOL: u64 = 1000;

const FIRST: &[&str] = &[
    "Abbie",
    "Richard",
    "Megan",
    "Alex",
    "Adele",
    "Diego",
    "Grady",
    "Henrietta",
    "Isaiah",
    "Johanna",
    "Joni",
    "Lee",
    "Lidia",
    "Lynne",
    "Miriam",
    "Nestor",
    "Patti",
    "Pradeep",
    "Zoë",
    "Émile",
];
const LAST: &[&str] = &[
    "Wilkins",
    "Malk",
    "Bowen",
    "Wilber",
    "Vance",
    "Siciliani",
    "Archie",
    "Mueller",
    "Langer",
    "Lauer",
    "Sherman",
    "Gu",
    "Holloway",
    "Valdez",
    "Graham",
    "Wilke",
    "Fernandez",
    "Gupta",
    "Østby",
    "O'Neil",
];

/// One user of the pool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Entra object id (or phone number for PSTN-only users).
    pub id: String,
    /// Display name (may contain non-ASCII characters and apostrophes).
    pub display_name: String,
    /// ASCII user principal name.
    pub upn: String,
    /// E.164 number.
    pub phone: String,
    /// Whether this is an external PSTN party rather than a directory user.
    pub is_phone: bool,
}

/// The tenant id every directory user belongs to.
pub fn tenant_id(seed: u64) -> String {
    ids::uuid(seed, tag::TENANT, 0, 0)
}

/// User `u` (taken modulo the pool size).
pub fn user(seed: u64, u: u64) -> User {
    let u = u % USER_POOL;
    let h = ids::hash(seed, tag::USER, u, 1);
    let first = ids::pick(FIRST, h);
    let last = ids::pick(LAST, h >> 20);
    let phone = format!("+1425{:07}", (h >> 8) % 10_000_000);
    let is_phone = u % 10 == 9;
    let ascii = |s: &str| -> String {
        s.chars()
            .filter_map(|c| match c {
                'ë' => Some('e'),
                'É' => Some('E'),
                'Ø' => Some('O'),
                c if c.is_ascii_alphabetic() => Some(c.to_ascii_lowercase()),
                _ => None,
            })
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    User {
        id: if is_phone {
            phone.clone()
        } else {
            ids::uuid(seed, tag::USER, u, 0)
        },
        display_name: format!("{first} {last}"),
        upn: format!("{}.{}{u}@contoso.com", ascii(first), ascii(last)),
        phone,
        is_phone,
    }
}
