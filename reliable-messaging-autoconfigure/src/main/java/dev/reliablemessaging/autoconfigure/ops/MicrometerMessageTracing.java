package dev.reliablemessaging.autoconfigure.ops;

import java.util.Locale;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.reliablemessaging.autoconfigure.support.MessageTracing;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;

/**
 * {@link MessageTracing} over Micrometer Tracing's {@link Tracer}, whichever tracer bridge the application uses. The
 * W3C {@code traceparent} form is written and read here, so it works the same with every bridge: 64-bit trace ids
 * are padded to 128 bits on the way out and unpadded on the way in.
 */
final class MicrometerMessageTracing implements MessageTracing {

	private static final Pattern TRACEPARENT_FORMAT = Pattern
		.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");

	private static final String SIXTEEN_ZEROS = "0000000000000000";

	private final ObjectProvider<Tracer> tracer;

	MicrometerMessageTracing(ObjectProvider<Tracer> tracer) {
		this.tracer = tracer;
	}

	@Override
	public @Nullable String currentTraceparent() {
		Tracer tracer = this.tracer.getIfAvailable();
		Span span = (tracer != null) ? tracer.currentSpan() : null;
		if (span == null) {
			return null;
		}
		TraceContext context = span.context();
		String traceId = context.traceId();
		if (span.isNoop() || traceId == null || traceId.isEmpty()) {
			return null;
		}
		if (traceId.length() == 16) {
			traceId = SIXTEEN_ZEROS + traceId;
		}
		String flags = Boolean.TRUE.equals(context.sampled()) ? "01" : "00";
		String traceparent = "00-" + traceId.toLowerCase(Locale.ROOT) + "-"
				+ context.spanId().toLowerCase(Locale.ROOT) + "-" + flags;
		return TRACEPARENT_FORMAT.matcher(traceparent).matches() ? traceparent : null;
	}

	@Override
	public <T> T inConsumerSpan(String topic, String group, @Nullable String traceparent, Supplier<T> handling) {
		Tracer tracer = this.tracer.getIfAvailable();
		if (tracer == null) {
			return handling.get();
		}
		TraceContext parent = parse(tracer, traceparent);
		Span span = (parent != null) ? tracer.spanBuilder().setParent(parent).kind(Span.Kind.CONSUMER).start()
				: tracer.nextSpan().start();
		span.name(topic + " process")
			.tag("messaging.system", "rocketmq")
			.tag("messaging.destination.name", topic)
			.tag("messaging.consumer.group.name", group);
		try (Tracer.SpanInScope scope = tracer.withSpan(span)) {
			return handling.get();
		}
		catch (RuntimeException | Error ex) {
			span.error(ex);
			throw ex;
		}
		finally {
			span.end();
		}
	}

	private static @Nullable TraceContext parse(Tracer tracer, @Nullable String traceparent) {
		if (traceparent == null) {
			return null;
		}
		Matcher matcher = TRACEPARENT_FORMAT.matcher(traceparent.trim());
		if (!matcher.matches()) {
			return null;
		}
		String traceId = matcher.group(1);
		if (traceId.startsWith(SIXTEEN_ZEROS)) {
			traceId = traceId.substring(16);
		}
		boolean sampled = (Integer.parseInt(matcher.group(3), 16) & 1) == 1;
		return tracer.traceContextBuilder().traceId(traceId).spanId(matcher.group(2)).sampled(sampled).build();
	}

}
