-- Reliable messaging tables for MySQL and MariaDB, as they stood at the first baseline. ${prefix} is the configured
-- table prefix (default rm_). Later versions change them in migrations of their own, each safe on a live database.
-- Keys, ids, groups and topics compare exactly, byte for byte: binary collations instead of the server's default,
-- which is often case- and accent-insensitive. The values the starter stores never end in a space, so the
-- collations' padding never matters.
CREATE TABLE ${prefix}outbox (
    id                BIGINT AUTO_INCREMENT PRIMARY KEY,
    message_id        VARCHAR(36) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin   NOT NULL,
    topic             VARCHAR(127) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin  NOT NULL,
    tag               VARCHAR(127) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    message_key       VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    ordering_key      VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    headers           TEXT,
    payload           LONGBLOB       NOT NULL,
    status            VARCHAR(8) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin    NOT NULL,
    attempts          INT           NOT NULL,
    refusals          INT           DEFAULT 0 NOT NULL,
    next_attempt_at   DATETIME(6)  NOT NULL,
    lease_owner       VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    lease_until       DATETIME(6),
    last_error        VARCHAR(1000),
    created_at        DATETIME(6)  NOT NULL,
    sent_at           DATETIME(6),
    broker_message_id VARCHAR(64),
    CONSTRAINT ${prefix}outbox_message_id_uk UNIQUE (message_id)
);
-- the claim reads due PENDING rows in id order and stops after a window of them
CREATE INDEX ${prefix}outbox_pending_ix ON ${prefix}outbox (status, id);
-- rows of one ordering key are held back per topic and key
CREATE INDEX ${prefix}outbox_key_ix ON ${prefix}outbox (topic, ordering_key, id);

CREATE TABLE ${prefix}inbox (
    consumer_group VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    message_id     VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    topic          VARCHAR(127) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    processed_at   DATETIME(6) NOT NULL,
    CONSTRAINT ${prefix}inbox_pk PRIMARY KEY (consumer_group, message_id)
);
CREATE INDEX ${prefix}inbox_processed_ix ON ${prefix}inbox (processed_at);

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

-- every queue a topic has had, per broker group: the layout ordering keys map onto
CREATE TABLE ${prefix}topic_queues (
    topic       VARCHAR(127) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    broker_name VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    queue_count INT          NOT NULL,
    CONSTRAINT ${prefix}topic_queues_pk PRIMARY KEY (topic, broker_name)
);
