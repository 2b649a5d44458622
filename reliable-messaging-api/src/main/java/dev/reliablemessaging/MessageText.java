package dev.reliablemessaging;

import java.util.regex.Pattern;

import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.topic.TopicValidator;
import org.jspecify.annotations.Nullable;

/** The checks of a message's text fields against what RocketMQ accepts and keeps unchanged. */
final class MessageText {

	private static final Pattern TOPIC = Pattern.compile("[%|a-zA-Z0-9_-]+");

	private MessageText() {
	}

	/** The topic, if RocketMQ accepts it for a published message. */
	static String checkTopic(@Nullable String topic) {
		if (topic == null || topic.isBlank()) {
			throw new IllegalArgumentException("topic must not be empty");
		}
		if (topic.length() > OutboundMessage.MAX_TOPIC_LENGTH) {
			throw new IllegalArgumentException("topic '" + topic + "' is " + topic.length()
					+ " characters long; the limit is " + OutboundMessage.MAX_TOPIC_LENGTH);
		}
		if (!TOPIC.matcher(topic).matches()) {
			throw new IllegalArgumentException("topic '" + topic
					+ "' may only contain letters, digits, '_', '-', '%' and '|' (RocketMQ refuses other characters)");
		}
		if (TopicValidator.isSystemTopic(topic) || TopicValidator.isNotAllowedSendTopic(topic)) {
			throw new IllegalArgumentException("topic '" + topic + "' is a RocketMQ system topic");
		}
		if (topic.startsWith(MixAll.RETRY_GROUP_TOPIC_PREFIX) || topic.startsWith(MixAll.DLQ_GROUP_TOPIC_PREFIX)) {
			throw new IllegalArgumentException("topic '" + topic + "' is a consumer group's retry or dead-letter "
					+ "topic; publish to the group's own topic instead");
		}
		return topic;
	}

	/** Whether the text has no control characters and no unpaired surrogates, so it survives UTF-8 unchanged. */
	static boolean printable(String text) {
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (Character.isISOControl(c)) {
				return false;
			}
			if (Character.isHighSurrogate(c)) {
				if (i + 1 == text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
					return false;
				}
				i++;
			}
			else if (Character.isLowSurrogate(c)) {
				return false;
			}
		}
		return true;
	}

	static int utf8Length(String text) {
		int bytes = 0;
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c < 0x80) {
				bytes += 1;
			}
			else if (c < 0x800) {
				bytes += 2;
			}
			else if (Character.isHighSurrogate(c)) {
				bytes += 4;
				i++;
			}
			else {
				bytes += 3;
			}
		}
		return bytes;
	}

}
