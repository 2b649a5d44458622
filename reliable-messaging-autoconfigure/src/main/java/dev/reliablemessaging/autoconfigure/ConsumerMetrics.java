package dev.reliablemessaging.autoconfigure;

import dev.reliablemessaging.autoconfigure.ReliableMessageHandler.Outcome;

/**
 * Records what became of received messages; see {@link MicrometerConsumerMetrics}.
 */
interface ConsumerMetrics {

	String CONSUMED = "reliable.messaging.consumed";

	void record(ListenerMethod listener, Outcome outcome);

	static ConsumerMetrics none() {
		return (listener, outcome) -> {
		};
	}

}
