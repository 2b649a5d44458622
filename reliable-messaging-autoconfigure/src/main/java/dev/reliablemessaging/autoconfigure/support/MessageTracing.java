package dev.reliablemessaging.autoconfigure.support;

import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * Carries a trace from the publishing transaction to the handler: the publisher stores the current trace context
 * with the outbox row as a W3C {@code traceparent} header, the relay sends it as a message property, and the
 * consumer runs the handler in a span that continues it. {@link MicrometerMessageTracing} does this when
 * Micrometer Tracing is present.
 */
public interface MessageTracing {

	/** The current trace context in W3C {@code traceparent} form, or {@code null} when there is none. */
	@Nullable String currentTraceparent();

	/**
	 * Runs the handling of a message in a consumer span, a child of {@code traceparent} when it is a valid W3C trace
	 * context.
	 */
	<T> T inConsumerSpan(String topic, String group, @Nullable String traceparent, Supplier<T> handling);

	static MessageTracing none() {
		return new MessageTracing() {

			@Override
			public @Nullable String currentTraceparent() {
				return null;
			}

			@Override
			public <T> T inConsumerSpan(String topic, String group, @Nullable String traceparent,
					Supplier<T> handling) {
				return handling.get();
			}

		};
	}

}
