package dev.reliablemessaging.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy that can freeze the connections it carries, as a half-open connection after a database failover does:
 * nothing more arrives on them and nothing says so, while new connections are forwarded as usual.
 */
public final class FreezingProxy implements AutoCloseable {

	private final ServerSocket server;

	private final InetSocketAddress target;

	private final List<Link> links = new CopyOnWriteArrayList<>();

	private volatile boolean blackHoled;

	public FreezingProxy(String targetHost, int targetPort) throws IOException {
		this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		this.target = new InetSocketAddress(targetHost, targetPort);
		Thread acceptor = new Thread(this::accept, "freezing-proxy");
		acceptor.setDaemon(true);
		acceptor.start();
	}

	public int port() {
		return this.server.getLocalPort();
	}

	/** Stops every connection open now: bytes are no longer passed on, and the sockets stay open. */
	public void freezeOpenConnections() {
		this.links.forEach((link) -> link.frozen = true);
	}

	/**
	 * Black-holes the target, as a frozen host or a partition does: open connections are frozen, and new ones are
	 * accepted but never answered, until {@link #restore()}.
	 */
	public void blackHole() {
		this.blackHoled = true;
		freezeOpenConnections();
	}

	/** Forwards new connections again; the connections frozen meanwhile stay frozen, as after a partition. */
	public void restore() {
		this.blackHoled = false;
	}

	private void accept() {
		while (!this.server.isClosed()) {
			try {
				Socket client = this.server.accept();
				if (this.blackHoled) {
					this.links.add(new Link(client, new Socket()));
					continue; // accepted, never answered
				}
				Socket upstream = new Socket();
				upstream.connect(this.target, 2_000);
				Link link = new Link(client, upstream);
				this.links.add(link);
				pump(link, client, upstream);
				pump(link, upstream, client);
			}
			catch (IOException ex) {
				// the server was closed, or the target refused: the client sees a closed connection
			}
		}
	}

	private void pump(Link link, Socket from, Socket to) {
		Thread thread = new Thread(() -> {
			byte[] buffer = new byte[16 * 1024];
			try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
				int read;
				while ((read = in.read(buffer)) >= 0) {
					if (link.frozen) {
						continue; // swallowed: the other side waits for an answer that never comes
					}
					out.write(buffer, 0, read);
				}
			}
			catch (IOException ex) {
				// closed by either side
			}
		}, "freezing-proxy-pump");
		thread.setDaemon(true);
		thread.start();
	}

	@Override
	public void close() throws IOException {
		this.server.close();
		for (Link link : this.links) {
			link.client.close();
			link.upstream.close();
		}
	}

	private static final class Link {

		final Socket client;

		final Socket upstream;

		volatile boolean frozen;

		Link(Socket client, Socket upstream) {
			this.client = client;
			this.upstream = upstream;
		}

	}

}
