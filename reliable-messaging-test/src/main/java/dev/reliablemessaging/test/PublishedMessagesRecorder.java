package dev.reliablemessaging.test;

import java.util.Map;

import dev.reliablemessaging.OutboundMessage;
import dev.reliablemessaging.OutboxPublisher;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Wraps the application's {@link OutboxPublisher}: every message it accepts joins {@link PublishedMessages} when its
 * transaction commits, and never when it rolls back.
 */
final class PublishedMessagesRecorder implements OutboxPublisher {

	private final OutboxPublisher publisher;

	private final PublishedMessages committed;

	PublishedMessagesRecorder(OutboxPublisher publisher, PublishedMessages committed) {
		this.publisher = publisher;
		this.committed = committed;
	}

	@Override
	public String publish(String topic, Object payload) {
		String id = this.publisher.publish(topic, payload);
		onCommit(new PublishedMessage(id, topic, null, null, null, Map.of(), payload));
		return id;
	}

	@Override
	public String publish(OutboundMessage message) {
		String id = this.publisher.publish(message);
		onCommit(new PublishedMessage(id, message.topic(), message.tag(), message.key(), message.orderingKey(),
				message.headers(), message.payload()));
		return id;
	}

	private void onCommit(PublishedMessage message) {
		// the publisher has checked that a transaction is active
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

			@Override
			public void afterCommit() {
				PublishedMessagesRecorder.this.committed.record(message);
			}

		});
	}

}
