package dev.reliablemessaging.autoconfigure.consumer;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

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

	private final ParkedMessages parked;

	private final List<ListenerContainer> containers = new ArrayList<>();


	/**
	 * The producers that store redeliveries and dead letters, one per consumer group, in the group's name; new ones
	 * for every start: a RocketMQ client that was shut down cannot start again.
	 */
	private volatile Map<String, DefaultMQProducer> handBackProducers = Map.of();

	private volatile boolean running;

	ReliableListeners(ConfigurableListableBeanFactory beanFactory, Environment environment, InboxStore inbox,
			InboxTransactions transactions, PayloadBinder binder, RocketMqClients endpoint,
			ConsumerSettings settings, MessagingMetrics metrics, MessageTracing tracing, ConsumerGroupCheck groupCheck,
			ParkedMessages parked) {
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
		this.parked = parked;
	}

	@Override
	public void afterSingletonsInstantiated() {
		List<ListenerMethod> listeners = findListeners();
		if (listeners.isEmpty()) {
			return;
		}
		MessageHandBack handBack = new MessageHandBack(this::handBackProducer, this.settings.acceptedSendStatuses());
		for (ListenerMethod listener : listeners) {
			ReliableMessageHandler handler = handler(listener);
			ParkingLot parking = listener.orderly()
					? new ParkingLot(this.parked, handler, this.transactions.template(), handBack) : null;
			this.containers.add(new ListenerContainer(handler, handBack, parking, this.endpoint, this.settings,
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

	private DefaultMQProducer handBackProducer(String consumerGroup) {
		DefaultMQProducer producer = this.handBackProducers.get(consumerGroup);
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
		Map<String, DefaultMQProducer> producers = new HashMap<>();
		String instance = UUID.randomUUID().toString().substring(0, 8);
		for (ListenerContainer container : this.containers) {
			String group = container.listener().consumerGroup();
			DefaultMQProducer producer = this.endpoint.newHandBackProducer(group, instance);
			producer.setSendMsgTimeout((int) this.settings.sendTimeout().toMillis());
			producer.setRetryTimesWhenSendFailed(0);
			try {
				producer.start();
			}
			catch (MQClientException ex) {
				producers.values().forEach(this.endpoint::shutDown);
				throw new IllegalStateException("Could not start the producer that hands messages of group '" + group
						+ "' back for redelivery", ex);
			}
			producers.put(group, producer);
		}
		this.handBackProducers = Map.copyOf(producers);
		List<ListenerContainer> started = new ArrayList<>();
		for (ListenerContainer container : this.containers) {
			try {
				container.start();
				started.add(container);
			}
			catch (MQClientException | RuntimeException ex) {
				started.forEach(ListenerContainer::stop);
				container.stop();
				producers.values().forEach(this.endpoint::shutDown);
				throw new IllegalStateException("Could not start the consumer of " + container.listener().description(),
						ex);
			}
		}
		this.running = true;
	}

	@Override
	public synchronized void stop() {
		this.containers.forEach(ListenerContainer::stop);
		this.handBackProducers.values().forEach(this.endpoint::shutDown);
		this.handBackProducers = Map.of();
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	public List<ListenerContainer> containers() {
		return List.copyOf(this.containers);
	}

	/** The keys orderly listeners parked, oldest first. */
	public List<ParkedKey> parkedKeys() {
		return this.parked.keys();
	}

	/** How many messages orderly listeners have parked. */
	public long parkedMessages() {
		return this.parked.count();
	}

	/**
	 * Lets a parked key go: its messages are handled again in order, from the first; with {@code deadLetterFirst}
	 * the first is stored in the group's dead-letter queue instead. A message that fails again stays parked with the
	 * ones after it.
	 */
	public ParkedRelease releaseParked(String consumerGroup, String key, boolean deadLetterFirst) {
		ParkingLot parking = container(consumerGroup).parking();
		if (parking == null) {
			throw new IllegalArgumentException("The listener of group " + consumerGroup + " is not orderly: it parks "
					+ "nothing");
		}
		return deadLetterFirst ? parking.deadLetterFirst(key) : parking.release(key);
	}

	ListenerContainer container(String consumerGroup) {
		return this.containers.stream()
			.filter((container) -> container.listener().consumerGroup().equals(consumerGroup))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("No listener with group " + consumerGroup));
	}

}
