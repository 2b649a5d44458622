package dev.reliablemessaging.autoconfigure.ops;

import java.time.Duration;

import dev.reliablemessaging.autoconfigure.support.MessagingMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Records the starter's events as Micrometer meters named {@code reliable.messaging.*}; the operations guide lists
 * them with what to alert on.
 */
public final class MicrometerMessagingMetrics implements MessagingMetrics {

	static final String PUBLISHED = "reliable.messaging.published";

	static final String SENT = "reliable.messaging.sent";

	static final String SEND_FAILURES = "reliable.messaging.send.failures";

	static final String DEAD = "reliable.messaging.dead";

	public static final String SEND_LATENCY = "reliable.messaging.send.latency";

	static final String CONSUMED = "reliable.messaging.consumed";

	static final String END_TO_END = "reliable.messaging.end.to.end.latency";

	static final String DEAD_LETTERED = "reliable.messaging.dead.lettered";

	static final String PARKED = "reliable.messaging.parked";

	static final String REDELIVERED = "reliable.messaging.redelivered";

	private static final String PROCESSED = "processed";

	private final MeterRegistry registry;

	MicrometerMessagingMetrics(MeterRegistry registry) {
		this.registry = registry;
	}

	@Override
	public void published(String topic) {
		Counter.builder(PUBLISHED)
			.description("Messages written to the outbox")
			.tag("topic", topic)
			.register(this.registry)
			.increment();
	}

	@Override
	public void sent(String topic, int count, Duration sendTime) {
		Counter.builder(SENT)
			.description("Messages the broker accepted")
			.tag("topic", topic)
			.register(this.registry)
			.increment(count);
		Timer.builder(SEND_LATENCY)
			.description("Time of one synchronous send (a message or a batch) until the broker answered")
			.tag("topic", topic)
			.publishPercentileHistogram()
			.register(this.registry)
			.record(sendTime);
	}

	@Override
	public void sendFailed(String topic, int count, String reason) {
		Counter.builder(SEND_FAILURES)
			.description("Messages whose send failed, by broker status or error type; each is retried")
			.tag("topic", topic)
			.tag("reason", reason)
			.register(this.registry)
			.increment(count);
	}

	@Override
	public void dead(String topic, int count) {
		Counter.builder(DEAD)
			.description("Outbox rows the broker refused as often as max-attempts allows, now DEAD")
			.tag("topic", topic)
			.register(this.registry)
			.increment(count);
	}

	@Override
	public void consumed(String topic, String group, String outcome, Duration endToEnd) {
		Counter.builder(CONSUMED)
			.description("Messages received by @ReliableListener methods, by outcome")
			.tag("topic", topic)
			.tag("group", group)
			.tag("outcome", outcome)
			.register(this.registry)
			.increment();
		if (PROCESSED.equals(outcome)) {
			Timer.builder(END_TO_END)
				.description("Time from the outbox row's creation to the end of the handler's transaction")
				.tag("topic", topic)
				.tag("group", group)
				.publishPercentileHistogram()
				.register(this.registry)
				.record(endToEnd.isNegative() ? Duration.ZERO : endToEnd);
		}
	}

	@Override
	public void redelivered(String topic, String group) {
		Counter.builder(REDELIVERED)
			.description("Failed messages stored for a redelivery after RocketMQ's delay")
			.tag("topic", topic)
			.tag("group", group)
			.register(this.registry)
			.increment();
	}

	@Override
	public void deadLettered(String topic, String group, String reason) {
		Counter.builder(DEAD_LETTERED)
			.description("Received messages stored in the consumer group's dead-letter queue")
			.tag("topic", topic)
			.tag("group", group)
			.tag("reason", reason)
			.register(this.registry)
			.increment();
	}

	@Override
	public void parked(String topic, String group) {
		Counter.builder(PARKED)
			.description("Messages an orderly listener parked after they failed for good, with the later messages of "
					+ "their key held behind them until an operator releases or dead-letters them")
			.tag("topic", topic)
			.tag("group", group)
			.register(this.registry)
			.increment();
	}

}
