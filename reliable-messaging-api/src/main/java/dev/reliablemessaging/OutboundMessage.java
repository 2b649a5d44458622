package dev.reliablemessaging;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

import org.apache.rocketmq.common.message.MessageConst;
import org.jspecify.annotations.Nullable;

/**
 * A message to publish through {@link OutboxPublisher}. Built with {@link #builder(String)}; the builder checks
 * every field against what RocketMQ accepts, so a bad message fails where it is built.
 */
public final class OutboundMessage {

	static final int MAX_TOPIC_LENGTH = 127;

	static final int MAX_TAG_LENGTH = 127;

	static final int MAX_KEY_LENGTH = 255;

	static final int MAX_HEADER_NAME_LENGTH = 64;

	static final int MAX_HEADER_VALUE_LENGTH = 4096;

	static final int MAX_HEADERS = 64;

	/**
	 * RocketMQ refuses a message whose properties take more than 32767 bytes (UTF-8, separators included). The
	 * starter sets a few of its own (message id, keys, creation time, trace context) and the broker adds more on
	 * redelivery (retry topic, origin id, delay), so the headers get what is left after a reserve for those.
	 */
	static final int MAX_PROPERTIES_BYTES = 32767;

	/** Bytes of the properties kept for the starter's own and the broker's, besides the keys. */
	static final int RESERVED_PROPERTIES_BYTES = 2048;

	/** Prefix of the user properties that this starter sets itself. */
	static final String RESERVED_HEADER_PREFIX = "RM_";

