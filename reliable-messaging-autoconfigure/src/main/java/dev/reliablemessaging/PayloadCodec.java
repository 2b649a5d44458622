package dev.reliablemessaging;

/**
 * Transforms message bodies after they are serialized at publish time and before they are bound on receipt. The
 * outbox table and the broker hold what {@link #encode} returns, so a codec that encrypts keeps payloads out of both
 * in clear text. Declare one bean of this type; the publisher and every {@link ReliableListener} use it.
 * <p>
 * {@link #decode} sees every message that reaches a listener, including messages other producers sent without
 * this codec; it should recognise its own format and throw on anything else. A message it throws on goes to the
 * consumer group's dead-letter queue, as any unreadable message does. Keys, tags and headers are not encoded: keep
 * secrets in the payload.
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
	 * @throws RuntimeException when the body is not in this codec's format or fails its integrity check
	 */
	byte[] decode(String topic, byte[] body);

}
