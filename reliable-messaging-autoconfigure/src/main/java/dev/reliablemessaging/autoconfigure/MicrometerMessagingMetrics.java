package dev.reliablemessaging.autoconfigure;

import java.time.Duration;
import java.util.Locale;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import dev.reliablemessaging.autoconfigure.ReliableMessageHandler.Outcome;

/**
 * Records the starter's events as Micrometer meters named {@code reliable.messaging.*}; the operations guide lists
 * them with what to alert on.
 */
final class MicrometerMessagingMetrics implements MessagingMetrics {

	static final String PUBLISHED = "reliable.messaging.published";

	static final String SENT = "reliable.messaging.sent";

	static final String SEND_FAILURES = "reliable.messaging.send.failures";

	static final String DEAD = "reliable.messaging.dead";

	static final String SEND_LATENCY = "reliable.messaging.send.latency";

	static final String CONSUMED = "reliable.messaging.consumed";

	static final String END_TO_END = "reliable.messaging.end.to.end.latency";

	static final String DEAD_LETTERED = "reliable.messaging.dead.lettered";

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
			.description("Outbox rows that ran out of attempts and became DEAD")
			.tag("topic", topic)
			.register(this.registry)
			.increment(count);
	}

	@Override
	public void consumed(ListenerMethod listener, Outcome outcome, Duration endToEnd) {
		Counter.builder(CONSUMED)
			.description("Messages received by @ReliableListener methods, by outcome")
			.tag("topic", listener.topic())
			.tag("group", listener.consumerGroup())
			.tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
			.register(this.registry)
			.increment();
		if (outcome == Outcome.PROCESSED) {
			Timer.builder(END_TO_END)
				.description("Time from the outbox row's creation to the end of the handler's transaction")
				.tag("topic", listener.topic())
				.tag("group", listener.consumerGroup())
				.publishPercentileHistogram()
				.register(this.registry)
				.record(endToEnd.isNegative() ? Duration.ZERO : endToEnd);
		}
	}

	@Override
	public void deadLettered(ListenerMethod listener, String reason) {
		Counter.builder(DEAD_LETTERED)
			.description("Received messages handed to the consumer group's dead-letter queue")
			.tag("topic", listener.topic())
			.tag("group", listener.consumerGroup())
			.tag("reason", reason)
			.register(this.registry)
			.increment();
	}

}
