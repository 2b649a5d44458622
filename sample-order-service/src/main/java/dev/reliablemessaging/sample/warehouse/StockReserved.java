package dev.reliablemessaging.sample.warehouse;

/**
 * The warehouse set stock aside for an order.
 */
public record StockReserved(String orderId, String sku, int quantity) {
}
