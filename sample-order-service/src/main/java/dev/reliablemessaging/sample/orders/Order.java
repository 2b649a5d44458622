package dev.reliablemessaging.sample.orders;

import java.time.Instant;

/**
 * An order as stored and as returned by the API.
 */
public record Order(String id, String sku, int quantity, OrderStatus status, Instant createdAt) {
}
