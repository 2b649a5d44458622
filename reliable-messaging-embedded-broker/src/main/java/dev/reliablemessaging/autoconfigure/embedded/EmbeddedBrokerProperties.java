package dev.reliablemessaging.autoconfigure.embedded;

import java.nio.file.Path;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The embedded RocketMQ name server and broker, for development and tests.
 */
@ConfigurationProperties("reliable-messaging.rocketmq.embedded")
public class EmbeddedBrokerProperties {

	/**
	 * Whether to start an embedded broker when no name server is configured. Unset, it starts on a developer's
	 * machine and refuses to on a cloud platform that Spring Boot detects (Kubernetes, Cloud Foundry, ...), where a
	 * missing name server is a deployment mistake: set it to true to run an embedded broker there anyway.
	 */
	private @Nullable Boolean enabled;

	/**
	 * Directory of the embedded broker's store. Persistent, so a restart keeps the messages.
	 */
	private Path storeDir = Path.of("data", "rocketmq");

	/**
	 * Flush mode of the embedded broker. SYNC_FLUSH writes every message to disk before the send returns.
	 */
	private FlushDiskType flushDiskType = FlushDiskType.SYNC_FLUSH;

	/**
	 * Name server port of the embedded broker; 0 picks a free port.
	 */
	private int nameServerPort;

	/**
	 * Broker port of the embedded broker; 0 picks a free port.
	 */
	private int brokerPort;

	public @Nullable Boolean getEnabled() {
		return this.enabled;
	}

	public void setEnabled(@Nullable Boolean enabled) {
		this.enabled = enabled;
	}

	public Path getStoreDir() {
		return this.storeDir;
	}

	public void setStoreDir(Path storeDir) {
		this.storeDir = storeDir;
	}

	public FlushDiskType getFlushDiskType() {
		return this.flushDiskType;
	}

	public void setFlushDiskType(FlushDiskType flushDiskType) {
		this.flushDiskType = flushDiskType;
	}

	public int getNameServerPort() {
		return this.nameServerPort;
	}

	public void setNameServerPort(int nameServerPort) {
		this.nameServerPort = nameServerPort;
	}

	public int getBrokerPort() {
		return this.brokerPort;
	}

	public void setBrokerPort(int brokerPort) {
		this.brokerPort = brokerPort;
	}

	/** How the embedded broker flushes messages to disk. */
	public enum FlushDiskType {

		/** Each message is on disk before the send returns: no loss on a crash. */
		SYNC_FLUSH,

		/** Messages are flushed in the background: a crash of the machine can lose the latest ones. */
		ASYNC_FLUSH

	}

}
