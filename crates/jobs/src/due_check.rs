//! What a schedule hands the worker, and how results find their way back: a [`CheckJob`] is a
//! due check plus the schedule's ticket for its slot; the worker runs it and hands the
//! [`CheckResult`] back through the schedule's [`SlotReturns`] with that ticket. The local and
//! the shared schedule differ only in what a ticket is and where a result is kept.

use std::future::Future;

use futures::Stream;
use lookout_domain::{CheckResult, DueCheck};
use tokio::time::Instant;

/// One check that has come due, as the worker gets it.
#[derive(Debug)]
pub struct CheckJob<T> {
    pub due: DueCheck,
    /// The schedule's hold on the slot; goes back with the result.
    pub ticket: T,
}

/// Where a schedule takes results back.
pub trait SlotReturns: Clone + Send + Sync + 'static {
    type Ticket: Send + Sync + 'static;

    /// Keeps what the check of `due` came to: its breaker and next due time.
    fn complete(&self, ticket: Self::Ticket, due: &DueCheck, result: &CheckResult);
}

/// A schedule the worker pulls due checks from.
pub trait CheckSource: Send + 'static {
    type Returns: SlotReturns;

    /// Waits for the next due check.
    fn next_due(&mut self) -> impl Future<Output = CheckJob<TicketOf<Self>>> + Send;

    /// Where results of this source's checks go.
    fn returns(&self) -> Self::Returns;
}

/// The ticket type of a source.
pub type TicketOf<S> = <<S as CheckSource>::Returns as SlotReturns>::Ticket;

/// A schedule as an endless stream of due checks.
pub(crate) fn due_stream<S: CheckSource>(source: S) -> impl Stream<Item = CheckJob<TicketOf<S>>> {
    futures::stream::unfold(source, |mut source| async move {
        let due = source.next_due().await;
        Some((due, source))
    })
}

/// Sleeps until `wake`, or for ever when there is nothing to wake for.
pub(crate) async fn sleep_until(wake: Option<Instant>) {
    match wake {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}
