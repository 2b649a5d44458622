package dev.reliablemessaging;

/**
 * Transforms message bodies after they are serialized at publish time and before they are bound on receipt. The
 * outbox table and the broker hold what {@link #encode} returns, so a codec that encrypts keeps payloads out of both
 * in clear text. Declare one bean of this type; the publisher and every {@link ReliableListener} use it.
 * <p>
 * {@link #decode} sees every message that reaches a listener, including messages other producers sent without
 * this codec; it should recognise its own format. For a body it can never decode it throws
 * {@link UnreadableMessageException}, and the message goes to the consumer group's dead-letter queue at once; any
 * other exception (a key service that is briefly down) is taken for a failure that may pass, and the message is
 * redelivered like one whose handler failed. Keys, tags and headers are not encoded: keep secrets in the payload.
 */
public interface PayloadCodec {

	/**
	 * Encodes a serialized payload before it is written to the outbox.
	 * @param topic the message's topic
	 * @param body the payload as serialized (JSON, or the bytes or text given)
	 * @return the bytes to store and send
	 */
	byte[] encode(String topic, byte[] body);

	/**
	 * Decodes a received body before it is bound to the listener's parameter.
	 * @param topic the topic the message arrived on
	 * @param body the body as received
	 * @return the serialized payload
	 * @throws UnreadableMessageException when the body is not in this codec's format or fails its integrity check
	 * @throws RuntimeException when it cannot be decoded now but may be later
	 */
	byte[] decode(String topic, byte[] body);

}
