-- Rows of one ordering key are held back per topic and key, so the index that finds a key's earlier rows leads with
-- the topic.
DROP INDEX ${prefix}outbox_ordering_ix;
CREATE INDEX ${prefix}outbox_key_ix ON ${prefix}outbox (topic, ordering_key, id);

-- Failed sends that the broker refused because of the message itself (illegal, too large, not permitted); only these
-- count towards DEAD. attempts keeps counting every failed send, for the backoff and for operators.
ALTER TABLE ${prefix}outbox ADD COLUMN refusals INT DEFAULT 0 NOT NULL;

-- A publisher locks the stripe of its row's topic and ordering key until its transaction ends, so a later
-- transaction of the same key gets its id only after the earlier one committed: per key, id order is commit order.
-- The rows exist from the start, so a lock is always a lock on an existing primary key.
CREATE TABLE ${prefix}ordering_lock (
    stripe INT NOT NULL PRIMARY KEY
);
INSERT INTO ${prefix}ordering_lock (stripe) SELECT generate_series(0, 4095);
