-- The pruner deletes an event once no delivery refers to it, and deleting an event cascades to
-- its deliveries: both look deliveries up by event, which only a full scan could do before.
CREATE INDEX webhook_deliveries_event ON webhook_deliveries (event_id);
