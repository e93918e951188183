-- The pruner deletes an event once no delivery refers to it, and deleting an event cascades to
-- its deliveries: both look deliveries up by event, which only a full scan could do before.
CREATE INDEX webhook_deliveries_event ON webhook_deliveries (event_id);
-- It finds finished deliveries and old events by time, a batch at a time, without reading
-- every row (an event's row holds its whole payload).
CREATE INDEX webhook_deliveries_finished ON webhook_deliveries (state, finished_at);
CREATE INDEX webhook_events_created ON webhook_events (created_at);
