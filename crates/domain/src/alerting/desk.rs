//! The incident desk: list and read incidents, acknowledge them, list and retry deliveries.

use std::future::Future;

use super::{
    AcknowledgeIncidentError, DeliveryId, DeliveryRecord, DeliveryStatus, GetIncidentError,
    Incident, IncidentDetail, IncidentFilter, IncidentId, IncidentStore, ListDeliveriesError,
    ListIncidentsError, Outbox, RetryDeliveryError,
};
use crate::Clock;

/// The incident and delivery use cases, as the inbound adapters see them.
pub trait IncidentDesk: Send + Sync + 'static {
    fn list_incidents(
        &self,
        filter: IncidentFilter,
    ) -> impl Future<Output = Result<Vec<IncidentDetail>, ListIncidentsError>> + Send;
    fn get_incident(
        &self,
        id: IncidentId,
    ) -> impl Future<Output = Result<IncidentDetail, GetIncidentError>> + Send;
    /// Stops the incident's reminders and escalation.
    fn acknowledge(
        &self,
        id: IncidentId,
    ) -> impl Future<Output = Result<Incident, AcknowledgeIncidentError>> + Send;
    fn list_deliveries(
        &self,
        status: Option<DeliveryStatus>,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<DeliveryRecord>, ListDeliveriesError>> + Send;
    /// Makes a failed or dead delivery due again now.
    fn retry_delivery(
        &self,
        id: DeliveryId,
    ) -> impl Future<Output = Result<DeliveryRecord, RetryDeliveryError>> + Send;
}

/// Incidents and deliveries over their stores and a clock.
#[derive(Debug, Clone)]
pub struct IncidentService<I, O, C> {
    incidents: I,
    outbox: O,
    clock: C,
}

impl<I, O, C> IncidentService<I, O, C> {
    pub fn new(incidents: I, outbox: O, clock: C) -> Self {
        Self { incidents, outbox, clock }
    }
}

impl<I, O, C> IncidentDesk for IncidentService<I, O, C>
where
    I: IncidentStore,
    O: Outbox,
    C: Clock,
{
    async fn list_incidents(
        &self,
        filter: IncidentFilter,
    ) -> Result<Vec<IncidentDetail>, ListIncidentsError> {
        Ok(self.incidents.list_incidents(filter).await?)
    }

    async fn get_incident(&self, id: IncidentId) -> Result<IncidentDetail, GetIncidentError> {
        self.incidents.get_incident(id).await?.ok_or(GetIncidentError::NotFound(id))
    }

    async fn acknowledge(&self, id: IncidentId) -> Result<Incident, AcknowledgeIncidentError> {
        let incident = self
            .incidents
            .acknowledge_incident(id, self.clock.now())
            .await?
            .ok_or(AcknowledgeIncidentError::NotFound(id))?;
        tracing::info!(incident = %id, website = %incident.website_id, "Incident acknowledged");
        Ok(incident)
    }

    async fn list_deliveries(
        &self,
        status: Option<DeliveryStatus>,
        limit: u32,
    ) -> Result<Vec<DeliveryRecord>, ListDeliveriesError> {
        Ok(self.outbox.list_deliveries(status, limit).await?)
    }

    async fn retry_delivery(&self, id: DeliveryId) -> Result<DeliveryRecord, RetryDeliveryError> {
        let record = self
            .outbox
            .retry_delivery(id, self.clock.now())
            .await?
            .ok_or(RetryDeliveryError::NotFound(id))?;
        tracing::info!(delivery = %id, "Delivery queued again by hand");
        Ok(record)
    }
}
