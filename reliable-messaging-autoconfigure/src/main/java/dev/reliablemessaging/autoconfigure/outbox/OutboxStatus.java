package dev.reliablemessaging.autoconfigure.outbox;

/**
 * The states of an outbox row. Only a PENDING row is due; a DELAYED or RETRYING one becomes PENDING when it is, so
 * that the claim never reads the rows that are not due.
 */
public enum OutboxStatus {

	/** Due: to be sent now. */
	PENDING,

	/**
	 * Due at a time of its own: a message published with a delivery delay, or one the broker refused, waiting for
	 * its next attempt.
	 */
	DELAYED,

	/**
	 * Waiting for the broker after a failure of availability (no route, no connection, a timeout, a busy broker):
	 * due after its backoff, or at once when a send succeeds again.
	 */
	RETRYING,

	/** Accepted by the broker (kept only when a retention period is configured). */
	SENT,

	/** Refused by the broker as often as max-attempts allows; kept until an operator replays or removes it. */
	DEAD

}
