package dev.reliablemessaging.autoconfigure;

import dev.reliablemessaging.OutboundMessage;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Checks topic names given in configuration with the same rules as published messages.
 */
final class OutboxTopics {

	private OutboxTopics() {
	}

	static void check(String topic) {
		try {
			OutboundMessage.builder(topic);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidConfigurationPropertyValueException("reliable-messaging.rocketmq.topics", topic,
					ex.getMessage());
		}
	}

}
