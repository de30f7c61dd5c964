//! Token cache with early refresh and single flight.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex as StdMutex};
use std::time::Duration;

use futures::future::BoxFuture;

use super::{AccessToken, TokenCredential};
use crate::Error;

/// Refresh this long before the token expires, so a request never leaves
/// with a token that dies in flight.
const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);

/// Caches the token of any credential and refreshes it ~5 minutes before
/// expiry. Only one refresh runs at a time; concurrent callers wait for it and
/// share its result, a failure included (so a wrong secret costs one token
/// request, not one per waiting caller). A later call tries again.
pub struct TokenCache {
    inner: Arc<dyn TokenCredential>,
    margin: Duration,
    /// Fast path: the current token and the scopes it was issued for.
    current: StdMutex<Option<(String, AccessToken)>>,
    /// Held while a refresh runs (single flight); keeps the last failure.
    refresh: tokio::sync::Mutex<Option<(u64, String, Error)>>,
    /// Number of finished refreshes; bumped under `refresh`.
    generation: AtomicU64,
}

impl TokenCache {
    /// Cache tokens of `credential`.
    pub fn new(credential: impl TokenCredential + 'static) -> Self {
        Self::from_arc(Arc::new(credential))
    }

    /// Cache tokens of a shared credential.
    pub fn from_arc(credential: Arc<dyn TokenCredential>) -> Self {
        TokenCache {
            inner: credential,
            margin: DEFAULT_REFRESH_MARGIN,
            current: StdMutex::new(None),
            refresh: tokio::sync::Mutex::new(None),
            generation: AtomicU64::new(0),
        }
    }

    /// Change how long before expiry the token is refreshed (default 5 minutes).
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.margin = margin;
        self
    }

    /// Forget the cached token, e.g. after Graph rejected it with 401; the
    /// next call fetches a new one.
    pub fn invalidate(&self) {
        let mut guard = self.current.lock().unwrap_or_else(|p| p.into_inner());
        *guard = None;
    }

    fn cached(&self, key: &str) -> Option<AccessToken> {
        let guard = self.current.lock().unwrap_or_else(|p| p.into_inner());
        match &*guard {
            Some((k, t)) if k == key && !t.expires_within(self.margin) => Some(t.clone()),
            _ => None,
        }
    }

    async fn get(&self, scopes: &[&str]) -> Result<AccessToken, Error> {
        let key = scopes.join(" ");
        if let Some(t) = self.cached(&key) {
            return Ok(t);
        }
        let seen = self.generation.load(Ordering::Acquire);
        let mut flight = self.refresh.lock().await;
        // Someone else may have refreshed while we waited.
        if let Some(t) = self.cached(&key) {
            return Ok(t);
        }
        // ... or failed while we waited: share that failure.
        if let Some((generation, k, e)) = &*flight {
            if *generation > seen && *k == key {
                return Err(e.clone());
            }
        }
        let result = self.inner.get_token(scopes).await;
        let generation = self.generation.fetch_add(1, Ordering::AcqRel) + 1;
        match result {
            Ok(token) => {
                *flight = None;
                let mut guard = self.current.lock().unwrap_or_else(|p| p.into_inner());
                *guard = Some((key, token.clone()));
                Ok(token)
            }
            Err(e) => {
                *flight = Some((generation, key, e.clone()));
                Err(e)
            }
        }
    }
}

impl fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenCache")
            .field("margin", &self.margin)
            .finish_non_exhaustive()
    }
}

impl TokenCredential for TokenCache {
    fn get_token<'a>(&'a self, scopes: &'a [&'a str]) -> BoxFuture<'a, Result<AccessToken, Error>> {
        Box::pin(self.get(scopes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::time::SystemTime;

    struct Counting {
        calls: Arc<AtomicU32>,
        lifetime: Duration,
    }

    impl TokenCredential for Counting {
        fn get_token<'a>(
            &'a self,
            _scopes: &'a [&'a str],
        ) -> BoxFuture<'a, Result<AccessToken, Error>> {
            Box::pin(async move {
                let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
                // Yield so that concurrent callers really overlap the refresh.
                tokio::task::yield_now().await;
                Ok(AccessToken::new(
                    format!("token-{n}"),
                    SystemTime::now() + self.lifetime,
                ))
            })
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn one_refresh_for_many_concurrent_callers() {
        let calls = Arc::new(AtomicU32::new(0));
        let cache = Arc::new(TokenCache::new(Counting {
            calls: calls.clone(),
            lifetime: Duration::from_secs(3600),
        }));
        let tasks: Vec<_> = (0..100)
            .map(|_| {
                let c = cache.clone();
                tokio::spawn(async move { c.get_token(&["s/.default"]).await })
            })
            .collect();
        for t in tasks {
            let tok = t.await.unwrap().unwrap();
            assert_eq!(tok.secret.expose(), "token-1");
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    struct Failing {
        calls: Arc<AtomicU32>,
    }

    impl TokenCredential for Failing {
        fn get_token<'a>(
            &'a self,
            _scopes: &'a [&'a str],
        ) -> BoxFuture<'a, Result<AccessToken, Error>> {
            Box::pin(async move {
                self.calls.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(50)).await;
                Err(Error::Config("no".into()))
            })
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_callers_share_one_failure_and_later_calls_retry() {
        let calls = Arc::new(AtomicU32::new(0));
        let cache = Arc::new(TokenCache::new(Failing {
            calls: calls.clone(),
        }));
        let tasks: Vec<_> = (0..50)
            .map(|_| {
                let c = cache.clone();
                tokio::spawn(async move { c.get_token(&["s"]).await })
            })
            .collect();
        for t in tasks {
            assert!(matches!(t.await.unwrap(), Err(Error::Config(_))));
        }
        // Callers that arrive after a failed refresh started wait for it; at
        // most a few stragglers (arriving as it ended) start a new one.
        let n = calls.load(Ordering::SeqCst);
        assert!((1..=3).contains(&n), "token requests: {n}");
        assert!(cache.get_token(&["s"]).await.is_err());
        assert_eq!(calls.load(Ordering::SeqCst), n + 1);
    }

    #[tokio::test]
    async fn refreshes_inside_the_margin_and_on_scope_change() {
        let calls = Arc::new(AtomicU32::new(0));
        // Lifetime shorter than the 5-minute margin: every call refreshes.
        let cache = TokenCache::new(Counting {
            calls: calls.clone(),
            lifetime: Duration::from_secs(120),
        });
        cache.get_token(&["a"]).await.unwrap();
        cache.get_token(&["a"]).await.unwrap();
        assert_eq!(calls.load(Ordering::SeqCst), 2);

        let calls = Arc::new(AtomicU32::new(0));
        let cache = TokenCache::new(Counting {
            calls: calls.clone(),
            lifetime: Duration::from_secs(3600),
        });
        cache.get_token(&["a"]).await.unwrap();
        cache.get_token(&["a"]).await.unwrap();
        cache.get_token(&["b"]).await.unwrap();
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }
}
