package dev.reliablemessaging.sample.orders;

/**
 * Published in the transaction that places an order.
 */
public record OrderPlaced(String orderId, String sku, int quantity) {
}
