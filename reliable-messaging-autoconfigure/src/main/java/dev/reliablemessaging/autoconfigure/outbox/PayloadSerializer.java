package dev.reliablemessaging.autoconfigure.outbox;

import java.nio.charset.StandardCharsets;

import dev.reliablemessaging.PayloadCodec;
import dev.reliablemessaging.ReliableMessagingException;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns payloads into message bodies when they are published, so that a bad payload fails in the business
 * transaction: {@code byte[]} passes through, a {@code String} is UTF-8, anything else is JSON; then the
 * application's {@link PayloadCodec}, if it has one, encodes the result.
 */
final class PayloadSerializer {

	private final JsonMapper jsonMapper;

	private final long maxBodySize;

	private final @Nullable PayloadCodec codec;

	/**
	 * @param jsonMapper the application's mapper; polymorphic default typing is switched off for payloads, as the
	 * listeners switch it off for the bodies they bind, so what is written can be read
	 */
	PayloadSerializer(JsonMapper jsonMapper, long maxBodySize, @Nullable PayloadCodec codec) {
		this.jsonMapper = jsonMapper.rebuild().deactivateDefaultTyping().build();
		this.maxBodySize = maxBodySize;
		this.codec = codec;
	}

	/** The body to store and send: the payload serialized, then encoded by the codec if there is one. */
	byte[] serialize(String topic, Object payload) {
		byte[] body = toBytes(topic, payload);
		if (this.codec != null) {
			body = this.codec.encode(topic, body);
		}
		if (body.length == 0) {
			// the broker refuses an empty body as illegal: the row could never be sent
			throw new ReliableMessagingException("The payload of a message to topic '" + topic + "' is empty; RocketMQ "
					+ "refuses a message without a body. Send at least one byte (for example a JSON value).");
		}
		if (body.length > this.maxBodySize) {
			throw new ReliableMessagingException("The payload of a message to topic '" + topic + "' is " + body.length
					+ " bytes, over the limit of " + this.maxBodySize
					+ " bytes (reliable-messaging.rocketmq.max-message-size, which must not exceed the broker's "
					+ "maxMessageSize)");
		}
		return body;
	}

	private byte[] toBytes(String topic, Object payload) {
		if (payload instanceof byte[] bytes) {
			return bytes;
		}
		if (payload instanceof String text) {
			return text.getBytes(StandardCharsets.UTF_8);
		}
		try {
			return this.jsonMapper.writeValueAsBytes(payload);
		}
		catch (JacksonException ex) {
			throw new ReliableMessagingException("The payload of a message to topic '" + topic + "' ("
					+ payload.getClass().getName() + ") cannot be serialized to JSON: " + ex.getOriginalMessage(), ex);
		}
	}

}
