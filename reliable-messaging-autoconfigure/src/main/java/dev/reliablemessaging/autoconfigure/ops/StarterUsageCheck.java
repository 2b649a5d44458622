package dev.reliablemessaging.autoconfigure.ops;

import java.util.ArrayList;
import java.util.List;

import dev.reliablemessaging.IdempotentConsumer;
import dev.reliablemessaging.ReliableListener;
import dev.reliablemessaging.ReliablePublish;
import dev.reliablemessaging.autoconfigure.consumer.InboxStore;
import dev.reliablemessaging.autoconfigure.jdbc.OutboxDataSourceChoice;
import dev.reliablemessaging.autoconfigure.outbox.OutboxWriter;
import dev.reliablemessaging.autoconfigure.support.AnnotatedMethods;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.env.Environment;

/**
 * Stops start-up, before any bean is created, when the application publishes or listens with the starter's
 * annotations but the outbox or the inbox could not be configured: otherwise every {@code @ReliablePublish} method
 * would commit its business change and publish nothing, and no {@code @ReliableListener} would be subscribed. The
 * starter never backs off silently.
 */
final class StarterUsageCheck implements BeanFactoryPostProcessor {

	private static final Logger logger = LoggerFactory.getLogger(StarterUsageCheck.class);

	private final Environment environment;

	StarterUsageCheck(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
		boolean outbox = beanFactory.getBeanNamesForType(OutboxWriter.class, true, false).length > 0;
		boolean inbox = beanFactory.getBeanNamesForType(InboxStore.class, true, false).length > 0;
		List<String> unserved = new ArrayList<>();
		if (!outbox) {
			AnnotatedMethods.find(beanFactory, ReliablePublish.class)
				.forEach((found) -> unserved.add("@ReliablePublish on " + found.description()));
		}
		if (!inbox) {
			AnnotatedMethods.find(beanFactory, ReliableListener.class)
				.forEach((found) -> unserved.add("@ReliableListener on " + found.description()));
			AnnotatedMethods.find(beanFactory, IdempotentConsumer.class)
				.forEach((found) -> unserved.add("@IdempotentConsumer on " + found.description()));
		}
		if (unserved.isEmpty()) {
			if (!outbox) {
				logger.info("The reliable messaging outbox is not configured ({}); nothing in the application "
						+ "publishes or listens with it", reason(beanFactory));
			}
			return;
		}
		throw new IllegalStateException("The reliable messaging starter cannot serve " + String.join(", ", unserved)
				+ ": " + reason(beanFactory));
	}

	private String reason(ConfigurableListableBeanFactory beanFactory) {
		OutboxDataSourceChoice choice = OutboxDataSourceChoice.of(beanFactory, this.environment);
		if (choice.problem() != null) {
			return choice.problem();
		}
		return "its auto-configuration is not active (excluded, or spring-jdbc or rocketmq-client missing from the "
				+ "class path). Without it the annotations would do nothing.";
	}

}
