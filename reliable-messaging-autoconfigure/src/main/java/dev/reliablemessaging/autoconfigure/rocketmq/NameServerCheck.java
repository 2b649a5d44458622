package dev.reliablemessaging.autoconfigure.rocketmq;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Checks at start-up that at least one configured name server accepts connections, so that a wrong address stops
 * the application instead of leaving its messages pending.
 */
final class NameServerCheck {

	public static final String PROPERTY = "reliable-messaging.rocketmq.name-server";

	private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);

	private NameServerCheck() {
	}

	static String requireReachable(String nameServer) {
		StringBuilder failures = new StringBuilder();
		for (String address : nameServer.split(";")) {
			String trimmed = address.trim();
			int colon = trimmed.lastIndexOf(':');
			if (colon <= 0 || colon == trimmed.length() - 1) {
				throw new InvalidConfigurationPropertyValueException(PROPERTY, nameServer,
						"Each name server must be written host:port, several separated by ';'.");
			}
			String host = trimmed.substring(0, colon);
			int port;
			try {
				port = Integer.parseInt(trimmed.substring(colon + 1));
			}
			catch (NumberFormatException ex) {
				throw new InvalidConfigurationPropertyValueException(PROPERTY, nameServer,
						"'" + trimmed + "' has no numeric port; write host:port.");
			}
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress(host, port), (int) CONNECT_TIMEOUT.toMillis());
				return nameServer;
			}
			catch (IOException ex) {
				failures.append(' ').append(trimmed).append(" (").append(ex.getMessage()).append(')');
			}
		}
		throw new InvalidConfigurationPropertyValueException(PROPERTY, nameServer,
				"No name server accepts connections:" + failures
						+ ". Start RocketMQ, fix the address, or remove the property to use the embedded broker of "
								+ "reliable-messaging-embedded-broker.");
	}

}
