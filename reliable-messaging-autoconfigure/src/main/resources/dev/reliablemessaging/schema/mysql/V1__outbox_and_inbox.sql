-- Reliable messaging tables for MySQL and MariaDB. ${prefix} is the configured table prefix (default rm_).
CREATE TABLE ${prefix}outbox (
    id                BIGINT AUTO_INCREMENT PRIMARY KEY,
    message_id        VARCHAR(36)   NOT NULL,
    topic             VARCHAR(127)  NOT NULL,
    tag               VARCHAR(127),
    message_key       VARCHAR(255),
    ordering_key      VARCHAR(255),
    headers           TEXT,
    payload           LONGBLOB      NOT NULL,
    status            VARCHAR(8)    NOT NULL,
    attempts          INT           NOT NULL,
    next_attempt_at   DATETIME(6)   NOT NULL,
    lease_owner       VARCHAR(100),
    lease_until       DATETIME(6) ,
    last_error        VARCHAR(1000),
    created_at        DATETIME(6)   NOT NULL,
    sent_at           DATETIME(6) ,
    broker_message_id VARCHAR(64),
    CONSTRAINT ${prefix}outbox_message_id_uk UNIQUE (message_id)
);
CREATE INDEX ${prefix}outbox_claim_ix ON ${prefix}outbox (status, next_attempt_at);
CREATE INDEX ${prefix}outbox_ordering_ix ON ${prefix}outbox (ordering_key, id);

CREATE TABLE ${prefix}inbox (
    consumer_group VARCHAR(255) NOT NULL,
    message_id     VARCHAR(128) NOT NULL,
    topic          VARCHAR(127) NOT NULL,
    processed_at   DATETIME(6)  NOT NULL,
    CONSTRAINT ${prefix}inbox_pk PRIMARY KEY (consumer_group, message_id)
);
CREATE INDEX ${prefix}inbox_processed_ix ON ${prefix}inbox (processed_at);
