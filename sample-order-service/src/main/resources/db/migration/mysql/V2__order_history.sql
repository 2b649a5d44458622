-- The order's status changes as an orderly listener applied them, one row each, in the order it applied them.
CREATE TABLE order_history (
    id         BIGINT AUTO_INCREMENT PRIMARY KEY,
    order_id   VARCHAR(36)  NOT NULL,
    seq        INT          NOT NULL,
    status     VARCHAR(16)  NOT NULL,
    applied_at DATETIME(6)  NOT NULL
);
CREATE INDEX order_history_order_ix ON order_history (order_id, id);
