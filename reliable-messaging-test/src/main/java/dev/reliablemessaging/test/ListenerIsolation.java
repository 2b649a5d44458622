package dev.reliablemessaging.test;

import java.util.Set;

import dev.reliablemessaging.autoconfigure.consumer.ListenerContainer;
import dev.reliablemessaging.autoconfigure.consumer.ReliableListeners;
import org.apache.rocketmq.common.MixAll;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;

/**
 * Keeps the test classes that share a broker from receiving each other's messages: a consumer group that is new
 * starts at the earliest message of its topic, which includes what earlier classes left there, and a group that an
 * earlier class used goes on where that class stopped. So before a context's listeners start, their consumer groups
 * are moved to the end of their topics (and retry topics) as of when the context was created; when Spring restarts
 * a cached context that it had paused while other classes ran, as of the restart. It starts before the relay, so
 * what the context itself sends is its own.
 * <p>
 * The listeners of cached contexts that other classes do not use do not consume meanwhile because Spring pauses those
 * contexts (its default, {@code spring.test.context.cache.pause=on_context_switch}).
 */
final class ListenerIsolation implements SmartLifecycle {

	/** Before the relay, which starts in phase {@code Integer.MAX_VALUE - 4096}, and so before the listeners. */
	private static final int PHASE = Integer.MAX_VALUE - 8192;

	private final TestBroker broker;

	private final ObjectProvider<ReliableListeners> listeners;

	private @Nullable QueueEnds createdAt;

	private volatile boolean running;

	ListenerIsolation(TestBroker broker, ObjectProvider<ReliableListeners> listeners) {
		this.broker = broker;
		this.listeners = listeners;
		this.createdAt = broker.queueEnds();
	}

	@Override
	public void start() {
		QueueEnds ends = (this.createdAt != null) ? this.createdAt : this.broker.queueEnds();
		this.createdAt = null;
		ReliableListeners own = this.listeners.getIfAvailable();
		if (own != null) {
			for (ListenerContainer container : own.containers()) {
				String group = container.listener().consumerGroup();
				this.broker.startGroupAt(group, Set.of(container.listener().topic(), MixAll.getRetryTopic(group)), ends);
			}
		}
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
