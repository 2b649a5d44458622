package dev.reliablemessaging.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;

import dev.reliablemessaging.test.EmbeddedRocketMqBroker;
import dev.reliablemessaging.test.OutboxAssertions;
import dev.reliablemessaging.test.PublishedMessage;
import dev.reliablemessaging.test.PublishedMessages;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample end to end over HTTP, on H2 and the test kit's broker.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.datasource.url=jdbc:h2:mem:orders-${random.uuid};DB_CLOSE_DELAY=-1",
				"reliable-messaging.rocketmq.route-refresh-interval=1s" })
@EmbeddedRocketMqBroker(topics = { Topics.ORDER_PLACED, Topics.STOCK_RESERVED, Topics.STOCK_REJECTED,
		Topics.ORDER_STATUS })
class OrderFlowTests {

	private static final JsonMapper json = new JsonMapper();

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	private int port;

	@Autowired
	private JdbcTemplate jdbc;

	@Autowired
	private PublishedMessages published;

	@Autowired
	private OutboxAssertions outbox;

	@Test
	void fiveHundredOrdersAllSettleWithOneReservationEachAndExactStock() throws Exception {
		// other tests share this application: start from a settled state and measure the difference
		await().atMost(Duration.ofSeconds(60)).until(() -> count("SELECT COUNT(*) FROM orders WHERE status = 'PENDING'") == 0);
		long ordersBefore = count("SELECT COUNT(*) FROM orders");
		long decisionsBefore = count("SELECT COUNT(*) FROM stock_decisions");
		Map<String, Object> stockBefore = stock();
		Map<String, Long> confirmedBefore = new java.util.HashMap<>();
		for (String sku : stockBefore.keySet()) {
			confirmedBefore.put(sku, confirmedQuantity(sku));
		}
		ExecutorService pool = Executors.newFixedThreadPool(8);
		List<Future<HttpResponse<String>>> responses = new ArrayList<>();
		for (int i = 0; i < 500; i++) {
			String sku = (i % 10 == 0) ? "rare-widget" : List.of("apple", "banana", "cherry").get(i % 3);
			int quantity = 1 + ThreadLocalRandom.current().nextInt(5);
			responses.add(pool.submit(() -> post("{\"sku\":\"" + sku + "\",\"quantity\":" + quantity + "}")));
		}
		List<String> ids = new ArrayList<>();
		for (Future<HttpResponse<String>> response : responses) {
			HttpResponse<String> placed = response.get();
			assertThat(placed.statusCode()).isEqualTo(201);
			JsonNode body = json.readTree(placed.body());
			assertThat(body.get("status").asString()).isEqualTo("PENDING");
			assertThat(placed.headers().firstValue("Location")).hasValue("/orders/" + body.get("id").asString());
			ids.add(body.get("id").asString());
		}
		pool.shutdown();
		assertThat(this.published.ofTopic(Topics.ORDER_PLACED).size()).isEqualTo(500);
		assertThat(this.published.ofTopic(Topics.ORDER_PLACED).all()).extracting(PublishedMessage::key)
			.containsExactlyInAnyOrderElementsOf(ids);
		this.outbox.awaitDrained(Duration.ofSeconds(120));

		await().atMost(Duration.ofSeconds(120)).until(() -> count("SELECT COUNT(*) FROM orders WHERE status = 'PENDING'") == 0);
		assertThat(count("SELECT COUNT(*) FROM orders")).isEqualTo(ordersBefore + 500);
		assertThat(count("SELECT COUNT(*) FROM orders WHERE status IN ('CONFIRMED', 'REJECTED')"))
			.isEqualTo(ordersBefore + 500);
		assertThat(count("SELECT COUNT(*) FROM stock_decisions")).isEqualTo(decisionsBefore + 500);
		assertThat(count("SELECT COUNT(*) FROM (SELECT order_id FROM stock_decisions GROUP BY order_id HAVING COUNT(*) > 1) d"))
			.isZero();
		assertThat(count("SELECT COUNT(*) FROM stock_decisions d JOIN orders o ON o.id = d.order_id "
				+ "WHERE (d.outcome = 'RESERVED') <> (o.status = 'CONFIRMED')")).isZero();
		Map<String, Object> stockAfter = stock();
		for (String sku : stockBefore.keySet()) {
			long decrease = ((Number) stockBefore.get(sku)).longValue() - ((Number) stockAfter.get(sku)).longValue();
			assertThat(decrease).as(sku).isEqualTo(confirmedQuantity(sku) - confirmedBefore.get(sku));
		}

		// each order's status changes were applied once each, in order: placed, then decided
		await().atMost(Duration.ofSeconds(60))
			.until(() -> count("SELECT COUNT(*) FROM order_history WHERE seq = 1") >= ordersBefore + 500);
		for (String id : ids) {
			assertThat(this.jdbc.queryForList("SELECT seq FROM order_history WHERE order_id = ? ORDER BY id",
					Integer.class, id)).as(id).containsExactly(0, 1);
		}

		HttpResponse<String> one = get("/orders/" + ids.get(0));
		assertThat(one.statusCode()).isEqualTo(200);
		assertThat(json.readTree(one.body()).get("status").asString()).isIn("CONFIRMED", "REJECTED");
		HttpResponse<String> confirmed = get("/orders?status=CONFIRMED");
		assertThat(confirmed.statusCode()).isEqualTo(200);
		assertThat(json.readTree(confirmed.body())).allSatisfy(
				(order) -> assertThat(order.get("status").asString()).isEqualTo("CONFIRMED"));
	}

