package dev.reliablemessaging;

import org.apache.rocketmq.common.message.MessageClientIDSetter;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * The key a received message is deduplicated on: the outbox message id when the message came from an outbox (it
 * stays the same when the row is sent again or replayed), otherwise the broker's unique key, which the sending
 * client sets once per message. The broker's own {@code msgId} changes on every send, so it is never the dedup key.
 * <p>
 * {@link ReliableListener} methods are deduplicated on it; an {@link IdempotentConsumer} method that receives a
 * {@link MessageExt} is too, by default. Elsewhere, write {@code key = "T(dev.reliablemessaging.DedupKey).of(#p0)"}.
 */
public final class DedupKey {

	/** The user property that carries the outbox message id. */
	public static final String OUTBOX_MESSAGE_ID_PROPERTY = "RM_MESSAGE_ID";

	private DedupKey() {
	}

	/**
	 * The dedup key of a received message.
	 * @param message a message as a RocketMQ consumer received it
	 * @return the outbox message id, else the unique key, else the broker's message id
	 */
	public static String of(MessageExt message) {
		String outboxId = message.getUserProperty(OUTBOX_MESSAGE_ID_PROPERTY);
		if (outboxId != null && !outboxId.isEmpty()) {
			return outboxId;
		}
		String uniqueKey = MessageClientIDSetter.getUniqID(message);
		return (uniqueKey != null) ? uniqueKey : message.getMsgId();
	}

}
