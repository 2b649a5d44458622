package dev.reliablemessaging.test;

import java.lang.reflect.Modifier;

import dev.reliablemessaging.OutboxPublisher;
import dev.reliablemessaging.autoconfigure.jdbc.MessagingDataSource;
import dev.reliablemessaging.autoconfigure.jdbc.MessagingTables;
import dev.reliablemessaging.autoconfigure.support.MessagingMetrics;
import org.springframework.aop.framework.Advised;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The test kit's beans in any application context that has the test kit on its class path: what tests published
 * and handled, and the outbox checks.
 */
@AutoConfiguration(afterName = { "dev.reliablemessaging.autoconfigure.jdbc.MessagingJdbcAutoConfiguration",
		"dev.reliablemessaging.autoconfigure.ops.OperationsAutoConfiguration" })
public final class ReliableMessagingTestAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	PublishedMessages reliableMessagingPublishedMessages() {
		return new PublishedMessages();
	}

	@Bean
	@ConditionalOnMissingBean
	HandledMessages reliableMessagingHandledMessages() {
		return new HandledMessages();
	}

	/** A metrics bean for the recorder to wrap when the application has none (no Micrometer). */
	@Bean
	@ConditionalOnMissingBean
	MessagingMetrics reliableMessagingTestMetrics() {
		return MessagingMetrics.none();
	}

	@Bean
	@ConditionalOnBean({ MessagingDataSource.class, MessagingTables.class })
	@ConditionalOnMissingBean
	OutboxAssertions reliableMessagingOutboxAssertions(MessagingDataSource dataSource, MessagingTables tables) {
		return new OutboxAssertions(new JdbcTemplate(dataSource.dataSource()), tables.outbox());
	}

	@Bean
	static BeanPostProcessor reliableMessagingTestRecorders(ObjectProvider<PublishedMessages> published,
			ObjectProvider<HandledMessages> handled) {
		return new BeanPostProcessor() {

			@Override
			public Object postProcessAfterInitialization(Object bean, String beanName) {
				if (bean instanceof OutboxPublisher) {
					return withAdvice(bean, new PublishedMessagesRecorder(published.getObject()));
				}
				if (bean instanceof MessagingMetrics metrics && !(bean instanceof HandledMessagesRecorder)) {
					return new HandledMessagesRecorder(metrics, handled.getObject());
				}
				return bean;
			}

		};
	}

	/** Adds the advice to a proxy the bean is already, or wraps it in one of its own class (or interfaces). */
	private static Object withAdvice(Object bean, PublishedMessagesRecorder recorder) {
		if (bean instanceof Advised advised && !advised.isFrozen()) {
			advised.addAdvice(0, recorder);
			return bean;
		}
		ProxyFactory proxy = new ProxyFactory(bean);
		proxy.setProxyTargetClass(!Modifier.isFinal(bean.getClass().getModifiers()));
		proxy.addAdvice(recorder);
		return proxy.getProxy(bean.getClass().getClassLoader());
	}

}
