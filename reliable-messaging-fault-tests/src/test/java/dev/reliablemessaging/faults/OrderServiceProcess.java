package dev.reliablemessaging.faults;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged sample order service in a JVM of its own, on PostgreSQL and the external broker, with the naive
 * variant's endpoint beside the starter's. Short leases and route refreshes, so recovery is measured in seconds.
 */
final class OrderServiceProcess {

	private static final String STARTED = "Started SampleOrderServiceApplication";

	private static final Pattern DUPLICATE_LINE = Pattern.compile("was already processed by warehouse\\b");

	private final ChildProcess process;

	/** The ordering key of each parked key in the endpoint's answer. */
	private static final Pattern PARKED_KEY = Pattern.compile("\"key\"\\s*:\\s*\"([^\"]+)\"");

	private final int port;

	/** The log's length when the process was last launched. */
	private long launchedAt;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	/**
	 * @param instance which instance of the service this is, from 1; it names the log
	 */
	OrderServiceProcess(Path sampleJar, Path directory, int instance, int port, String database, String nameServer,
			Duration processingTime) {
		this.port = port;
		Path log = directory.resolve((instance == 1) ? "service.log" : "service-" + instance + ".log");
		List<String> args = List.of("--spring.profiles.active=postgres,external-broker,naive", "--server.port=" + port,
				"--spring.datasource.hikari.connection-timeout=2000", "--spring.datasource.hikari.maximum-pool-size=12",
				"--reliable-messaging.rocketmq.route-refresh-interval=1s", "--reliable-messaging.relay.lease=6s",
				"--reliable-messaging.rocketmq.send-timeout=2s", "--reliable-messaging.relay.poll-interval=200ms", "--reliable-messaging.relay.backoff.initial=200ms",
				// three refusals make a row DEAD: an outage of any length must not
				"--reliable-messaging.relay.backoff.max=2s", "--reliable-messaging.relay.max-attempts=3",
				// sent rows are kept, so that the report can tell the relay's drain from the consumers'
				"--reliable-messaging.relay.retention=1h", "--reliable-messaging.consumer.shutdown-wait=1s", "--warehouse.processing-time=" + processingTime.toMillis() + "ms",
				// an order history the listener cannot apply is parked after three failures (1 + 2 + 4 s)
				"--reliable-messaging.consumer.orderly.park-after-failures=3",
				"--logging.level.dev.reliablemessaging.autoconfigure.consumer.ReliableMessageHandler=DEBUG");
		Map<String, String> environment = Map.of("PGDATABASE", database, "PGHOST", FaultDatabase.host(), "PGPORT",
				String.valueOf(FaultDatabase.port()), "PGUSER", FaultDatabase.user(), "PGPASSWORD",
				FaultDatabase.password(), "ROCKETMQ_NAME_SERVER", nameServer);
		this.process = new ChildProcess("order service " + instance, ChildProcess.javaJar("512m", sampleJar, args), environment, log);
	}

	void start() {
		launch();
		awaitReady();
	}

	/** Starts the process without waiting for it; {@link #awaitReady()} waits. */
	void launch() {
		this.launchedAt = this.process.logLength();
		this.process.launch();
	}

	/**
	 * Waits until the application has started (its listeners and relay run) and answers HTTP. Its health may be
	 * down a while longer when it is started again into a full load (its connection pool is busy), which the suite
	 * does not wait for: orders it takes meanwhile are counted like any other. Its health check waits for a pooled
	 * connection too, so an answer may take seconds, and a start into the soak's load on 2 cores minutes.
	 */
	void awaitReady() {
		long offset = this.launchedAt;
		this.process.awaitReady(() -> this.process.logContains(STARTED, offset) && answers(), Duration.ofSeconds(300));
	}

	void kill() {
		this.process.kill();
	}

	void stop() {
		this.process.stop();
	}

	/** Deliveries the inbox recognised as duplicates, over every life of the process (its DEBUG log lines). */
	long duplicatesAbsorbed() {
		Matcher matcher = DUPLICATE_LINE.matcher(this.process.logText());
		long count = 0;
		while (matcher.find()) {
			count++;
		}
		return count;
	}

	URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

	/**
	 * Releases every key the orderly listener of the group parked, through the {@code reliablemessaging} endpoint as
	 * the sample's operator, once one is parked; fails when a release leaves a key parked.
	 */
	void releaseParkedKeys(String group) throws Exception {
		String credentials = Base64.getEncoder()
			.encodeToString("operator:operator-password".getBytes(StandardCharsets.UTF_8));
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		List<String> keys;
		do {
			HttpResponse<String> parked = this.http.send(HttpRequest.newBuilder(uri("/actuator/reliablemessaging/parked"))
				.header("Authorization", "Basic " + credentials)
				.timeout(Duration.ofSeconds(15))
				.build(), HttpResponse.BodyHandlers.ofString());
			keys = PARKED_KEY.matcher(parked.body()).results().map((match) -> match.group(1)).toList();
			if (keys.isEmpty()) {
				ChildProcess.pause(500);
			}
		}
		while (keys.isEmpty() && System.nanoTime() < deadline);
		if (keys.isEmpty()) {
			throw new IllegalStateException("No key of group " + group + " was parked within 60 s");
		}
		for (String key : keys) {
			HttpResponse<String> released = this.http.send(HttpRequest.newBuilder(uri("/actuator/reliablemessaging/parked"))
				.header("Authorization", "Basic " + credentials)
				.header("Content-Type", "application/json")
				.timeout(Duration.ofSeconds(60))
				.POST(HttpRequest.BodyPublishers
					.ofString("{\"group\":\"" + group + "\",\"key\":\"" + key + "\",\"action\":\"release\"}"))
				.build(), HttpResponse.BodyHandlers.ofString());
			if (released.statusCode() != 200 || !released.body().contains("\"free\":true")) {
				throw new IllegalStateException("Releasing parked key " + key + " failed: " + released.statusCode() + " "
						+ released.body());
			}
			System.out.println("Released parked key " + key + ": " + released.body());
		}
	}

	/** Whether the health endpoint answers at all, up or down. */
	private boolean answers() {
		try {
			this.http.send(HttpRequest.newBuilder(uri("/actuator/health")).timeout(Duration.ofSeconds(15)).build(),
					HttpResponse.BodyHandlers.discarding());
			return true;
		}
		catch (Exception ex) {
			return false;
		}
	}

}
