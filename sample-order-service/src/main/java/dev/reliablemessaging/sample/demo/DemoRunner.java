package dev.reliablemessaging.sample.demo;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.reliablemessaging.sample.orders.OrderStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * {@code --demo.orders=N}: places N orders through the HTTP API once the service is up, waits until every one is
 * confirmed or rejected, printing its progress every second, prints a summary with the handler failures and
 * redeliveries there were, and exits unless {@code --demo.exit=false}.
 */
@Component
@ConditionalOnProperty("demo.orders")
class DemoRunner implements ApplicationRunner {

	private static final String[] PLENTIFUL = { "apple", "banana", "cherry" };

	private static final Duration SETTLE_TIMEOUT = Duration.ofMinutes(10);

	private final Environment environment;

	private final JdbcTemplate jdbc;

	private final ObjectProvider<MeterRegistry> meters;

	private final ConfigurableApplicationContext context;

	DemoRunner(Environment environment, JdbcTemplate jdbc, ObjectProvider<MeterRegistry> meters,
			ConfigurableApplicationContext context) {
		this.environment = environment;
		this.jdbc = jdbc;
		this.meters = meters;
		this.context = context;
	}

	@Override
	public void run(ApplicationArguments args) throws Exception {
		int orders = this.environment.getRequiredProperty("demo.orders", Integer.class);
		int concurrency = this.environment.getProperty("demo.concurrency", Integer.class, 8);
		URI endpoint = URI.create("http://localhost:" + this.environment.getProperty("local.server.port") + "/orders");
		Instant start = Instant.now();
		Timestamp since = Timestamp.from(start.minusMillis(1));
		double duplicatesBefore = consumed("duplicate");
		double failuresBefore = consumed("failed");
		double redeliveriesBefore = counted("reliable.messaging.redelivered");
		AtomicInteger accepted = new AtomicInteger();
		AtomicInteger refused = new AtomicInteger();
		HttpClient client = HttpClient.newHttpClient();
		ExecutorService pool = Executors.newFixedThreadPool(concurrency);
		ScheduledExecutorService progress = Executors.newSingleThreadScheduledExecutor();
		progress.scheduleAtFixedRate(() -> {
			Map<OrderStatus, Long> now = countsSince(since);
			System.out.printf("  %5.1f s  placed %d/%d, settled %d, handler failures %.0f, redeliveries %.0f%n",
					Duration.between(start, Instant.now()).toMillis() / 1000.0, accepted.get() + refused.get(), orders,
					now.get(OrderStatus.CONFIRMED) + now.get(OrderStatus.REJECTED), consumed("failed") - failuresBefore,
					counted("reliable.messaging.redelivered") - redeliveriesBefore);
		}, 1, 1, TimeUnit.SECONDS);
		for (int i = 0; i < orders; i++) {
			pool.execute(() -> {
				try {
					HttpResponse<String> response = client.send(HttpRequest.newBuilder(endpoint)
						.header("Content-Type", "application/json")
						.POST(HttpRequest.BodyPublishers.ofString(randomOrder()))
						.build(), HttpResponse.BodyHandlers.ofString());
					(response.statusCode() == 201 ? accepted : refused).incrementAndGet();
				}
				catch (Exception ex) {
					refused.incrementAndGet();
				}
			});
		}
		pool.shutdown();
		pool.awaitTermination(SETTLE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		Instant placed = Instant.now();
		Map<OrderStatus, Long> counts = countsSince(since);
		Instant deadline = Instant.now().plus(SETTLE_TIMEOUT);
		while (counts.get(OrderStatus.PENDING) > 0 && Instant.now().isBefore(deadline)) {
			Thread.sleep(200);
			counts = countsSince(since);
		}
		Duration took = Duration.between(start, Instant.now());
		progress.shutdownNow();
		System.out.printf("""

				Demo summary
				  orders placed:        %d (refused by the API: %d)
				  confirmed:            %d
				  rejected:             %d
				  still pending:        %d
				  handler failures:     %.0f
				  redeliveries:         %.0f
				  duplicates absorbed:  %.0f
				  time to place:        %.1f s
				  time until settled:   %.1f s (%.0f orders/s end to end)
				%n""", accepted.get(), refused.get(), counts.get(OrderStatus.CONFIRMED),
				counts.get(OrderStatus.REJECTED), counts.get(OrderStatus.PENDING), consumed("failed") - failuresBefore,
				counted("reliable.messaging.redelivered") - redeliveriesBefore, consumed("duplicate") - duplicatesBefore,
				Duration.between(start, placed).toMillis() / 1000.0, took.toMillis() / 1000.0,
				accepted.get() * 1000.0 / Math.max(1, took.toMillis()));
		if (this.environment.getProperty("demo.exit", Boolean.class, true)) {
			boolean settled = counts.get(OrderStatus.PENDING) == 0 && refused.get() == 0;
			System.exit(SpringApplication.exit(this.context, () -> settled ? 0 : 1));
		}
	}

	private Map<OrderStatus, Long> countsSince(Timestamp since) {
		Map<OrderStatus, Long> counts = new EnumMap<>(OrderStatus.class);
		for (OrderStatus status : OrderStatus.values()) {
			counts.put(status, 0L);
		}
		this.jdbc.query("SELECT status, COUNT(*) FROM orders WHERE created_at >= ? GROUP BY status",
				(rs) -> {
					counts.put(OrderStatus.valueOf(rs.getString(1)), rs.getLong(2));
				}, since);
		return counts;
	}

	/** Messages the listeners received with this outcome, over all of them. */
	private double consumed(String outcome) {
		MeterRegistry registry = this.meters.getIfAvailable();
		if (registry == null) {
			return 0;
		}
		return registry.find("reliable.messaging.consumed").tag("outcome", outcome).counters().stream()
			.mapToDouble(Counter::count)
			.sum();
	}

	private double counted(String meter) {
		MeterRegistry registry = this.meters.getIfAvailable();
		if (registry == null) {
			return 0;
		}
		return registry.find(meter).counters().stream().mapToDouble(Counter::count).sum();
	}

	private static String randomOrder() {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		String sku = (random.nextInt(10) == 0) ? "rare-widget" : PLENTIFUL[random.nextInt(PLENTIFUL.length)];
		return "{\"sku\":\"" + sku + "\",\"quantity\":" + (1 + random.nextInt(5)) + "}";
	}

}
