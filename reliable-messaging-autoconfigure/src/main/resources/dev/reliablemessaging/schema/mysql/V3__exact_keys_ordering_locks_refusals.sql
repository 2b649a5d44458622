-- Keys, ids, groups and topics compare exactly, byte for byte: binary collations instead of the server's default,
-- which is often case- and accent-insensitive. The values the starter stores never end in a space (keys, topics and
-- groups cannot contain one, inbox keys are stored in a form without), so the collations' padding never matters.
ALTER TABLE ${prefix}outbox
    MODIFY message_id   VARCHAR(36)   CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    MODIFY topic        VARCHAR(127)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    MODIFY tag          VARCHAR(127)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    MODIFY message_key  VARCHAR(255)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    MODIFY ordering_key VARCHAR(255)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    MODIFY status       VARCHAR(8)    CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    MODIFY lease_owner  VARCHAR(100)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
ALTER TABLE ${prefix}inbox
    MODIFY consumer_group VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    MODIFY message_id     VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    MODIFY topic          VARCHAR(127) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL;

-- Rows of one ordering key are held back per topic and key, so the index that finds a key's earlier rows leads with
-- the topic.
DROP INDEX ${prefix}outbox_ordering_ix ON ${prefix}outbox;
CREATE INDEX ${prefix}outbox_key_ix ON ${prefix}outbox (topic, ordering_key, id);

-- Failed sends that the broker refused because of the message itself (illegal, too large, not permitted); only these
-- count towards DEAD. attempts keeps counting every failed send, for the backoff and for operators.
ALTER TABLE ${prefix}outbox ADD COLUMN refusals INT NOT NULL DEFAULT 0;

-- A publisher locks the stripe of its row's topic and ordering key until its transaction ends, so a later
-- transaction of the same key gets its id only after the earlier one committed: per key, id order is commit order.
-- The rows exist from the start, so a lock is always a lock on an existing primary key (no gap locks).
CREATE TABLE ${prefix}ordering_lock (
    stripe INT NOT NULL PRIMARY KEY
);
INSERT INTO ${prefix}ordering_lock (stripe)
SELECT a.n * 256 + b.n * 16 + c.n
FROM (SELECT 0 AS n UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5
      UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9 UNION ALL SELECT 10 UNION ALL SELECT 11
      UNION ALL SELECT 12 UNION ALL SELECT 13 UNION ALL SELECT 14 UNION ALL SELECT 15) a,
     (SELECT 0 AS n UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5
      UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9 UNION ALL SELECT 10 UNION ALL SELECT 11
      UNION ALL SELECT 12 UNION ALL SELECT 13 UNION ALL SELECT 14 UNION ALL SELECT 15) b,
     (SELECT 0 AS n UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5
      UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9 UNION ALL SELECT 10 UNION ALL SELECT 11
      UNION ALL SELECT 12 UNION ALL SELECT 13 UNION ALL SELECT 14 UNION ALL SELECT 15) c;
