package dev.reliablemessaging;

import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * What a {@link ReliableListener} method may want to know about the message it handles.
 * @param messageId the id the message is deduplicated on: the outbox message id, or the broker's unique key for
 * messages that did not come from an outbox
 * @param key the business key, if the message has one
 * @param topic the topic
 * @param tag the tag, if any
 * @param reconsumeTimes how often the message was delivered before (0 on the first delivery)
 * @param headers the message's user properties
 */
public record MessageContext(String messageId, @Nullable String key, String topic, @Nullable String tag,
		int reconsumeTimes, Map<String, String> headers) {
}
