package dev.reliablemessaging.sample.history;

/**
 * A change of an order's status: {@code seq} 0 when it is placed, 1 when the warehouse has decided. Published with
 * the order id as ordering key, so an orderly listener sees them in this order.
 */
public record OrderStatusChanged(String orderId, int seq, String status) {

	/** Published in the transaction that places the order. */
	public static OrderStatusChanged placed(String orderId) {
		return new OrderStatusChanged(orderId, 0, "PLACED");
	}

	/** Published in the warehouse's transaction that decides on the order. */
	public static OrderStatusChanged decided(String orderId, boolean reserved) {
		return new OrderStatusChanged(orderId, 1, reserved ? "RESERVED" : "REJECTED");
	}

}
