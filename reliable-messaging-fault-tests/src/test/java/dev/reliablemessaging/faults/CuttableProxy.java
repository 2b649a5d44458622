package dev.reliablemessaging.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy between the service and the broker that can cut the network: {@link #cut()} drops every connection
 * and black-holes new ones (accepted, never answered), {@link #restore()} forwards again. The broker listens on
 * 127.0.0.2 and tells the name server 127.0.0.1, where this proxy listens on the same port.
 */
final class CuttableProxy implements AutoCloseable {

	private final ServerSocket server;

	private final InetSocketAddress target;

	private final Set<Socket> open = ConcurrentHashMap.newKeySet();

	private volatile boolean cut;

	CuttableProxy(InetSocketAddress listen, InetSocketAddress target) throws IOException {
		this.server = new ServerSocket();
		this.server.setReuseAddress(true);
		this.server.bind(listen);
		this.target = target;
		Thread acceptor = new Thread(this::accept, "proxy-" + listen.getPort());
		acceptor.setDaemon(true);
		acceptor.start();
	}

	/** The port it listens on. */
	int port() {
		return this.server.getLocalPort();
	}

	static InetAddress loopback(int last) throws IOException {
		return InetAddress.getByAddress(new byte[] { 127, 0, 0, (byte) last });
	}

	void cut() {
		this.cut = true;
		closeAll();
	}

	void restore() {
		this.cut = false;
		closeAll(); // black-holed connections: the clients reconnect
	}

	private void accept() {
		while (!this.server.isClosed()) {
			try {
				Socket client = this.server.accept();
				this.open.add(client);
				if (this.cut) {
					continue; // held open, never answered
				}
				Socket upstream = new Socket();
				upstream.connect(this.target, 2_000);
				this.open.add(upstream);
				pump(client, upstream);
				pump(upstream, client);
			}
			catch (IOException ex) {
				// a failed connection is the client's problem, as on a real network
			}
		}
	}

	private void pump(Socket from, Socket to) {
		Thread thread = new Thread(() -> {
			byte[] buffer = new byte[16 * 1024];
			try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
				int read;
				while ((read = in.read(buffer)) >= 0) {
					out.write(buffer, 0, read);
				}
			}
			catch (IOException ex) {
				// closed by the other side or by a cut
			}
			finally {
				close(from);
				close(to);
			}
		}, "proxy-pump");
		thread.setDaemon(true);
		thread.start();
	}

	private void closeAll() {
		this.open.forEach(this::close);
	}

	private void close(Socket socket) {
		this.open.remove(socket);
		try {
			socket.close();
		}
		catch (IOException ex) {
			// already closed
		}
	}

	@Override
	public void close() throws IOException {
		this.server.close();
		closeAll();
	}

}
