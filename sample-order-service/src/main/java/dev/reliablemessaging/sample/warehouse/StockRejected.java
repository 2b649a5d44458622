package dev.reliablemessaging.sample.warehouse;

/**
 * The warehouse could not serve an order.
 */
public record StockRejected(String orderId, String sku, int quantity, String reason) {
}
