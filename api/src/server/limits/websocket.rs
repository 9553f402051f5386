//! Open websocket sessions per client IP address: a client holding the configured number
//! of sessions is refused another (429 `RATE_LIMITED` before the upgrade) until one ends.

use std::{
    collections::HashMap,
    net::IpAddr,
    sync::{Arc, Mutex, PoisonError},
};

/// Counts open sessions per client.
#[derive(Debug)]
pub(in crate::server) struct SessionLimit {
    max: usize,
    open: Mutex<HashMap<IpAddr, usize>>,
}

impl SessionLimit {
    /// At most `max` sessions per client; 0 means no limit.
    pub(in crate::server) fn new(max: usize) -> Arc<Self> {
        Arc::new(Self {
            max,
            open: Mutex::new(HashMap::new()),
        })
    }

    /// A permit for one more session of `client`, held for the session's life; `None`
    /// when the client already holds the maximum.
    pub(in crate::server) fn acquire(self: &Arc<Self>, client: IpAddr) -> Option<SessionPermit> {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        let count = open.entry(client).or_insert(0);
        if self.max != 0 && *count >= self.max {
            return None;
        }
        *count += 1;
        Some(SessionPermit {
            limit: Arc::clone(self),
            client,
        })
    }
}

/// One open session; dropping it frees the client's slot.
#[derive(Debug)]
pub(in crate::server) struct SessionPermit {
    limit: Arc<SessionLimit>,
    client: IpAddr,
}

impl Drop for SessionPermit {
    fn drop(&mut self) {
        let mut open = self
            .limit
            .open
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = open.get_mut(&self.client) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                open.remove(&self.client);
            }
        }
    }
}
