package dev.reliablemessaging.autoconfigure;

import org.apache.rocketmq.acl.common.AclClientRPCHook;
import org.apache.rocketmq.acl.common.SessionCredentials;
import org.apache.rocketmq.client.ClientConfig;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.remoting.RPCHook;
import org.jspecify.annotations.Nullable;

/**
 * Where and how the starter's RocketMQ clients connect: the name server (the embedded broker's or the configured
 * one), the credentials that sign every request when the broker authenticates clients, and TLS. Every producer and
 * consumer the starter creates comes from here. The secret key never leaves this class: not in
 * {@link #toString()}, not in a message.
 */
final class RocketMqEndpoint {

	private final String nameServer;

	private final boolean embedded;

	private final @Nullable String accessKey;

	private final @Nullable RPCHook signer;

	private final boolean tls;

	RocketMqEndpoint(String nameServer, boolean embedded, @Nullable String accessKey, @Nullable String secretKey,
			boolean tls) {
		this.nameServer = nameServer;
		this.embedded = embedded;
		this.accessKey = accessKey;
		this.signer = (accessKey != null && secretKey != null)
				? new AclClientRPCHook(new SessionCredentials(accessKey, secretKey)) : null;
		this.tls = tls;
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

	DefaultMQProducer newProducer(String group) {
		DefaultMQProducer producer = (this.signer != null) ? new DefaultMQProducer(group, this.signer)
				: new DefaultMQProducer(group);
		configure(producer);
		return producer;
	}

	DefaultMQPushConsumer newPushConsumer(String group) {
		DefaultMQPushConsumer consumer = (this.signer != null) ? new DefaultMQPushConsumer(group, this.signer)
				: new DefaultMQPushConsumer(group);
		configure(consumer);
		return consumer;
	}

	private void configure(ClientConfig client) {
		client.setNamesrvAddr(this.nameServer);
		client.setUseTLS(this.tls);
	}

	@Override
	public String toString() {
		return "RocketMqEndpoint[nameServer=" + this.nameServer + ", embedded=" + this.embedded + ", accessKey="
				+ this.accessKey + ", tls=" + this.tls + "]";
	}

}
