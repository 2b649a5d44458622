package dev.reliablemessaging.autoconfigure.ops;

import java.time.Clock;
import java.time.Instant;
import java.util.function.ToDoubleFunction;

import dev.reliablemessaging.autoconfigure.outbox.OutboxAdmin.Backlog;
import dev.reliablemessaging.autoconfigure.outbox.OutboxAdmin;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gauges of the outbox backlog: pending rows, the age of the oldest pending row, and dead rows. One query serves
 * all three and is reused for {@value #CACHE_MILLIS} ms, so a scrape costs one query however many gauges it reads.
 */
final class OutboxGauges implements MeterBinder {

	static final String PENDING = "reliable.messaging.outbox.pending";

	static final String OLDEST_PENDING_AGE = "reliable.messaging.outbox.oldest.pending.age";

	static final String DEAD = "reliable.messaging.outbox.dead";

	private static final Logger logger = LoggerFactory.getLogger(OutboxGauges.class);

	private static final long CACHE_MILLIS = 1_000;

	private final OutboxAdmin outbox;

	private final Clock clock;

	private @Nullable Backlog backlog;

	private Instant readAt = Instant.MIN;

	OutboxGauges(OutboxAdmin outbox, Clock clock) {
		this.outbox = outbox;
		this.clock = clock;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		gauge(registry, PENDING, "Outbox rows waiting to be sent", "rows", (backlog) -> backlog.pending());
		gauge(registry, DEAD, "Outbox rows out of attempts, waiting for an operator", "rows",
				(backlog) -> backlog.dead());
		gauge(registry, OLDEST_PENDING_AGE,
				"How long the outbox row that waits longest beyond its due time has waited (rows due later do not count)",
				"seconds", (backlog) -> backlog.longestWait().toMillis() / 1000.0);
	}

	private void gauge(MeterRegistry registry, String name, String description, String unit,
			ToDoubleFunction<Backlog> value) {
		Gauge.builder(name, this, (gauges) -> {
			Backlog backlog = gauges.backlog();
			return (backlog != null) ? value.applyAsDouble(backlog) : Double.NaN;
		}).description(description).baseUnit(unit).strongReference(true).register(registry);
	}

	private synchronized @Nullable Backlog backlog() {
		Instant now = this.clock.instant();
		if (this.backlog == null || now.isAfter(this.readAt.plusMillis(CACHE_MILLIS))) {
			try {
				this.backlog = this.outbox.backlog();
				this.readAt = now;
			}
			catch (RuntimeException ex) {
				logger.debug("Could not read the outbox backlog", ex);
				return null;
			}
		}
		return this.backlog;
	}

}
