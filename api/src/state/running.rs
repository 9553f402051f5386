//! [`RunningSyncs`]: which connections this process is syncing on demand (`triggerSync`),
//! so `syncStatus.running` can say so and a second trigger is refused instead of queued.

use std::{
    collections::HashSet,
    sync::{Arc, Mutex, PoisonError},
};

use uuid::Uuid;

/// The connections being synced on demand in this process.
#[derive(Clone, Debug, Default)]
pub struct RunningSyncs(Arc<Mutex<HashSet<Uuid>>>);

impl RunningSyncs {
    /// Whether connection `id` is being synced on demand.
    pub fn is_running(&self, id: Uuid) -> bool {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .contains(&id)
    }

    /// Marks `id` running until the guard drops; `None` when it already is.
    pub fn start(&self, id: Uuid) -> Option<RunGuard> {
        let inserted = self
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(id);
        inserted.then(|| RunGuard {
            runs: self.clone(),
            id,
        })
    }
}

/// Clears a connection's running mark when the run ends, however it ends.
pub struct RunGuard {
    runs: RunningSyncs,
    id: Uuid,
}

impl Drop for RunGuard {
    fn drop(&mut self) {
        self.runs
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&self.id);
    }
}
