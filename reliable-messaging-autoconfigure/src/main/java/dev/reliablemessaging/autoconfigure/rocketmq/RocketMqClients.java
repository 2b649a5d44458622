package dev.reliablemessaging.autoconfigure.rocketmq;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.rocketmq.acl.common.AclClientRPCHook;
import org.apache.rocketmq.acl.common.SessionCredentials;
import org.apache.rocketmq.client.ClientConfig;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.remoting.RPCHook;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.DisposableBean;

/**
 * Where and how the starter's RocketMQ clients connect: the name server (the embedded broker's or the configured
 * one), the credentials that sign every request when the broker authenticates clients, TLS and the route refresh.
 * Every producer and consumer the starter creates comes from here and shares one RocketMQ client instance (one set
 * of connections, heartbeats and route updates, as RocketMQ gives all clients of a JVM by default): its name is this
 * endpoint's own, so the starter in another application context of the same JVM never shares it. The secret key
 * never leaves this class: not in {@link #toString()}, not in a message.
 */
public final class RocketMqClients implements DisposableBean {

	/**
	 * How long shutting a producer down may hold the caller. RocketMQ's client unregisters from the brokers within
	 * milliseconds, then waits up to three seconds for its connection-event thread to notice the shutdown; that wait
	 * holds nothing of the application's, so it finishes in the background.
	 */
	private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(1);

	private final String nameServer;

	private final boolean embedded;

	private final @Nullable String accessKey;

	private final @Nullable RPCHook signer;

	private final boolean tls;

	private final Duration routeRefreshInterval;

	private final String instanceName = "reliable-messaging-" + UUID.randomUUID();

	private final List<DefaultMQProducer> producers = new CopyOnWriteArrayList<>();

	RocketMqClients(String nameServer, boolean embedded, @Nullable String accessKey, @Nullable String secretKey,
			boolean tls, Duration routeRefreshInterval) {
		this.nameServer = nameServer;
		this.embedded = embedded;
		this.accessKey = accessKey;
		this.signer = (accessKey != null && secretKey != null)
				? new AclClientRPCHook(new SessionCredentials(accessKey, secretKey)) : null;
		this.tls = tls;
		this.routeRefreshInterval = routeRefreshInterval;
	}

	String nameServer() {
		return this.nameServer;
	}

	boolean embedded() {
		return this.embedded;
	}

	/** The access key the clients sign with, or {@code null} when they do not authenticate. */
	@Nullable String accessKey() {
		return this.accessKey;
	}

	public DefaultMQProducer newProducer(String group) {
		DefaultMQProducer producer = (this.signer != null) ? new DefaultMQProducer(group, this.signer)
				: new DefaultMQProducer(group);
		configure(producer);
		this.producers.add(producer);
		return producer;
	}

	/**
	 * A producer that hands received messages of a consumer group back to the broker, in the group's name (a user
	 * that may consume as the group may send to its retry topic). It runs in a client instance of its own, so that
	 * its group never collides with the relay's producer group; {@code instance} names it (a new one for every start
	 * of the listeners, since a client instance that was shut down cannot start again).
	 */
	public DefaultMQProducer newHandBackProducer(String consumerGroup, String instance) {
		DefaultMQProducer producer = (this.signer != null) ? new DefaultMQProducer(consumerGroup, this.signer)
				: new DefaultMQProducer(consumerGroup);
		configure(producer);
		producer.setInstanceName(this.instanceName + "-hand-back-" + instance);
		this.producers.add(producer);
		return producer;
	}

	/** Shuts down a producer of this endpoint's, once; see {@link #SHUTDOWN_WAIT}. */
	public void shutDown(DefaultMQProducer producer) {
		if (!this.producers.remove(producer)) {
			return;
		}
		Thread thread = new Thread(producer::shutdown, "reliable-messaging-shutdown-" + producer.getProducerGroup());
		thread.setDaemon(true);
		thread.start();
		try {
			thread.join(SHUTDOWN_WAIT.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** Shuts down the producers still running when the application context closes. */
	@Override
	public void destroy() {
		this.producers.forEach(this::shutDown);
	}

	public DefaultMQPushConsumer newPushConsumer(String group) {
		DefaultMQPushConsumer consumer = (this.signer != null) ? new DefaultMQPushConsumer(group, this.signer)
				: new DefaultMQPushConsumer(group);
		configure(consumer);
		return consumer;
	}

	/** The settings RocketMQ keeps per client instance; all the starter's clients set them alike. */
	private void configure(ClientConfig client) {
		client.setNamesrvAddr(this.nameServer);
		client.setUseTLS(this.tls);
		client.setInstanceName(this.instanceName);
		client.setPollNameServerInterval((int) this.routeRefreshInterval.toMillis());
	}

	@Override
	public String toString() {
		return "RocketMqEndpoint[nameServer=" + this.nameServer + ", embedded=" + this.embedded + ", accessKey="
				+ this.accessKey + ", tls=" + this.tls + "]";
	}

}
