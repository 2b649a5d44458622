package dev.reliablemessaging.autoconfigure.ops;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import dev.reliablemessaging.autoconfigure.SharedBroker;
import dev.reliablemessaging.autoconfigure.TestContexts;
import dev.reliablemessaging.autoconfigure.TestOrders;
import dev.reliablemessaging.autoconfigure.TestWarehouse;
import dev.reliablemessaging.autoconfigure.embedded.EmbeddedBrokerSettings;
import dev.reliablemessaging.autoconfigure.embedded.EmbeddedRocketMq;
import dev.reliablemessaging.autoconfigure.rocketmq.RocketMqClients;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.NestedExceptionUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real broker with RocketMQ's authentication on: the right credentials publish and consume, wrong or missing ones
 * stop start-up with a message that names the access key and never the secret, and no log line or actuator output
 * of the whole run contains the secret.
 */
@ExtendWith(OutputCaptureExtension.class)
class BrokerAuthenticationTests {

	private static final String ACCESS_KEY = "order-service";

	/** Random per run, so finding it anywhere can only mean this run leaked it. */
	private static final String SECRET_KEY = "secret-" + UUID.randomUUID();

	private static final String WRONG_SECRET = "wrong-" + UUID.randomUUID();

	private static EmbeddedRocketMq broker;

	@BeforeAll
	static void startBrokerWithAuthentication() {
		broker = new EmbeddedRocketMq(EmbeddedBrokerSettings.of(SharedBroker.tempDir("auth"))
			.withUsers(Map.of(ACCESS_KEY, SECRET_KEY))).start();
	}

	@AfterAll
	static void stop() {
		broker.close();
	}

	@Test
	void theRightCredentialsPublishAndConsumeAndTheSecretIsNeverShown(CapturedOutput output) throws Exception {
		String topic = TestContexts.uniqueTopic("auth");
		broker.createTopic(topic, 4);
		runner().withPropertyValues("reliable-messaging.rocketmq.access-key=" + ACCESS_KEY,
				"reliable-messaging.rocketmq.secret-key=" + SECRET_KEY,
				"management.endpoints.web.exposure.include=reliablemessaging")
			.withUserConfiguration(TestOrders.Config.class, TestWarehouse.ConcurrentConfig.class)
			.withPropertyValues("test.topic=" + topic,
					"test.group=" + TestContexts.uniqueTopic("auth-group"))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				TestWarehouse warehouse = context.getBean(TestWarehouse.class);
				context.getBean(TestOrders.class).place("signed");
				await().atMost(Duration.ofSeconds(60)).until(() -> warehouse.contexts.size() == 1);
				ReliableMessagingEndpoint endpoint = context.getBean(ReliableMessagingEndpoint.class);
				String shown = String.valueOf(endpoint.summary()) + endpoint.section("brokers", null, null, null)
						+ endpoint.section("dead", null, null, null)
						+ context.getBean(ReliableMessagingHealthIndicator.class).health()
						+ context.getBean(RocketMqClients.class);
				assertThat(shown).contains("reachable").doesNotContain(SECRET_KEY);
			});
		assertThat(output).contains("Listening on topic").doesNotContain(SECRET_KEY);
		assertThat(rocketMqLogsContaining(SECRET_KEY)).isEmpty();
	}

	@Test
	void aWrongSecretStopsStartUpNamingTheAccessKeyButNotTheSecret(CapturedOutput output) {
		runner().withPropertyValues("reliable-messaging.rocketmq.access-key=" + ACCESS_KEY,
				"reliable-messaging.rocketmq.secret-key=" + WRONG_SECRET)
			.run((context) -> {
				assertThat(context).hasFailed();
				String message = NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()).getMessage();
				assertThat(message).contains("refused the credentials of access key '" + ACCESS_KEY + "'")
					.contains("check signature failed")
					.contains("reliable-messaging.rocketmq.secret-key")
					.doesNotContain(WRONG_SECRET);
				assertThat(stackTraceOf(context.getStartupFailure())).doesNotContain(WRONG_SECRET);
			});
		assertThat(output).doesNotContain(WRONG_SECRET).doesNotContain(SECRET_KEY);
	}

	@Test
	void noCredentialsForABrokerThatRequiresThemStopsStartUp() {
		runner().run((context) -> {
			assertThat(context).hasFailed();
			assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
				.hasMessageContaining("requires authentication")
				.hasMessageContaining("reliable-messaging.rocketmq.access-key");
		});
	}

	@Test
	void anAccessKeyWithoutASecretIsAConfigurationError() {
		runner().withPropertyValues("reliable-messaging.rocketmq.access-key=" + ACCESS_KEY).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
				.hasMessageContaining("reliable-messaging.rocketmq.secret-key");
		});
	}

	private static ApplicationContextRunner runner() {
		return TestContexts.runner()
			.withPropertyValues("reliable-messaging.rocketmq.name-server=" + broker.nameServerAddress(),
					"reliable-messaging.rocketmq.route-refresh-interval=1s",
					"reliable-messaging.relay.poll-interval=100ms");
	}

	private static String stackTraceOf(Throwable failure) {
		java.io.StringWriter text = new java.io.StringWriter();
		failure.printStackTrace(new java.io.PrintWriter(text));
		return text.toString();
	}

	/** RocketMQ's own log files (client and this JVM's brokers) that contain the text. */
	private static java.util.List<Path> rocketMqLogsContaining(String text) throws IOException {
		Path logs = Path.of(System.getProperty("user.home"), "logs", "rocketmqlogs");
		if (!Files.isDirectory(logs)) {
			return java.util.List.of();
		}
		try (Stream<Path> files = Files.list(logs)) {
			return files.filter(Files::isRegularFile).filter((file) -> {
				try {
					return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains(text);
				}
				catch (IOException ex) {
					return false;
				}
			}).toList();
		}
	}

}
