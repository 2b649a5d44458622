package dev.reliablemessaging.autoconfigure;

import java.time.Duration;
import java.util.stream.Stream;

import dev.reliablemessaging.OutboundMessage;
import dev.reliablemessaging.OutboxPublisher;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Bad input at every boundary gets an error that names the problem, and a publish that fails leaves nothing of its
 * business transaction behind.
 */
class BadInputTests {

	static Stream<Arguments> badMessages() {
		return Stream.of(
				bad("empty topic", () -> OutboundMessage.builder(""), "topic must not be empty"),
				bad("topic with a space", () -> OutboundMessage.builder("order created"), "may only contain"),
				bad("topic with a slash", () -> OutboundMessage.builder("orders/eu"), "may only contain"),
				bad("topic too long", () -> OutboundMessage.builder("t".repeat(128)), "the limit is 127"),
				bad("system topic", () -> OutboundMessage.builder("TBW102"), "RocketMQ system topic"),
				bad("retry topic", () -> OutboundMessage.builder("%RETRY%group"), "retry or dead-letter topic"),
				bad("tag with ||", () -> OutboundMessage.builder("t").tag("a||b"), "must not contain '||'"),
				bad("tag *", () -> OutboundMessage.builder("t").tag("*"), "not '*'"),
				bad("blank tag", () -> OutboundMessage.builder("t").tag("  "), "not blank"),
				bad("key with a space", () -> OutboundMessage.builder("t").key("order 1"), "key 'order 1'"),
				bad("key with a tab", () -> OutboundMessage.builder("t").key("order\t1"), "without white space"),
				bad("key too long", () -> OutboundMessage.builder("t").key("k".repeat(256)), "at most 255"),
				bad("ordering key with a newline", () -> OutboundMessage.builder("t").orderingKey("a\nb"),
						"orderingKey"),
				bad("header name with a space", () -> OutboundMessage.builder("t").header("my header", "v"),
						"header name 'my header'"),
				bad("reserved header", () -> OutboundMessage.builder("t").header("KEYS", "v"), "is reserved"),
				bad("header of ours", () -> OutboundMessage.builder("t").header("RM_MESSAGE_ID", "v"), "is reserved"),
				bad("header value too long", () -> OutboundMessage.builder("t").header("h", "v".repeat(4097)),
						"1 to 4096 characters"),
				bad("header value with a control character",
						() -> OutboundMessage.builder("t").header("h", "a\u0001b"), "without control characters"),
				bad("blank header value", () -> OutboundMessage.builder("t").header("h", " "), "not blank"),
				bad("key with a control character", () -> OutboundMessage.builder("t").key("order\u00011"),
						"control characters"),
				bad("ordering key with half a surrogate pair", () -> OutboundMessage.builder("t").orderingKey("a\uD800b"),
						"orderingKey"),
				bad("tag with a control character", () -> OutboundMessage.builder("t").tag("a\u0002b"), "tag"),
				bad("headers over RocketMQ's 32 KB of properties", BadInputTests::headersOverThePropertyLimit,
						"32767"),
				bad("null payload", () -> OutboundMessage.builder("t").payload(null), "must not be null"),
				bad("no payload", () -> OutboundMessage.builder("t").build(), "payload"),
				bad("negative delay", () -> OutboundMessage.builder("t").deliverAfter(Duration.ofSeconds(-1)),
						"zero or positive"));
	}

	private static void headersOverThePropertyLimit() {
		OutboundMessage.Builder builder = OutboundMessage.builder("t").payload("p");
		for (int i = 0; i < 10; i++) {
			builder.header("h" + i, "v".repeat(4000));
		}
		builder.build();
	}

	private static Arguments bad(String what, ThrowingCallable builder, String named) {
		return Arguments.of(what, builder, named);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("badMessages")
	void aMessageRocketMqWouldRefuseIsRefusedWithItsReason(String what, ThrowingCallable builder, String named) {
		assertThatThrownBy(builder).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(named);
	}

	static Stream<Arguments> badProperties() {
		return Stream.of(Arguments.of("outbox.table-prefix", "rm;drop table x;"),
				Arguments.of("outbox.table-prefix", "1rm_"), Arguments.of("relay.batch-size", "0"),
				Arguments.of("relay.max-attempts", "0"), Arguments.of("relay.poll-interval", "0s"),
				Arguments.of("relay.lease", "-1s"), Arguments.of("relay.backoff.multiplier", "0.5"),
				Arguments.of("relay.retention", "-1m"), Arguments.of("rocketmq.send-timeout", "0ms"),
				Arguments.of("rocketmq.max-message-size", "0B"), Arguments.of("rocketmq.max-message-size", "1GB"),
				Arguments.of("rocketmq.topic-queues", "0"), Arguments.of("rocketmq.route-refresh-interval", "0s"),
				Arguments.of("consumer.threads", "0"), Arguments.of("consumer.dedup-window", "0s"),
				Arguments.of("health.broker-unreachable-threshold", "0s"));
	}

	@ParameterizedTest(name = "{0}={1}")
	@MethodSource("badProperties")
	void aPropertyOutOfRangeStopsStartUpNamingIt(String property, String value) {
		TestContexts.onSharedBroker().withPropertyValues("reliable-messaging." + property + "=" + value)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("reliable-messaging." + property));
	}

	@Test
	void aBadKeyFailsThePublishAndRollsTheBusinessTransactionBack() {
		TestContexts.onSharedBroker()
			.withUserConfiguration(TestOrders.Config.class)
			.withPropertyValues("test.topic=" + TestContexts.uniqueTopic("bad-key"))
			.run((context) -> {
				TestOrders orders = context.getBean(TestOrders.class);
				assertThatThrownBy(() -> orders.placeKeyed("apple", "two words"))
					.satisfies((failure) -> assertThat(NestedExceptionUtils.getMostSpecificCause(failure))
						.hasMessageContaining("key 'two words'"));
				OutboxTableProbe outbox = new OutboxTableProbe(context);
				assertThat(orders.orderCount()).isZero();
				assertThat(outbox.total()).isZero();
			});
	}

	@Test
	void aNullPayloadFailsInsideTheTransactionAndNothingIsCommitted() {
		TestContexts.onSharedBroker().run((context) -> {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			jdbc.execute("CREATE TABLE notes (text VARCHAR(20))");
			TransactionTemplate transactions = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
			OutboxPublisher publisher = context.getBean(OutboxPublisher.class);
			assertThatThrownBy(() -> transactions.executeWithoutResult((status) -> {
				jdbc.update("INSERT INTO notes VALUES ('written')");
				publisher.publish("notes", null);
			})).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not be null");
			assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM notes", Long.class)).isZero();
			assertThat(new OutboxTableProbe(context).total()).isZero();
		});
	}

	@Test
	void anEmptyPayloadFailsInsideTheTransactionAndNothingIsCommitted() {
		TestContexts.onSharedBroker().run((context) -> {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			jdbc.execute("CREATE TABLE notes (text VARCHAR(20))");
			TransactionTemplate transactions = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
			OutboxPublisher publisher = context.getBean(OutboxPublisher.class);
			for (Object empty : new Object[] { "", new byte[0] }) {
				assertThatThrownBy(() -> transactions.executeWithoutResult((status) -> {
					jdbc.update("INSERT INTO notes VALUES ('written')");
					publisher.publish("notes", empty);
				})).hasMessageContaining("topic 'notes' is empty");
			}
			assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM notes", Long.class)).isZero();
			assertThat(new OutboxTableProbe(context).total()).isZero();
		});
	}

}
