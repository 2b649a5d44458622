-- Rows that are not due yet (delivered later, or waiting for a retry) are DELAYED or RETRYING instead of PENDING, and
-- become PENDING when due: this index finds the ones that are due, and the oldest due PENDING row for health, without
-- reading the rows that are not.
-- Built online: writes to the outbox go on while InnoDB builds it.
CREATE INDEX ${prefix}outbox_due_ix ON ${prefix}outbox (status, next_attempt_at) ALGORITHM=INPLACE LOCK=NONE;
