//! The user pool that log rows and call-record participants are drawn from.

use std::cell::RefCell;
use std::rc::Rc;

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

/// All users and the tenant of one seed, built once per thread and seed.
#[derive(Debug)]
pub struct Pool {
    /// The tenant id.
    pub tenant: String,
    users: Vec<User>,
    json: Vec<UserJson>,
}

/// A user's string members as escaped JSON literals (quotes included), made once
/// per pool so that log rows copy them instead of escaping them per row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserJson {
    /// [`User::id`].
    pub id: String,
    /// [`User::display_name`].
    pub display_name: String,
    /// [`User::upn`].
    pub upn: String,
    /// [`User::phone`].
    pub phone: String,
}

impl UserJson {
    fn new(u: &User) -> Self {
        let lit = |s: &str| {
            let mut out = Vec::with_capacity(s.len() + 2);
            crate::json::write_str(&mut out, s);
            String::from_utf8(out).unwrap_or_else(|_| "\"\"".into())
        };
        UserJson {
            id: lit(&u.id),
            display_name: lit(&u.display_name),
            upn: lit(&u.upn),
            phone: lit(&u.phone),
        }
    }
}

impl Pool {
    /// User `u` (taken modulo the pool size).
    pub fn user(&self, u: u64) -> &User {
        &self.users[(u % USER_POOL) as usize]
    }

    /// The JSON literals of user `u` (taken modulo the pool size).
    pub fn user_json(&self, u: u64) -> &UserJson {
        &self.json[(u % USER_POOL) as usize]
    }
}

thread_local! {
    static POOL: RefCell<Option<(u64, Rc<Pool>)>> = const { RefCell::new(None) };
}

/// The pool for `seed` (cached per thread; rebuilding costs about a millisecond).
pub fn pool(seed: u64) -> Rc<Pool> {
    POOL.with(|cell| {
        let mut cell = cell.borrow_mut();
        match &*cell {
            Some((s, p)) if *s == seed => Rc::clone(p),
            _ => {
                let users: Vec<User> = (0..USER_POOL).map(|u| make_user(seed, u)).collect();
                let json = users.iter().map(UserJson::new).collect();
                let p = Rc::new(Pool {
                    tenant: tenant_id(seed),
                    users,
                    json,
                });
                *cell = Some((seed, Rc::clone(&p)));
                p
            }
        }
    })
}

/// User `u` (taken modulo the pool size).
pub fn user(seed: u64, u: u64) -> User {
    pool(seed).user(u).clone()
}

fn make_user(seed: u64, u: u64) -> User {
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
