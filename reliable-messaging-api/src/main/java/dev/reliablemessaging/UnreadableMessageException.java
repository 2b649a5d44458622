package dev.reliablemessaging;

/**
 * Thrown by a {@link PayloadCodec} for a body it can never decode (not its format, a failed integrity check): the
 * message goes to the consumer group's dead-letter queue at once. Any other exception of a codec is taken for a
 * failure that may pass (a key service that is briefly down) and the message is retried like a failed handler.
 */
public class UnreadableMessageException extends ReliableMessagingException {

	public UnreadableMessageException(String message) {
		super(message);
	}

	public UnreadableMessageException(String message, Throwable cause) {
		super(message, cause);
	}

}
