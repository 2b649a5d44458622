package dev.reliablemessaging.test;

import java.time.Duration;

import dev.reliablemessaging.autoconfigure.support.MessagingMetrics;

/**
 * Wraps the starter's metrics: every consumed message's outcome also goes to {@link HandledMessages}.
 */
final class HandledMessagesRecorder implements MessagingMetrics {

	private final MessagingMetrics metrics;

	private final HandledMessages handled;

	HandledMessagesRecorder(MessagingMetrics metrics, HandledMessages handled) {
		this.metrics = metrics;
		this.handled = handled;
	}

	@Override
	public void consumed(String topic, String group, String outcome, Duration endToEnd) {
		this.handled.record(topic, outcome);
		this.metrics.consumed(topic, group, outcome, endToEnd);
	}

	@Override
	public void published(String topic) {
		this.metrics.published(topic);
	}

	@Override
	public void sent(String topic, int count, Duration sendTime) {
		this.metrics.sent(topic, count, sendTime);
	}

	@Override
	public void sendFailed(String topic, int count, String reason) {
		this.metrics.sendFailed(topic, count, reason);
	}

	@Override
	public void dead(String topic, int count) {
		this.metrics.dead(topic, count);
	}

	@Override
	public void redelivered(String topic, String group) {
		this.metrics.redelivered(topic, group);
	}

	@Override
	public void deadLettered(String topic, String group, String reason) {
		this.metrics.deadLettered(topic, group, reason);
	}

	@Override
	public void parked(String topic, String group) {
		this.metrics.parked(topic, group);
	}

}
