package dev.reliablemessaging.autoconfigure;

import java.util.Locale;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import dev.reliablemessaging.autoconfigure.ReliableMessageHandler.Outcome;

/**
 * Counts received messages as {@code reliable.messaging.consumed}, tagged with topic, consumer group and outcome
 * ({@code processed}, {@code duplicate}, {@code failed}, {@code unreadable}).
 */
final class MicrometerConsumerMetrics implements ConsumerMetrics {

	private final MeterRegistry registry;

	MicrometerConsumerMetrics(MeterRegistry registry) {
		this.registry = registry;
	}

	@Override
	public void record(ListenerMethod listener, Outcome outcome) {
		Counter.builder(CONSUMED)
			.description("Messages received by @ReliableListener methods, by outcome")
			.tag("topic", listener.topic())
			.tag("group", listener.consumerGroup())
			.tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
			.register(this.registry)
			.increment();
	}

}
