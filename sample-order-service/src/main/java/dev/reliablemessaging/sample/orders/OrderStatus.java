package dev.reliablemessaging.sample.orders;

/**
 * Where an order stands.
 */
public enum OrderStatus {

	/** Placed; the warehouse has not answered yet. */
	PENDING,

	/** The warehouse reserved the stock. */
	CONFIRMED,

	/** The warehouse had not enough stock. */
	REJECTED

}
