package dev.reliablemessaging.autoconfigure;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import javax.sql.DataSource;

import dev.reliablemessaging.OutboundMessage;
import dev.reliablemessaging.OutboxPublisher;
import dev.reliablemessaging.ReliablePublish;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * No publish waits forever: a {@code REQUIRES_NEW} publish nested in a transaction that published ordered messages
 * either goes through at once (another key) or is refused at once (the same key, which its own caller holds until it
 * commits), and a publish that waits for another transaction of its key gives up after
 * {@code reliable-messaging.outbox.ordering-lock-timeout}, naming the key. On every database.
 */
class NestedPublishTests {

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void aNestedPublishOfAnotherKeyNeverWaitsForItsCaller(TestDatabase database) {
		String topic = TestContexts.uniqueTopic("nested");
		// the key the stripe design shared a lock with: any other key must not wait for the caller either
		String other = keySharingTheStripeOf(topic, "K");
		run(database, topic, (context) -> {
			Audit audit = context.getBean(Audit.class);
			TransactionTemplate outer = transactions(context);
			assertTimeoutPreemptively(Duration.ofSeconds(30), () -> outer.executeWithoutResult((status) -> {
				publish(context, topic, "K", "outer");
				audit.record(topic, other);
			}));
			assertThat(rowsOf(context, topic)).isEqualTo(2);
		});
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void aNestedPublishOfTheCallersKeyIsRefusedAtOnceNamingTheKey(TestDatabase database) {
		String topic = TestContexts.uniqueTopic("nested");
		run(database, topic, (context) -> {
			Audit audit = context.getBean(Audit.class);
			TransactionTemplate outer = transactions(context);
			AtomicReference<RuntimeException> refused = new AtomicReference<>();
			long started = System.nanoTime();
			assertTimeoutPreemptively(Duration.ofSeconds(30), () -> outer.executeWithoutResult((status) -> {
				publish(context, topic, "K", "outer");
				try {
					audit.record(topic, "K");
				}
				catch (RuntimeException ex) {
					refused.set(ex);
				}
			}));
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
			assertThat(refused.get()).as("the nested publish of the caller's key").isNotNull();
			assertThat(refused.get().getMessage()).contains("'K'").contains(topic).contains("REQUIRES_NEW");
			assertThat(rowsOf(context, topic)).as("the caller's own message commits").isEqualTo(1);
		});
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void aPublishWaitingForAnotherTransactionOfItsKeyGivesUpNamingTheKey(TestDatabase database) throws Exception {
		String topic = TestContexts.uniqueTopic("waiting");
		run(database, topic, (context) -> {
			TransactionTemplate transactions = transactions(context);
			CountDownLatch holding = new CountDownLatch(1);
			CountDownLatch release = new CountDownLatch(1);
			CompletableFuture<Void> holder = CompletableFuture.runAsync(() -> transactions.executeWithoutResult((s) -> {
				publish(context, topic, "K", "holder");
				holding.countDown();
				await(release, 60);
			}));
			try {
				assertThat(holding.await(30, TimeUnit.SECONDS)).isTrue();
				long started = System.nanoTime();
				assertThatThrownBy(() -> assertTimeoutPreemptively(Duration.ofSeconds(30),
						() -> transactions.executeWithoutResult((s) -> publish(context, topic, "K", "waiter"))))
					.hasMessageContaining("'K'")
					.hasMessageContaining("reliable-messaging.outbox.ordering-lock-timeout");
				assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
			}
			finally {
				release.countDown();
				holder.get(60, TimeUnit.SECONDS);
			}
			assertThat(rowsOf(context, topic)).isEqualTo(1);
		});
	}

	private static void run(TestDatabase database, String topic,
			org.springframework.boot.test.context.runner.ContextConsumer<org.springframework.context.ApplicationContext> test) {
		TestContexts.onSharedBroker()
			.withUserConfiguration(Config.class)
			.withPropertyValues(database.springProperties(database.freshSchemaUrl()))
			.withPropertyValues("reliable-messaging.relay.enabled=false",
					"reliable-messaging.outbox.ordering-lock-timeout=2s", "reliable-messaging.rocketmq.topics=" + topic)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				test.accept(context);
			});
	}

	private static void publish(org.springframework.context.ApplicationContext context, String topic, String key,
			String payload) {
		context.getBean(OutboxPublisher.class)
			.publish(OutboundMessage.builder(topic).orderingKey(key).payload(payload).build());
	}

	private static TransactionTemplate transactions(org.springframework.context.ApplicationContext context) {
		return new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
	}

	private static long rowsOf(org.springframework.context.ApplicationContext context, String topic) {
		return new JdbcTemplate(context.getBean(DataSource.class))
			.queryForObject("SELECT COUNT(*) FROM rm_outbox WHERE topic = ?", Long.class, topic);
	}

	/** A key whose (topic, key) hashes onto the same of 4,096 stripes as {@code key}: what the stripes shared. */
	static String keySharingTheStripeOf(String topic, String key) {
		int stripe = Math.floorMod((topic + '\u0000' + key).hashCode(), 4096);
		for (int i = 0;; i++) {
			String candidate = "user-" + i;
			if (!candidate.equals(key) && Math.floorMod((topic + '\u0000' + candidate).hashCode(), 4096) == stripe) {
				return candidate;
			}
		}
	}

	private static void await(CountDownLatch latch, int seconds) {
		try {
			latch.await(seconds, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** An audit trail written in a transaction of its own, as an application records what a request did. */
	public static class Audit {

		@Transactional(propagation = Propagation.REQUIRES_NEW)
		@ReliablePublish(topic = "#{#p0}", orderingKey = "#p1", payload = "'audited ' + #p1")
		public void record(String topic, String user) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Config {

		@Bean
		Audit audit() {
			return new Audit();
		}

	}

}