	@Test
	void operatorsSeeHealthMetricsAndTheMessagingEndpoint() throws Exception {
		HttpResponse<String> placed = post("{\"sku\":\"apple\",\"quantity\":1}");
		String id = json.readTree(placed.body()).get("id").asString();
		await().atMost(Duration.ofSeconds(60))
			.until(() -> !"PENDING".equals(json.readTree(get("/orders/" + id).body()).get("status").asString()));

		JsonNode anonymousHealth = json.readTree(get("/actuator/health").body());
		assertThat(anonymousHealth.get("status").asString()).isEqualTo("UP");
		assertThat(anonymousHealth.has("components")).as("health details without authentication").isFalse();
		JsonNode health = json.readTree(getAsOperator("/actuator/health").body());
		assertThat(health.at("/components/reliableMessaging/status").asString()).isEqualTo("UP");
		assertThat(health.at("/components/reliableMessaging/details/broker").asString()).isEqualTo("reachable");

		String prometheus = getAsOperator("/actuator/prometheus").body();
		assertThat(prometheus).contains("reliable_messaging_sent_total{topic=\"order-placed\"}")
			.contains("reliable_messaging_consumed_total{group=\"warehouse\",outcome=\"processed\",topic=\"order-placed\"}")
			.contains("reliable_messaging_outbox_pending_rows")
			.contains("reliable_messaging_end_to_end_latency_seconds_count");

		HttpResponse<String> summary = getAsOperator("/actuator/reliablemessaging");
		assertThat(summary.statusCode()).isEqualTo(200);
		JsonNode body = json.readTree(summary.body());
		assertThat(body.at("/outbox/dead").asLong()).isZero();
		assertThat(body.at("/relay/running").asBoolean()).isTrue();
		assertThat(body.get("listeners")).hasSize(4);
		assertThat(json.readTree(getAsOperator("/actuator/reliablemessaging/brokers").body()).get("zeroLossOnCrash")
			.asBoolean()).isTrue();
		assertThat(json.readTree(getAsOperator("/actuator/reliablemessaging/dead").body()).get("rows")).isEmpty();
		assertThat(get("/actuator/reliablemessaging").statusCode()).as("the endpoint without authentication")
			.isEqualTo(401);
		assertThat(this.http.send(HttpRequest.newBuilder(uri("/actuator/reliablemessaging/no-such-row")).DELETE().build(),
				HttpResponse.BodyHandlers.ofString()).statusCode()).as("a removal without authentication").isEqualTo(401);
		HttpResponse<String> badReplay = this.http.send(asOperator("/actuator/reliablemessaging")
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{}"))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(badReplay.statusCode()).isEqualTo(400);
	}

	@Test
	void badRequestsAnswer400NamingTheField() throws Exception {
		HttpResponse<String> missingSku = post("{\"quantity\":2}");
		assertThat(missingSku.statusCode()).isEqualTo(400);
		assertThat(missingSku.headers().firstValue("Content-Type")).hasValueSatisfying(
				(type) -> assertThat(type).contains("application/problem+json"));
		assertThat(missingSku.body()).contains("\"field\":\"sku\"");

		HttpResponse<String> zeroQuantity = post("{\"sku\":\"apple\",\"quantity\":0}");
		assertThat(zeroQuantity.statusCode()).isEqualTo(400);
		assertThat(zeroQuantity.body()).contains("\"field\":\"quantity\"");

		HttpResponse<String> malformed = post("{\"sku\":\"apple\",\"quantity\":");
		assertThat(malformed.statusCode()).isEqualTo(400);
		assertThat(malformed.body()).contains("\"field\"").contains("not valid JSON");

		HttpResponse<String> wrongType = post("{\"sku\":\"apple\",\"quantity\":\"two\"}");
		assertThat(wrongType.statusCode()).isEqualTo(400);
		assertThat(wrongType.body()).contains("\"field\":\"quantity\"");

		assertThat(get("/orders/no-such-order").statusCode()).isEqualTo(404);
		assertThat(count("SELECT COUNT(*) FROM orders WHERE sku = 'apple' AND quantity = 0")).isZero();
	}

	private HttpResponse<String> post(String body) throws Exception {
		return this.http.send(HttpRequest.newBuilder(uri("/orders"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> get(String path) throws Exception {
		return this.http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
	}

	/** A request as the sample's operator (spring.security.user in application.yml). */
	private HttpRequest.Builder asOperator(String path) {
		String credentials = java.util.Base64.getEncoder()
			.encodeToString("operator:operator-password".getBytes(java.nio.charset.StandardCharsets.UTF_8));
		return HttpRequest.newBuilder(uri(path)).header("Authorization", "Basic " + credentials);
	}

	private HttpResponse<String> getAsOperator(String path) throws Exception {
		return this.http.send(asOperator(path).GET().build(), HttpResponse.BodyHandlers.ofString());
	}

	private URI uri(String path) {
		return URI.create("http://localhost:" + this.port + path);
	}

	private long count(String sql, Object... args) {
		return this.jdbc.queryForObject(sql, Long.class, args);
	}

	private long confirmedQuantity(String sku) {
		return count("SELECT COALESCE(SUM(quantity), 0) FROM orders WHERE status = 'CONFIRMED' AND sku = ?", sku);
	}

	private Map<String, Object> stock() {
		Map<String, Object> stock = new java.util.LinkedHashMap<>();
		this.jdbc.query("SELECT sku, available FROM stock", (rs) -> {
			stock.put(rs.getString(1), rs.getLong(2));
		});
		return stock;
	}

}
