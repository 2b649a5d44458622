package dev.reliablemessaging.autoconfigure.ops;

import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.List;

import dev.reliablemessaging.IdempotentConsumer;
import dev.reliablemessaging.ReliableListener;
import dev.reliablemessaging.ReliablePublish;
import dev.reliablemessaging.autoconfigure.consumer.InboxStore;
import dev.reliablemessaging.autoconfigure.jdbc.OutboxDataSourceChoice;
import dev.reliablemessaging.autoconfigure.outbox.OutboxWriter;
import dev.reliablemessaging.autoconfigure.support.AnnotatedMethods;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.env.Environment;

/**
 * Stops start-up when the application publishes or listens with the starter's annotations but the outbox or the
 * inbox could not be configured: otherwise every {@code @ReliablePublish} method would commit its business change
 * and publish nothing, and no {@code @ReliableListener} would be subscribed. It looks twice: at the bean definitions
 * before any bean is created, and at the real classes of the singletons once they all exist, since a bean defined by
 * a factory method typed as an interface hides its annotated class from its definition. The starter never backs off
 * silently.
 */
final class StarterUsageCheck implements BeanFactoryPostProcessor, SmartInitializingSingleton {

	private static final Logger logger = LoggerFactory.getLogger(StarterUsageCheck.class);

	private final Environment environment;

	private @Nullable ConfigurableListableBeanFactory beanFactory;

	StarterUsageCheck(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
		this.beanFactory = beanFactory;
		if (!check(beanFactory, Source.DEFINITIONS) && !served(beanFactory, OutboxWriter.class)) {
			logger.info("The reliable messaging outbox is not configured ({}); nothing in the application publishes "
					+ "or listens with it", reason(beanFactory));
		}
	}

	@Override
	public void afterSingletonsInstantiated() {
		if (this.beanFactory != null) {
			check(this.beanFactory, Source.SINGLETONS);
		}
	}

	/**
	 * @return whether something in the application uses the annotations (and is served, or this would have thrown)
	 */
	private boolean check(ConfigurableListableBeanFactory beanFactory, Source source) {
		boolean outbox = served(beanFactory, OutboxWriter.class);
		boolean inbox = served(beanFactory, InboxStore.class);
		if (outbox && inbox) {
			return true;
		}
		List<String> unserved = new ArrayList<>();
		if (!outbox) {
			find(beanFactory, source, ReliablePublish.class, unserved);
		}
		if (!inbox) {
			find(beanFactory, source, ReliableListener.class, unserved);
			find(beanFactory, source, IdempotentConsumer.class, unserved);
		}
		if (!unserved.isEmpty()) {
			throw new IllegalStateException("The reliable messaging starter cannot serve " + String.join(", ", unserved)
					+ ": " + reason(beanFactory));
		}
		return false;
	}

	private static boolean served(ConfigurableListableBeanFactory beanFactory, Class<?> type) {
		return beanFactory.getBeanNamesForType(type, true, false).length > 0;
	}

	private static void find(ConfigurableListableBeanFactory beanFactory, Source source,
			Class<? extends Annotation> type, List<String> unserved) {
		List<? extends AnnotatedMethods.Found<?>> found = (source == Source.DEFINITIONS)
				? AnnotatedMethods.find(beanFactory, type) : AnnotatedMethods.findOnSingletons(beanFactory, type);
		found.forEach((method) -> unserved.add("@" + type.getSimpleName() + " on " + method.description()));
	}

	private String reason(ConfigurableListableBeanFactory beanFactory) {
		OutboxDataSourceChoice choice = OutboxDataSourceChoice.of(beanFactory, this.environment);
		if (choice.problem() != null) {
			return choice.problem();
		}
		return "its auto-configuration is not active (excluded, or spring-jdbc or rocketmq-client missing from the "
				+ "class path). Without it the annotations would do nothing.";
	}

	/** Where the annotated methods are looked for. */
	private enum Source {

		DEFINITIONS, SINGLETONS

	}

}
