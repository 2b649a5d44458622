package dev.reliablemessaging.autoconfigure;

import dev.reliablemessaging.DedupKey;

/**
 * The user properties the starter puts on the messages it sends, and reads on those it receives. Their names start
 * with {@code RM_}, which applications may not use for headers of their own.
 */
final class MessageHeaders {

	/** The outbox message id, the consumers' dedup key; the same for every send of a row. */
	static final String MESSAGE_ID = DedupKey.OUTBOX_MESSAGE_ID_PROPERTY;

	/** The business key. */
	static final String KEY = "RM_KEY";

	/** When the outbox row was written (epoch milliseconds), for end-to-end latency. */
	static final String CREATED_AT = "RM_CREATED_AT";

	/** Why a message was handed to the dead-letter queue, on the copy stored there. */
	static final String DEAD_LETTER_REASON = "RM_DEAD_LETTER_REASON";

	/** The W3C trace context of the publishing transaction. */
	static final String TRACEPARENT = "traceparent";

	private MessageHeaders() {
	}

}
