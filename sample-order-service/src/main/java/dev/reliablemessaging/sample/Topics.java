package dev.reliablemessaging.sample;

/**
 * The topics the order service and the warehouse talk through.
 */
public final class Topics {

	public static final String ORDER_PLACED = "order-placed";

	public static final String STOCK_RESERVED = "stock-reserved";

	public static final String STOCK_REJECTED = "stock-rejected";

	private Topics() {
	}

}
