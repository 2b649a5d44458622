package dev.reliablemessaging.autoconfigure.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Free ports on the loopback address, for the embedded name server and broker. */
final class LoopbackPorts {

	private static final String HOST = "127.0.0.1";

	private LoopbackPorts() {
	}

	/** A free port whose neighbour two below (the broker's second, "fast" listener) is free too. */
	static int freeForBroker() {
		for (int i = 0; i < 50; i++) {
			int port = free();
			if (port > 1026 && isFree(port - 2)) {
				return port;
			}
		}
		throw new IllegalStateException("Found no free pair of ports for the embedded RocketMQ broker");
	}

	static int free() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
			socket.setReuseAddress(true);
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Found no free port", ex);
		}
	}

	private static boolean isFree(int port) {
		try (ServerSocket socket = new ServerSocket()) {
			socket.bind(new InetSocketAddress(HOST, port));
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

}