	private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9_.-]+");

	private final String topic;

	private final @Nullable String tag;

	private final @Nullable String key;

	private final @Nullable String orderingKey;

	private final Map<String, String> headers;

	private final Duration deliverAfter;

	private final Object payload;

	private OutboundMessage(Builder builder) {
		this.topic = builder.topic;
		this.tag = builder.tag;
		this.key = builder.key;
		this.orderingKey = builder.orderingKey;
		this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(builder.headers));
		this.deliverAfter = builder.deliverAfter;
		this.payload = Objects.requireNonNull(builder.payload,
				() -> "payload of a message to topic '" + builder.topic + "' must not be null");
	}

	/**
	 * Starts a message to the given topic.
	 * @param topic a RocketMQ topic name: letters, digits, {@code _}, {@code -}, {@code %}, {@code |}, at most 127
	 * characters, not a system topic
	 * @return a builder
	 */
	public static Builder builder(String topic) {
		return new Builder(MessageText.checkTopic(topic));
	}

	public String topic() {
		return this.topic;
	}

	public @Nullable String tag() {
		return this.tag;
	}

	public @Nullable String key() {
		return this.key;
	}

	public @Nullable String orderingKey() {
		return this.orderingKey;
	}

	public Map<String, String> headers() {
		return this.headers;
	}

	public Duration deliverAfter() {
		return this.deliverAfter;
	}

	public Object payload() {
		return this.payload;
	}

	@Override
	public String toString() {
		return "OutboundMessage[topic=" + this.topic + ", tag=" + this.tag + ", key=" + this.key + ", orderingKey="
				+ this.orderingKey + ", headers=" + this.headers.keySet() + "]";
	}

	/**
	 * Builds an {@link OutboundMessage}. Each setter checks its argument and throws
	 * {@link IllegalArgumentException} naming the field when RocketMQ would refuse or mangle it.
	 */
	public static final class Builder {

		private final String topic;

		private @Nullable String tag;

		private @Nullable String key;

		private @Nullable String orderingKey;

		private final Map<String, String> headers = new LinkedHashMap<>();

		private Duration deliverAfter = Duration.ZERO;

		private @Nullable Object payload;

		private Builder(String topic) {
			this.topic = topic;
		}

		/**
		 * The RocketMQ tag; {@code null} or empty for none. It may not contain {@code ||} or control characters, or
		 * be {@code *}.
		 */
		public Builder tag(@Nullable String tag) {
			if (tag == null || tag.isEmpty()) {
				this.tag = null;
				return this;
			}
			if (tag.contains("||") || tag.equals("*") || tag.isBlank() || tag.length() > MAX_TAG_LENGTH
					|| !MessageText.printable(tag)) {
				throw new IllegalArgumentException("tag '" + tag + "' of a message to topic '" + this.topic
						+ "' is not a usable RocketMQ tag: it must be at most " + MAX_TAG_LENGTH
						+ " characters, not blank, not '*', without control characters or half surrogate pairs, "
						+ "and must not contain '||'");
			}
			this.tag = tag;
			return this;
		}

		/**
		 * The business key, sent in RocketMQ's {@code KEYS} with the message id; {@code null} or empty for none. It
		 * may not contain white space, which RocketMQ uses to separate keys.
		 */
		public Builder key(@Nullable String key) {
			this.key = checkKey("key", key);
			return this;
		}

		/**
		 * The ordering key; {@code null} or empty for unordered. Messages with the same ordering key go to the same
		 * queue in publishing order.
		 */
		public Builder orderingKey(@Nullable String orderingKey) {
			this.orderingKey = checkKey("orderingKey", orderingKey);
			return this;
		}

		/** A header, sent as a RocketMQ user property; at most {@value #MAX_HEADERS} of them. */
		public Builder header(String name, String value) {
			if (this.headers.size() == MAX_HEADERS && !this.headers.containsKey(name)) {
				throw new IllegalArgumentException("a message to topic '" + this.topic + "' may have at most "
						+ MAX_HEADERS + " headers; '" + name + "' would be one more");
			}
			if (name == null || !HEADER_NAME.matcher(name).matches() || name.length() > MAX_HEADER_NAME_LENGTH) {
				throw new IllegalArgumentException("header name '" + name + "' of a message to topic '" + this.topic
						+ "' must be 1 to " + MAX_HEADER_NAME_LENGTH + " letters, digits, '_', '.' or '-'");
			}
			if (name.startsWith(RESERVED_HEADER_PREFIX) || MessageConst.STRING_HASH_SET.contains(name)) {
				throw new IllegalArgumentException("header name '" + name + "' of a message to topic '" + this.topic
						+ "' is reserved (RocketMQ system properties and names starting with '"
						+ RESERVED_HEADER_PREFIX + "')");
			}
			if (value == null || value.isBlank() || value.length() > MAX_HEADER_VALUE_LENGTH
					|| !MessageText.printable(value)) {
				throw new IllegalArgumentException("header '" + name + "' of a message to topic '" + this.topic
						+ "' must have a value of 1 to " + MAX_HEADER_VALUE_LENGTH
						+ " characters, not blank and without control characters or half surrogate pairs (RocketMQ "
						+ "refuses blank values and uses control characters to separate properties)");
			}
			this.headers.put(name, value);
			return this;
		}

		/** Holds the message in the outbox until this much time has passed after the commit. */
		public Builder deliverAfter(Duration delay) {
			if (delay == null || delay.isNegative()) {
				throw new IllegalArgumentException(
						"deliverAfter of a message to topic '" + this.topic + "' must be zero or positive");
			}
			this.deliverAfter = delay;
			return this;
		}

		/** The payload: a {@code byte[]}, a {@code String} or an object serialized to JSON. Required. */
		public Builder payload(Object payload) {
			if (payload == null) {
				throw new IllegalArgumentException("payload of a message to topic '" + this.topic + "' must not be null");
			}
			this.payload = payload;
			return this;
		}

		public OutboundMessage build() {
			if (this.payload == null) {
				throw new IllegalArgumentException("payload of a message to topic '" + this.topic + "' is not set");
			}
			int propertiesBytes = propertiesBytes();
			if (propertiesBytes > MAX_PROPERTIES_BYTES - RESERVED_PROPERTIES_BYTES) {
				throw new IllegalArgumentException("the headers and keys of a message to topic '" + this.topic
						+ "' take " + propertiesBytes + " bytes; RocketMQ allows 32767 for all properties, of which "
						+ RESERVED_PROPERTIES_BYTES + " are kept for the starter's own and the broker's");
			}
			return new OutboundMessage(this);
		}

		/** The UTF-8 bytes the headers and keys take among the message's properties, with their separators. */
		private int propertiesBytes() {
			int bytes = 0;
			for (Map.Entry<String, String> header : this.headers.entrySet()) {
				bytes += MessageText.utf8Length(header.getKey()) + MessageText.utf8Length(header.getValue()) + 2;
			}
			if (this.key != null) {
				bytes += 2 * (MessageText.utf8Length(this.key) + 2); // in KEYS and in a property of its own
			}
			if (this.tag != null) {
				bytes += MessageText.utf8Length(this.tag) + 2;
			}
			return bytes;
		}

		private @Nullable String checkKey(String field, @Nullable String value) {
			if (value == null || value.isEmpty()) {
				return null;
			}
			if (value.length() > MAX_KEY_LENGTH || value.chars().anyMatch(Character::isWhitespace)
					|| !MessageText.printable(value)) {
				throw new IllegalArgumentException(field + " '" + value + "' of a message to topic '" + this.topic
						+ "' must be at most " + MAX_KEY_LENGTH + " characters without white space (RocketMQ "
						+ "separates keys with spaces), control characters or half surrogate pairs");
			}
			return value;
		}

	}

}
