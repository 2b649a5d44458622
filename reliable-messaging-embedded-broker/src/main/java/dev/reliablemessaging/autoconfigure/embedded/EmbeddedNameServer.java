package dev.reliablemessaging.autoconfigure.embedded;

import java.nio.file.Path;

import org.apache.rocketmq.common.namesrv.NamesrvConfig;
import org.apache.rocketmq.namesrv.NamesrvController;
import org.apache.rocketmq.remoting.netty.NettyClientConfig;
import org.apache.rocketmq.remoting.netty.NettyServerConfig;
import org.jspecify.annotations.Nullable;

/**
 * A RocketMQ name server in this JVM, on a loopback port that stays the same across restarts.
 */
final class EmbeddedNameServer {

	private final int port;

	private final Path dir;

	private final boolean tlsOnly;

	private @Nullable NamesrvController controller;

	EmbeddedNameServer(int port, Path dir, boolean tlsOnly) {
		this.port = port;
		this.dir = dir;
		this.tlsOnly = tlsOnly;
	}

	synchronized void start() {
		if (this.controller != null) {
			return;
		}
		NamesrvConfig config = new NamesrvConfig();
		config.setKvConfigPath(this.dir.resolve("kvConfig.json").toString());
		config.setConfigStorePath(this.dir.resolve("namesrv.properties").toString());
		NettyServerConfig server = new NettyServerConfig();
		server.setBindAddress(EmbeddedRocketMq.HOST);
		server.setListenPort(this.port);
		this.controller = TlsOnly.when(this.tlsOnly, () -> {
			NamesrvController started = new NamesrvController(config, server, new NettyClientConfig());
			if (!started.initialize()) {
				throw new IllegalStateException("The embedded RocketMQ name server did not initialize");
			}
			try {
				started.start();
			}
			catch (Exception ex) {
				started.shutdown();
				throw new IllegalStateException("The embedded RocketMQ name server did not start on port " + this.port,
						ex);
			}
			return started;
		});
	}

	synchronized void stop() {
		if (this.controller != null) {
			this.controller.shutdown();
			this.controller = null;
		}
	}

	String address() {
		return EmbeddedRocketMq.HOST + ":" + this.port;
	}

}
