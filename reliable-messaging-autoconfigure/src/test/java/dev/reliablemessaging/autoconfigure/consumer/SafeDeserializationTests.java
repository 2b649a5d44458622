package dev.reliablemessaging.autoconfigure.consumer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.reliablemessaging.ReliableListener;
import dev.reliablemessaging.autoconfigure.TestContexts;
import dev.reliablemessaging.autoconfigure.TestOrders;
import dev.reliablemessaging.autoconfigure.rocketmq.RocketMqAutoConfiguration;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.message.Message;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;
import tools.jackson.databind.DefaultTyping;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.jsontype.BasicPolymorphicTypeValidator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A message that names a class is data, never an instruction: listeners bind to their declared types only, even
 * when the application's own mapper turns on polymorphic default typing, and a payload type that would let the
 * message name its class is refused at start-up.
 */
class SafeDeserializationTests {

	private static final String GADGET = Gadget.class.getName();

	@Test
	void aBodyNamingAGadgetClassNeverInstantiatesIt() throws Exception {
		Gadget.created.set(0);
		TestContexts.onSharedBroker()
			.withBean(JsonMapper.class, SafeDeserializationTests::recklessMapper)
			.withUserConfiguration(ListenersConfig.class)
			.withPropertyValues("test.topic=" + TestContexts.uniqueTopic("gadget"),
					"test.group=" + TestContexts.uniqueTopic("gadget-group"))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				String topic = context.getEnvironment().getProperty("test.topic");
				DefaultMQProducer producer = context.getBean(RocketMqAutoConfiguration.PRODUCER_BEAN,
						DefaultMQProducer.class);
				for (String body : List.of("[\"" + GADGET + "\",{\"command\":\"touch /tmp/owned\"}]",
						"{\"@class\":\"" + GADGET + "\",\"command\":\"touch /tmp/owned\"}",
						"{\"id\":{\"@class\":\"" + GADGET + "\",\"command\":\"x\"},\"sku\":\"s\"}")) {
					producer.send(new Message(topic, body.getBytes(StandardCharsets.UTF_8)));
				}
				AnyListener any = context.getBean(AnyListener.class);
				await().atMost(Duration.ofSeconds(60)).until(() -> any.received.size() == 3);
				ListenerContainer orders = context.getBean(ReliableListeners.class)
					.container(context.getEnvironment().getProperty("test.group") + "-orders");
				await().atMost(Duration.ofSeconds(60))
					.until(() -> orders.count(ReliableMessageHandler.Outcome.PROCESSED)
							+ orders.count(ReliableMessageHandler.Outcome.UNREADABLE) == 3);
				assertThat(Gadget.created).hasValue(0);
				assertThat(any.received).noneMatch((payload) -> payload instanceof Gadget);
				// bound as what they are, JSON arrays and objects
				assertThat(any.received).allMatch((payload) -> payload instanceof List || payload instanceof java.util.Map);
				// an object where the record has a String is unreadable and dead-lettered, not coerced
				assertThat(orders.count(ReliableMessageHandler.Outcome.UNREADABLE)).isGreaterThanOrEqualTo(1);
			});
		assertThat(Gadget.created).hasValue(0);
	}

	@Test
	void aPayloadTypeThatLetsTheMessageNameItsClassIsRefusedAtStartUp() {
		TestContexts.onSharedBroker().withUserConfiguration(ClassNamingListenerConfig.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
				.hasMessageContaining(ClassNamingListener.class.getName() + ".on")
				.hasMessageContaining("lets a message name the class")
				.hasMessageContaining("JsonTypeInfo.Id.NAME");
		});
	}

	/** The worst an application could configure: default typing for every non-final type, any subtype allowed. */
	private static JsonMapper recklessMapper() {
		return JsonMapper.builder()
			.activateDefaultTyping(BasicPolymorphicTypeValidator.builder().allowIfSubType(Object.class).build(),
					DefaultTyping.NON_FINAL)
			.build();
	}

	/** Stands for a class with side effects in its constructor or setters. */
	public static class Gadget {

		static final AtomicInteger created = new AtomicInteger();

		public Gadget() {
			created.incrementAndGet();
		}

		public void setCommand(String command) {
			created.incrementAndGet();
		}

	}

	static class AnyListener {

		final List<Object> received = new CopyOnWriteArrayList<>();

		@ReliableListener(topic = "${test.topic}", consumerGroup = "${test.group}")
		public void on(Object payload) {
			this.received.add(payload);
		}

	}

	static class OrderListener {

		@ReliableListener(topic = "${test.topic}", consumerGroup = "${test.group}-orders", maxReconsumeTimes = 1)
		public void on(TestOrders.Order order) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ListenersConfig {

		@Bean
		AnyListener anyListener() {
			return new AnyListener();
		}

		@Bean
		OrderListener orderListener() {
			return new OrderListener();
		}

	}

	@JsonTypeInfo(use = JsonTypeInfo.Id.CLASS)
	interface Shape {

	}

	static class ClassNamingListener {

		@ReliableListener(topic = "shapes", consumerGroup = "shapes")
		public void on(Shape shape) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ClassNamingListenerConfig {

		@Bean
		ClassNamingListener classNamingListener() {
			return new ClassNamingListener();
		}

	}

}
