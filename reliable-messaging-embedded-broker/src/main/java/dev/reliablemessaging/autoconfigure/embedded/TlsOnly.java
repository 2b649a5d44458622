package dev.reliablemessaging.autoconfigure.embedded;

import java.util.function.Supplier;

import org.apache.rocketmq.remoting.common.TlsMode;
import org.apache.rocketmq.remoting.netty.TlsSystemConfig;

/**
 * RocketMQ reads its JVM-wide TLS mode while it builds and starts a server; this sets TLS-only mode for that long.
 */
final class TlsOnly {

	private TlsOnly() {
	}

	static <T> T when(boolean tlsOnly, Supplier<T> server) {
		if (!tlsOnly) {
			return server.get();
		}
		synchronized (TlsSystemConfig.class) {
			TlsMode previous = TlsSystemConfig.tlsMode;
			TlsSystemConfig.tlsMode = TlsMode.ENFORCING;
			try {
				return server.get();
			}
			finally {
				TlsSystemConfig.tlsMode = previous;
			}
		}
	}

}
