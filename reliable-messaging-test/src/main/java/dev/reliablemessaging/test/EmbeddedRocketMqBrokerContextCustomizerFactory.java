package dev.reliablemessaging.test;

import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.reliablemessaging.RocketMqConnectionDetails;
import dev.reliablemessaging.autoconfigure.consumer.ReliableListeners;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.context.TestContextAnnotationUtils;

/**
 * Points the application context of an {@link EmbeddedRocketMqBroker} test class at its broker, through
 * {@code reliable-messaging.rocketmq.name-server}, and keeps its listeners from receiving what other classes' contexts
 * sent ({@link ListenerIsolation}).
 */
final class EmbeddedRocketMqBrokerContextCustomizerFactory implements ContextCustomizerFactory {

	@Override
	public @Nullable ContextCustomizer createContextCustomizer(Class<?> testClass,
			List<ContextConfigurationAttributes> configAttributes) {
		EmbeddedRocketMqBroker annotation = TestContextAnnotationUtils.findMergedAnnotation(testClass,
				EmbeddedRocketMqBroker.class);
		if (annotation == null) {
			return null;
		}
		Class<?> owner = EmbeddedRocketMqBrokerExtension.declaringClass(testClass);
		return new BrokerCustomizer(annotation.shared() ? null : owner, annotation, owner);
	}

	/**
	 * Equal for every class with the same broker settings on a shared broker (the topics it creates do not change
	 * the context), so those classes share a cached context; a class with a broker of its own has a context of its
	 * own, and the broker closes with that context.
	 */
	private record BrokerCustomizer(@Nullable Class<?> ownBrokerOf, EmbeddedRocketMqBroker annotation,
			Class<?> owner) implements ContextCustomizer {

		@Override
		public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration merged) {
			TestBroker broker = TestBrokers.forClass(this.owner, this.annotation);
			if (this.ownBrokerOf != null) {
				TestBrokers.closeWithContext(this.ownBrokerOf, context);
			}
			context.getEnvironment()
				.getPropertySources()
				.addFirst(new MapPropertySource("embeddedRocketMqBroker",
						Map.of("reliable-messaging.rocketmq.name-server", broker.nameServer())));
			// a broker in this JVM that creates no topics on its own: the starter creates the application's topics
			context.getBeanFactory().registerSingleton("embeddedRocketMqBrokerConnection", new RocketMqConnectionDetails() {

				@Override
				public String nameServerAddress() {
					return broker.nameServer();
				}

				@Override
				public boolean embedded() {
					return true;
				}

			});
			context.getBeanFactory()
				.registerSingleton("reliableMessagingListenerIsolation",
						new ListenerIsolation(broker, context.getBeanFactory().getBeanProvider(ReliableListeners.class)));
		}

		@Override
		public boolean equals(Object other) {
			return other instanceof BrokerCustomizer that && Objects.equals(this.ownBrokerOf, that.ownBrokerOf)
					&& this.annotation.flushDiskType() == that.annotation.flushDiskType()
					&& this.annotation.topology() == that.annotation.topology();
		}

		@Override
		public int hashCode() {
			return Objects.hash(this.ownBrokerOf, this.annotation.flushDiskType(), this.annotation.topology());
		}

	}

}
