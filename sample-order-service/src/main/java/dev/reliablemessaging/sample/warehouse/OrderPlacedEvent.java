package dev.reliablemessaging.sample.warehouse;

/**
 * The warehouse's view of an {@code OrderPlaced} message: it shares the JSON, not the class, with the order service.
 */
public record OrderPlacedEvent(String orderId, String sku, int quantity) {
}
