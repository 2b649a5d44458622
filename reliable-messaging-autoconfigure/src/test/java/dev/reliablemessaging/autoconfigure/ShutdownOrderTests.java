package dev.reliablemessaging.autoconfigure;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.reliablemessaging.OutboxPublisher;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The relay stops after the web server's graceful shutdown: a message committed by a request that was still running
 * when the application was asked to stop is sent by this instance before it exits.
 */
class ShutdownOrderTests {

	static final CountDownLatch requestInside = new CountDownLatch(1);

	@Test
	void aMessageCommittedByAnInFlightRequestDuringShutdownIsSentBeforeTheApplicationExits() throws Exception {
		String topic = TestContexts.uniqueTopic("shutdown");
		String database = TestContexts.h2Url();
		SharedBroker.createTopic(topic, 4);
		SpringApplication application = new SpringApplication(WebApp.class);
		application.setWebApplicationType(WebApplicationType.SERVLET);
		ConfigurableApplicationContext context = application.run("--server.port=0", "--server.shutdown=graceful",
				"--spring.datasource.url=" + database, "--spring.application.name=shutdown-test",
				"--test.topic=" + topic,
				"--reliable-messaging.rocketmq.name-server=" + SharedBroker.nameServer());
		try (BrokerProbe probe = BrokerProbe.consume(SharedBroker.nameServer(), topic)) {
			int port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
			CompletableFuture<HttpResponse<String>> response = HttpClient.newHttpClient()
				.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/slow"))
					.POST(HttpRequest.BodyPublishers.noBody())
					.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(requestInside.await(30, TimeUnit.SECONDS)).as("the request reached the controller").isTrue();
			context.close();
			assertThat(response.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
			assertThat(pendingRows(database)).as("rows left unsent by the stopped instance").isZero();
			await().atMost(Duration.ofSeconds(10)).until(() -> probe.received().size() == 1);
		}
		finally {
			context.close();
		}
	}

	private static long pendingRows(String url) throws Exception {
		try (Connection connection = DriverManager.getConnection(url, "sa", "");
				ResultSet rs = connection.createStatement().executeQuery("SELECT COUNT(*) FROM rm_outbox")) {
			rs.next();
			return rs.getLong(1);
		}
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class WebApp {

		@Bean
		SlowController slowController(OutboxPublisher publisher, @Value("${test.topic}") String topic) {
			return new SlowController(publisher, topic);
		}

	}

	@RestController
	static class SlowController {

		private final OutboxPublisher publisher;

		private final String topic;

		SlowController(OutboxPublisher publisher, String topic) {
			this.publisher = publisher;
			this.topic = topic;
		}

		@PostMapping("/slow")
		@Transactional
		public String slow() throws InterruptedException {
			this.publisher.publish(this.topic, "committed while stopping");
			requestInside.countDown();
			Thread.sleep(1_500);
			return "ok";
		}

	}

}
