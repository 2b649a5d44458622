package dev.reliablemessaging.autoconfigure.outbox;

/**
 * The states of an outbox row.
 */
public enum OutboxStatus {

	/** Waiting to be sent, or to be retried. */
	PENDING,

	/** Accepted by the broker (kept only when a retention period is configured). */
	SENT,

	/** Out of attempts; kept until an operator replays or removes it. */
	DEAD

}
