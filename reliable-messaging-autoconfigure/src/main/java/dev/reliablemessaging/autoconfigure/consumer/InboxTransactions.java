package dev.reliablemessaging.autoconfigure.consumer;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import dev.reliablemessaging.IdempotentConsumer;
import dev.reliablemessaging.ReliableListener;
import dev.reliablemessaging.autoconfigure.jdbc.MessagingDataSource;
import dev.reliablemessaging.autoconfigure.support.AnnotatedMethods;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.StringUtils;

/**
 * The transactions handlers run in: those of the transaction manager that manages the inbox's DataSource, so that
 * the inbox row commits with the handler's changes or not at all. At start-up, when the application has listeners
 * or idempotent consumers, one transaction proves it: the inbox's connection inside it must be the transaction's. A
 * transaction manager of another DataSource would let the inbox row commit on its own, and the redelivery of a
 * failed message would be taken for a duplicate and lost; such a set-up does not start.
 */
final class InboxTransactions implements SmartInitializingSingleton {

	static final String PROPERTY = "reliable-messaging.consumer.transaction-manager";

	private final MessagingDataSource dataSource;

	private final ConfigurableListableBeanFactory beanFactory;

	private final @Nullable String configured;

	private volatile @Nullable TransactionTemplate template;

	InboxTransactions(MessagingDataSource dataSource, ConfigurableListableBeanFactory beanFactory,
			@Nullable String configured) {
		this.dataSource = dataSource;
		this.beanFactory = beanFactory;
		this.configured = configured;
	}

	@Override
	public void afterSingletonsInstantiated() {
		List<AnnotatedMethods.Found<IdempotentConsumer>> idempotent = AnnotatedMethods.find(this.beanFactory,
				IdempotentConsumer.class);
		idempotent.forEach((found) -> IdempotentConsumerInterceptor.check(found.method()));
		if (!idempotent.isEmpty() || !AnnotatedMethods.find(this.beanFactory, ReliableListener.class).isEmpty()) {
			verify();
		}
	}

	/** A template for handler transactions (it joins an active transaction, as {@code REQUIRED} does). */
	TransactionTemplate template() {
		TransactionTemplate current = this.template;
		if (current == null) {
			current = new TransactionTemplate(manager());
			this.template = current;
		}
		return current;
	}

	/** Runs one transaction and checks that the inbox's connection in it is the transaction's. */
	void verify() {
		try {
			template().executeWithoutResult((status) -> this.dataSource
				.requireTransactionalConnection("record handled messages in the inbox"));
		}
		catch (RuntimeException ex) {
			// the message says it all; the cause would only add the stack of the probe
			throw new IllegalStateException("The transactions of the reliable messaging listeners do not include the "
					+ "inbox: " + ex.getMessage() + " Set " + PROPERTY + " to a transaction manager of DataSource '"
					+ this.dataSource.name() + "'.");
		}
	}

	private PlatformTransactionManager manager() {
		if (StringUtils.hasText(this.configured)) {
			return this.beanFactory.getBean(this.configured, PlatformTransactionManager.class);
		}
		Map<String, PlatformTransactionManager> managing = this.dataSource.transactionManagers();
		if (managing.size() == 1) {
			return managing.values().iterator().next();
		}
		List<String> all = Arrays.asList(this.beanFactory.getBeanNamesForType(PlatformTransactionManager.class));
		if (managing.isEmpty() && all.size() == 1) {
			// a transaction manager that does not say which DataSource it manages (JTA): the check decides
			return this.beanFactory.getBean(all.get(0), PlatformTransactionManager.class);
		}
		throw new IllegalStateException("The reliable messaging listeners need one transaction manager for DataSource '"
				+ this.dataSource.name() + "', to commit each handler's changes with its inbox row; "
				+ (managing.isEmpty() ? "none of " + all + " manages it" : managing.keySet() + " all manage it")
				+ ". Set " + PROPERTY + " to the bean name of the one to use.");
	}

}
