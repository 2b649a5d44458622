package dev.reliablemessaging.sample;

/**
 * The topics the order service and the warehouse talk through.
 */
public final class Topics {

	public static final String ORDER_PLACED = "order-placed";

	public static final String STOCK_RESERVED = "stock-reserved";

	public static final String STOCK_REJECTED = "stock-rejected";

	/** An order's status changes, with the order id as ordering key: placed, then reserved or rejected. */
	public static final String ORDER_STATUS = "order-status";

	private Topics() {
	}

}
