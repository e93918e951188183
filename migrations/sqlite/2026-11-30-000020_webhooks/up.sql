-- Webhook endpoints, the transactional outbox of events, and one delivery per endpoint and event.
CREATE TABLE webhooks (
    id TEXT PRIMARY KEY NOT NULL,
    url TEXT NOT NULL,
    description TEXT,
    -- A JSON array of event names.
    events TEXT NOT NULL,
    -- Kept in clear: signing needs it. Never logged, shown only on create and rotate.
    secret TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT 1,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE webhook_events (
    -- Commit order per resource: a later change to a row waits for the earlier one's lock.
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    event TEXT NOT NULL,
    -- `article:<id>`, `tag:<id>`, `site`, `ping:<webhook id>`: deliveries keep order within one key.
    resource_key TEXT NOT NULL,
    -- Which write made it, so `site.changed` is sent once per write.
    txn TEXT,
    -- The exact body sent, so retries and redeliveries send the same bytes.
    payload TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX webhook_events_txn ON webhook_events (txn, event);

CREATE TABLE webhook_deliveries (
    id TEXT PRIMARY KEY NOT NULL,
    webhook_id TEXT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
    event_id TEXT NOT NULL REFERENCES webhook_events(id) ON DELETE CASCADE,
    event_seq BIGINT NOT NULL,
    resource_key TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP,
    -- A claim: the process holding `lease` may send until then.
    locked_until TIMESTAMP,
    lease TEXT,
    last_status INTEGER,
    last_error TEXT,
    redelivery_of TEXT,
    created_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);
CREATE INDEX webhook_deliveries_order ON webhook_deliveries (webhook_id, resource_key, event_seq);
CREATE INDEX webhook_deliveries_log ON webhook_deliveries (webhook_id, created_at DESC, id DESC);

CREATE TABLE webhook_attempts (
    id TEXT PRIMARY KEY NOT NULL,
    delivery_id TEXT NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
    attempted_at TIMESTAMP NOT NULL,
    status_code INTEGER,
    latency_ms BIGINT NOT NULL,
    response_excerpt TEXT,
    error TEXT
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, attempted_at);
