package dev.reliablemessaging.autoconfigure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.reliablemessaging.autoconfigure.embedded.EmbeddedBrokerSettings;
import dev.reliablemessaging.autoconfigure.embedded.EmbeddedRocketMq;

/**
 * One embedded RocketMQ broker for the whole test JVM: it takes seconds to start, so tests share it and keep apart
 * by using topics and groups of their own.
 */
public final class SharedBroker {

	/** Every redelivery level one second apart, so retry tests take seconds instead of minutes. */
	private static final String FAST_REDELIVERY = String.join(" ", java.util.Collections.nCopies(18, "1s"));

	private static EmbeddedRocketMq broker;

	private SharedBroker() {
	}

	/** The shared broker's name server address, starting the broker on first use. */
	public static synchronized String nameServer() {
		if (broker == null) {
			broker = new EmbeddedRocketMq(EmbeddedBrokerSettings.of(tempDir("shared-broker"))
				.withStoreCustomizer((store) -> store.setMessageDelayLevel(FAST_REDELIVERY))).start();
			Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "shared-broker-shutdown"));
		}
		return broker.nameServerAddress();
	}

	/** Creates a topic on the shared broker, as an operator would: the broker creates none on its own. */
	public static synchronized void createTopic(String topic, int queues) {
		nameServer();
		broker.createTopic(topic, queues);
	}

	/** The shared broker itself, for tests that provision what an operator would. */
	public static synchronized EmbeddedRocketMq broker() {
		nameServer();
		return broker;
	}

	public static Path tempDir(String name) {
		try {
			return Files.createTempDirectory("rm-" + name + "-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
