package dev.reliablemessaging.autoconfigure.embedded;

import java.nio.file.Path;
import java.time.Duration;

import org.apache.rocketmq.common.ControllerConfig;
import org.apache.rocketmq.controller.ControllerManager;
import org.apache.rocketmq.remoting.netty.NettyClientConfig;
import org.apache.rocketmq.remoting.netty.NettyServerConfig;
import org.jspecify.annotations.Nullable;

/**
 * A RocketMQ controller of one node in this JVM: it elects the master of each broker group in controller mode, and
 * elects another replica when the master stops answering its heartbeats.
 */
final class EmbeddedController {

	private static final Duration LEADERSHIP_WAIT = Duration.ofSeconds(30);

	private final int port;

	private final Path dir;

	private @Nullable ControllerManager manager;

	EmbeddedController(int port, Path dir) {
		this.port = port;
		this.dir = dir;
	}

	synchronized void start() {
		if (this.manager != null) {
			return;
		}
		ControllerConfig config = new ControllerConfig();
		config.setControllerDLegerGroup("embedded-controller");
		config.setControllerDLegerPeers("n0-" + address());
		config.setControllerDLegerSelfId("n0");
		config.setControllerStorePath(this.dir.resolve("dledger").toString());
		config.setConfigStorePath(this.dir.resolve("controller.properties").toString());
		config.setMappedFileSize(1024 * 1024);
		config.setScanNotActiveBrokerInterval(1_000);
		config.setEnableElectUncleanMaster(false);
		config.setNotifyBrokerRoleChanged(true);
		ControllerManager started = new ControllerManager(config, new NettyServerConfig(), new NettyClientConfig());
		if (!started.initialize()) {
			throw new IllegalStateException("The embedded RocketMQ controller did not initialize");
		}
		started.start();
		this.manager = started;
		long deadline = System.nanoTime() + LEADERSHIP_WAIT.toNanos();
		while (!started.getController().isLeaderState()) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("The embedded RocketMQ controller did not become leader within "
						+ LEADERSHIP_WAIT);
			}
			try {
				Thread.sleep(100);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while the embedded controller started", ex);
			}
		}
	}

	synchronized void stop() {
		if (this.manager != null) {
			this.manager.shutdown();
			this.manager = null;
		}
	}

	String address() {
		return EmbeddedRocketMq.HOST + ":" + this.port;
	}

}
