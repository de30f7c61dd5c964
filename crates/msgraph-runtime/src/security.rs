//! URL rules: https only (loopback http on request), one origin gets the token.

use std::net::IpAddr;

use url::{Host, Url};

use crate::Error;

/// True for 127.0.0.0/8, ::1 and `localhost`.
pub(crate) fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// `https` always; `http` only for a loopback host and only when allowed.
pub(crate) fn check_scheme(
    url: &Url,
    allow_insecure_loopback: bool,
    what: &str,
) -> Result<(), Error> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if allow_insecure_loopback && is_loopback(url) => Ok(()),
        "http" if is_loopback(url) => Err(Error::Config(format!(
            "{what} {url} uses http; enable allow_insecure_loopback(true) to talk to a local emulator"
        ))),
        "http" => Err(Error::Config(format!(
            "{what} {url} uses http; only https is allowed (http only for 127.0.0.1/::1/localhost)"
        ))),
        other => Err(Error::Config(format!(
            "{what} {url} has unsupported scheme {other:?}; use https"
        ))),
    }
}

/// `url` without its query, for error messages about foreign links.
pub(crate) fn without_query(url: &Url) -> String {
    let mut u = url.clone();
    u.set_query(None);
    u.set_fragment(None);
    let _ = u.set_password(None);
    let _ = u.set_username("");
    u.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn loopback_detection() {
        for s in [
            "http://127.0.0.1:1",
            "http://127.9.8.7",
            "http://[::1]:80",
            "http://LOCALHOST:3",
        ] {
            assert!(is_loopback(&u(s)), "{s}");
        }
        for s in [
            "http://128.0.0.1",
            "http://localhost.evil.com",
            "http://10.0.0.1",
            "http://[::2]",
        ] {
            assert!(!is_loopback(&u(s)), "{s}");
        }
    }

    #[test]
    fn scheme_rules() {
        assert!(check_scheme(&u("https://graph.microsoft.com"), false, "x").is_ok());
        assert!(check_scheme(&u("http://127.0.0.1:8080"), true, "x").is_ok());
        assert!(check_scheme(&u("http://127.0.0.1:8080"), false, "x").is_err());
        assert!(check_scheme(&u("http://graph.microsoft.com"), true, "x").is_err());
        assert!(check_scheme(&u("ftp://127.0.0.1"), true, "x").is_err());
    }
}
