package dev.reliablemessaging;

/**
 * A message could not be published or consumed, for a reason the message names.
 */
public class ReliableMessagingException extends RuntimeException {

	public ReliableMessagingException(String message) {
		super(message);
	}

	public ReliableMessagingException(String message, Throwable cause) {
		super(message, cause);
	}

}
