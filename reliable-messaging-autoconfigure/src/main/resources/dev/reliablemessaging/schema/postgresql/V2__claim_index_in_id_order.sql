-- The claim reads due PENDING rows in id order and stops after a window of them. An index on (status, id) hands
-- them over in that order, so a claim reads a window's worth of index entries however long the backlog is; the
-- index on (status, next_attempt_at) it replaces made every claim read and sort all pending rows.
DROP INDEX ${prefix}outbox_claim_ix;
CREATE INDEX ${prefix}outbox_pending_ix ON ${prefix}outbox (status, id);
