package dev.reliablemessaging.faults;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Places orders at a steady rate through both endpoints of the order service, the starter's and the naive one,
 * and remembers which orders the API accepted (201 with an id). With several instances of the service, the orders
 * go to each in turn; those sent to an instance that is down are refused and not counted.
 */
final class OrderLoad implements AutoCloseable {

	private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([0-9a-f-]{36})\"");

	private static final List<String> SKUS = List.of("apple", "banana", "cherry");

	private final List<OrderServiceProcess> services;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

	/** Orders the starter's endpoint accepted, with when. */
	final Map<String, Instant> acceptedByStarter = new ConcurrentHashMap<>();

	/** Orders the naive endpoint accepted, with when. */
	final Map<String, Instant> acceptedByNaive = new ConcurrentHashMap<>();

	private final AtomicLong sequence = new AtomicLong();

	private final AtomicLong inFlight = new AtomicLong();

	private final boolean withNaive;

	/**
	 * @param withNaive whether orders go to the naive endpoint too, one for each the starter's endpoint gets
	 */
	OrderLoad(List<OrderServiceProcess> services, boolean withNaive) {
		this.services = services;
		this.withNaive = withNaive;
	}

	/** Starts placing {@code perSecond} orders a second on each endpoint. */
	void start(int perSecond) {
		long period = 1_000_000 / perSecond;
		this.scheduler.scheduleAtFixedRate(() -> {
			long order = this.sequence.incrementAndGet();
			String sku = SKUS.get((int) (order % SKUS.size()));
			OrderServiceProcess service = this.services.get((int) (order % this.services.size()));
			place(service, "/orders", sku, this.acceptedByStarter);
			if (this.withNaive) {
				place(service, "/naive/orders", sku, this.acceptedByNaive);
			}
		}, 0, period, TimeUnit.MICROSECONDS);
	}

	/** Places one order on the starter's endpoint and waits for the answer; it counts like the load's. */
	void placeOne(OrderServiceProcess service, String sku) throws Exception {
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(service.uri("/orders"))
			.timeout(Duration.ofSeconds(5))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"sku\":\"" + sku + "\",\"quantity\":1}"))
			.build(), HttpResponse.BodyHandlers.ofString());
		Matcher id = ID.matcher(response.body());
		if (response.statusCode() != 201 || !id.find()) {
			throw new IllegalStateException("The order of " + sku + " was not accepted: " + response.statusCode() + " "
					+ response.body());
		}
		this.acceptedByStarter.put(id.group(1), Instant.now());
	}

	private void place(OrderServiceProcess service, String path, String sku, Map<String, Instant> accepted) {
		HttpRequest request = HttpRequest.newBuilder(service.uri(path))
			.timeout(Duration.ofSeconds(5))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"sku\":\"" + sku + "\",\"quantity\":1}"))
			.build();
		this.inFlight.incrementAndGet();
		this.http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, failure) -> {
			if (failure == null && response.statusCode() == 201) {
				Matcher id = ID.matcher(response.body());
				if (id.find()) {
					accepted.put(id.group(1), Instant.now());
				}
			}
			this.inFlight.decrementAndGet();
		});
	}

	@Override
	public void close() {
		this.scheduler.shutdownNow();
		// let requests in flight answer or time out (5 s)
		long deadline = System.nanoTime() + Duration.ofSeconds(6).toNanos();
		while (this.inFlight.get() > 0 && System.nanoTime() < deadline) {
			ChildProcess.pause(50);
		}
	}

}
