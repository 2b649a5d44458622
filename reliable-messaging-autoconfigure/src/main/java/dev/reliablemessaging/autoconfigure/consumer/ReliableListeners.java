package dev.reliablemessaging.autoconfigure.consumer;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.reliablemessaging.ReliableListener;
import dev.reliablemessaging.autoconfigure.rocketmq.RocketMqClients;
import dev.reliablemessaging.autoconfigure.support.MessageTracing;
import dev.reliablemessaging.autoconfigure.support.MessagingMetrics;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.env.Environment;

/**
 * Finds the {@link ReliableListener} methods of the application's singletons once they all exist, checks them, and
 * runs one consumer for each while the application runs.
 */
public final class ReliableListeners implements SmartInitializingSingleton, SmartLifecycle {

	/** The producer group of the producer that stores redeliveries and dead letters. */
	static final String HAND_BACK_GROUP = "reliable-messaging-hand-back";

	private final ConfigurableListableBeanFactory beanFactory;

	private final Environment environment;

	private final InboxStore inbox;

	private final InboxTransactions transactions;

	private final PayloadBinder binder;

	private final RocketMqClients endpoint;

	private final ConsumerSettings settings;

	private final MessagingMetrics metrics;

	private final MessageTracing tracing;

	private final ConsumerGroupCheck groupCheck;

	private final List<ListenerContainer> containers = new ArrayList<>();

	/** A new one for every start: a RocketMQ client that was shut down cannot start again. */
	private volatile @Nullable DefaultMQProducer handBackProducer;

	private volatile boolean running;

	ReliableListeners(ConfigurableListableBeanFactory beanFactory, Environment environment, InboxStore inbox,
			InboxTransactions transactions, PayloadBinder binder, RocketMqClients endpoint,
			ConsumerSettings settings, MessagingMetrics metrics, MessageTracing tracing, ConsumerGroupCheck groupCheck) {
		this.beanFactory = beanFactory;
		this.environment = environment;
		this.inbox = inbox;
		this.transactions = transactions;
		this.binder = binder;
		this.endpoint = endpoint;
		this.settings = settings;
		this.metrics = metrics;
		this.tracing = tracing;
		this.groupCheck = groupCheck;
	}

	@Override
	public void afterSingletonsInstantiated() {
		List<ListenerMethod> listeners = findListeners();
		if (listeners.isEmpty()) {
			return;
		}
		MessageHandBack handBack = new MessageHandBack(this::handBackProducer, this.settings.acceptedSendStatuses());
		for (ListenerMethod listener : listeners) {
			this.containers.add(new ListenerContainer(handler(listener), handBack, this.endpoint, this.settings,
					this.metrics, this.tracing));
		}
		this.groupCheck.prepare(listeners);
	}

	private List<ListenerMethod> findListeners() {
		List<ListenerMethod> listeners = new ArrayList<>();
		Map<String, String> methodByGroup = new HashMap<>();
		for (String name : this.beanFactory.getBeanDefinitionNames()) {
			if (!this.beanFactory.containsSingleton(name)) {
				continue;
			}
			Object bean = this.beanFactory.getBean(name);
			Class<?> targetClass = AopUtils.getTargetClass(bean);
			Map<Method, ReliableListener> annotated = MethodIntrospector.selectMethods(targetClass,
					(MethodIntrospector.MetadataLookup<ReliableListener>) (method) -> AnnotatedElementUtils
						.findMergedAnnotation(method, ReliableListener.class));
			annotated.forEach((method, annotation) -> {
				ListenerMethod listener = ListenerMethod.of(bean, method, annotation, this.environment, this.binder);
				String previous = methodByGroup.putIfAbsent(listener.consumerGroup(), listener.description());
				if (previous != null) {
					throw new IllegalStateException("@ReliableListener methods " + previous + " and "
							+ listener.description() + " share the consumer group '" + listener.consumerGroup()
							+ "'; RocketMQ needs one subscription per group. Give each its own group.");
				}
				listeners.add(listener);
			});
		}
		return listeners;
	}

	private ReliableMessageHandler handler(ListenerMethod listener) {
		return new ReliableMessageHandler(listener, this.inbox, this.transactions.template(), this.binder);
	}

	private DefaultMQProducer handBackProducer() {
		DefaultMQProducer producer = this.handBackProducer;
		if (producer == null) {
			throw new IllegalStateException("The listeners are not running");
		}
		return producer;
	}

	@Override
	public synchronized void start() {
		if (this.containers.isEmpty()) {
			this.running = true;
			return;
		}
		DefaultMQProducer producer = this.endpoint.newProducer(HAND_BACK_GROUP);
		producer.setSendMsgTimeout((int) this.settings.sendTimeout().toMillis());
		producer.setRetryTimesWhenSendFailed(0);
		try {
			producer.start();
		}
		catch (MQClientException ex) {
			throw new IllegalStateException("Could not start the producer that hands messages back for redelivery", ex);
		}
		this.handBackProducer = producer;
		List<ListenerContainer> started = new ArrayList<>();
		for (ListenerContainer container : this.containers) {
			try {
				container.start();
				started.add(container);
			}
			catch (MQClientException | RuntimeException ex) {
				started.forEach(ListenerContainer::stop);
				container.stop();
				this.endpoint.shutDown(producer);
				throw new IllegalStateException("Could not start the consumer of " + container.listener().description(),
						ex);
			}
		}
		this.running = true;
	}

	@Override
	public synchronized void stop() {
		this.containers.forEach(ListenerContainer::stop);
		DefaultMQProducer producer = this.handBackProducer;
		if (producer != null) {
			this.endpoint.shutDown(producer);
		}
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	public List<ListenerContainer> containers() {
		return List.copyOf(this.containers);
	}

	ListenerContainer container(String consumerGroup) {
		return this.containers.stream()
			.filter((container) -> container.listener().consumerGroup().equals(consumerGroup))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("No listener with group " + consumerGroup));
	}

}
