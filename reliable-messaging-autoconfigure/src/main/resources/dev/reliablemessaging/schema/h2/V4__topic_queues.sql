-- Every queue the relays have seen of a topic, per broker group: an ordering key maps onto this layout, which only
-- grows, so a broker group that drops out of the route does not move keys to other queues.
CREATE TABLE ${prefix}topic_queues (
    topic       VARCHAR(127) NOT NULL,
    broker_name VARCHAR(255) NOT NULL,
    queue_count INT          NOT NULL,
    CONSTRAINT ${prefix}topic_queues_pk PRIMARY KEY (topic, broker_name)
);
