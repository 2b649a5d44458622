package dev.reliablemessaging.test;

import java.time.Duration;

import dev.reliablemessaging.test.KitApplication.OrderPlaced;
import dev.reliablemessaging.test.KitApplication.Orders;
import dev.reliablemessaging.test.KitApplication.Warehouse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import static dev.reliablemessaging.test.KitApplication.TOPIC;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The kit in a Spring Boot test, the way an application uses it: a committed publish shows in
 * {@link PublishedMessages} and reaches its listener, a rolled-back one shows nowhere, and a listener that fails
 * twice is handled once on the third delivery.
 */
@SpringBootTest(classes = KitApplication.class)
@EmbeddedRocketMqBroker(topics = TOPIC)
class KitApplicationTests {

	private static final Duration DELIVERY = Duration.ofSeconds(60);

	@Autowired
	Orders orders;

	@Autowired
	Warehouse warehouse;

	@Autowired
	TransactionTemplate transactions;

	@Autowired
	PlatformTransactionManager transactionManager;

	@Autowired
	PublishedMessages published;

	@Autowired
	HandledMessages handled;

	@Autowired
	OutboxAssertions outbox;

	@Test
	void aCommittedPublishIsRecordedSentAndHandled() {
		this.orders.place("order-1");

		PublishedMessage message = this.published.ofTopic(TOPIC).single();
		assertThat(message.key()).isEqualTo("order-1");
		assertThat(message.payload(OrderPlaced.class)).isEqualTo(new OrderPlaced("order-1"));
		this.handled.awaitHandled(TOPIC, 1, DELIVERY);
		this.outbox.awaitDrained(DELIVERY);
		assertThat(this.warehouse.handled).contains("order-1");
		assertThat(this.outbox.dead()).isEmpty();
	}

	@Test
	void aRolledBackPublishShowsNowhere() {
		this.transactions.executeWithoutResult((status) -> {
			this.orders.place("rolled-back-1");
			status.setRollbackOnly();
		});
		this.published.assertNonePublished(TOPIC);
		assertThat(this.outbox.pending()).isEmpty();

		// a later order that commits is handled; the rolled-back one never is
		this.orders.place("after-rollback-1");
		assertThat(this.published.ofTopic(TOPIC).single().key()).isEqualTo("after-rollback-1");
		this.handled.awaitHandled(TOPIC, 1, DELIVERY);
		this.outbox.awaitDrained(DELIVERY);
		assertThat(this.warehouse.handled).contains("after-rollback-1").doesNotContain("rolled-back-1");
	}

	@Test
	void aPublishRolledBackToASavepointIsNotRecordedThoughItsTransactionCommits() {
		TransactionTemplate nested = new TransactionTemplate(this.transactionManager);
		nested.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
		this.transactions.executeWithoutResult((outer) -> {
			this.orders.place("kept-1");
			nested.executeWithoutResult((inner) -> {
				this.orders.place("savepoint-1");
				inner.setRollbackOnly();
			});
		});

		assertThat(this.published.ofTopic(TOPIC).all()).extracting(PublishedMessage::key).containsExactly("kept-1");
		this.handled.awaitHandled(TOPIC, 1, DELIVERY);
		this.outbox.awaitDrained(DELIVERY);
		assertThat(this.warehouse.handled).contains("kept-1").doesNotContain("savepoint-1");
	}

	@Test
	void aListenerThatFailsTwiceIsHandledOnceOnTheThirdDelivery() {
		this.orders.place("flaky-1");

		this.handled.awaitHandled(TOPIC, 1, DELIVERY);
		assertThat(this.warehouse.deliveries.get("flaky-1")).hasValue(3);
		assertThat(this.handled.failures(TOPIC)).isEqualTo(2);
		assertThat(this.warehouse.handled).containsOnlyOnce("flaky-1");
		assertThat(this.handled.duplicatesSkipped()).isZero();
	}

}
