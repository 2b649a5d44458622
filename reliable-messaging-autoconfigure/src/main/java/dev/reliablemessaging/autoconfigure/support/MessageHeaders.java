package dev.reliablemessaging.autoconfigure.support;

import dev.reliablemessaging.DedupKey;

/**
 * The user properties the starter puts on the messages it sends, and reads on those it receives. Their names start
 * with {@code RM_}, which applications may not use for headers of their own.
 */
public final class MessageHeaders {

	/** The outbox message id, the consumers' dedup key; the same for every send of a row. */
	public static final String MESSAGE_ID = DedupKey.OUTBOX_MESSAGE_ID_PROPERTY;

	/** The business key. */
	public static final String KEY = "RM_KEY";

	/** The ordering key: messages of one key keep their order, and an orderly listener parks them together. */
	public static final String ORDERING_KEY = "RM_ORDERING_KEY";

	/** When the outbox row was written (epoch milliseconds), for end-to-end latency. */
	public static final String CREATED_AT = "RM_CREATED_AT";

	/** Why a message was handed to the dead-letter queue, on the copy stored there. */
	public static final String DEAD_LETTER_REASON = "RM_DEAD_LETTER_REASON";

	/** The W3C trace context of the publishing transaction. */
	public static final String TRACEPARENT = "traceparent";

	private MessageHeaders() {
	}

}
