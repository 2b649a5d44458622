package dev.reliablemessaging.autoconfigure;

import java.nio.charset.StandardCharsets;

import dev.reliablemessaging.ReliableMessagingException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns payloads into message bodies when they are published, so that a bad payload fails in the business
 * transaction: {@code byte[]} passes through, a {@code String} is UTF-8, anything else is JSON.
 */
final class PayloadSerializer {

	private final JsonMapper jsonMapper;

	private final long maxBodySize;

	PayloadSerializer(JsonMapper jsonMapper, long maxBodySize) {
		this.jsonMapper = jsonMapper;
		this.maxBodySize = maxBodySize;
	}

	byte[] serialize(String topic, Object payload) {
		byte[] body = toBytes(topic, payload);
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
