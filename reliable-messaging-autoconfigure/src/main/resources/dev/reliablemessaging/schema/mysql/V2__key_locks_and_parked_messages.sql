-- Ordering locks per topic and key instead of 4,096 shared stripes: a publisher upserts its key's row and holds it
-- until its transaction ends, so unrelated keys never wait for each other. The key is a SHA-256 of the topic and the
-- ordering key. Rows of keys unused for a while are removed by the relay. New tables only: safe on a live database.
CREATE TABLE ${prefix}ordering_key_lock (
    lock_key  CHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL PRIMARY KEY,
    locked_at DATETIME(6) NOT NULL
);
CREATE INDEX ${prefix}ordering_key_lock_at_ix ON ${prefix}ordering_key_lock (locked_at);
DROP TABLE ${prefix}ordering_lock;

-- Messages an orderly listener parked: one that failed for good, and the later messages of its ordering key, held in
-- order until an operator releases or dead-letters the first.
CREATE TABLE ${prefix}parked (
    id              BIGINT AUTO_INCREMENT PRIMARY KEY,
    consumer_group  VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    ordering_key    VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    message_id      VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    topic           VARCHAR(127) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    properties      TEXT,
    body            LONGBLOB NOT NULL,
    reconsume_times INT NOT NULL,
    last_error      VARCHAR(1000),
    parked_at       DATETIME(6) NOT NULL,
    CONSTRAINT ${prefix}parked_message_uk UNIQUE (consumer_group, message_id)
);
CREATE INDEX ${prefix}parked_key_ix ON ${prefix}parked (consumer_group, ordering_key, id);
