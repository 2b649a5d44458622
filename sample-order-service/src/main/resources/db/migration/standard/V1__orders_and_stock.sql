CREATE TABLE orders (
    id         VARCHAR(36)  PRIMARY KEY,
    sku        VARCHAR(100) NOT NULL,
    quantity   INT          NOT NULL,
    status     VARCHAR(16)  NOT NULL,
    created_at TIMESTAMP(6) NOT NULL,
    updated_at TIMESTAMP(6) NOT NULL
);
CREATE INDEX orders_status_ix ON orders (status, created_at);

CREATE TABLE stock (
    sku       VARCHAR(100) PRIMARY KEY,
    available INT          NOT NULL
);

CREATE TABLE stock_decisions (
    order_id   VARCHAR(36)  NOT NULL,
    sku        VARCHAR(100) NOT NULL,
    quantity   INT          NOT NULL,
    outcome    VARCHAR(16)  NOT NULL,
    decided_at TIMESTAMP(6) NOT NULL
);
CREATE INDEX stock_decisions_order_ix ON stock_decisions (order_id);

INSERT INTO stock (sku, available) VALUES ('apple', 1000000), ('banana', 1000000), ('cherry', 1000000),
    ('rare-widget', 200);
