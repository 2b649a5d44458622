package dev.reliablemessaging.autoconfigure;

import org.apache.rocketmq.common.message.MessageClientIDSetter;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * The dedup key of a received message: the outbox message id, which stays the same when a row is sent again, or
 * for messages from elsewhere the broker's unique key set by the sending client.
 */
final class MessageIds {

	private MessageIds() {
	}

	static String dedupKey(MessageExt message) {
		String outboxId = message.getUserProperty(RocketMqSender.MESSAGE_ID_PROPERTY);
		if (outboxId != null && !outboxId.isEmpty()) {
			return outboxId;
		}
		String uniqueKey = MessageClientIDSetter.getUniqID(message);
		return (uniqueKey != null) ? uniqueKey : message.getMsgId();
	}

}
