package dev.reliablemessaging.faults;

import java.nio.file.Path;

import dev.reliablemessaging.autoconfigure.embedded.EmbeddedBrokerSettings;
import dev.reliablemessaging.autoconfigure.embedded.EmbeddedRocketMq;
import org.apache.rocketmq.store.config.BrokerRole;

/**
 * Runs the embedded name server or a broker in a process of its own, so the fault suite can kill it with SIGKILL:
 * {@code FaultBrokerMain namesrv|broker|master|slave <store dir> <name server port> <broker port> <bind host>}.
 * {@code master} is a SYNC_MASTER that needs its slave to acknowledge every message; {@code slave} is that slave.
 * Prints {@code READY} once it serves.
 */
public final class FaultBrokerMain {

	private FaultBrokerMain() {
	}

	public static void main(String[] args) throws InterruptedException {
		String mode = args[0];
		EmbeddedBrokerSettings settings = EmbeddedBrokerSettings.of(Path.of(args[1]))
			.withPorts(Integer.parseInt(args[2]), Integer.parseInt(args[3]))
			.withBrokerBindHost(args[4]);
		if (mode.equals("master") || mode.equals("slave")) {
			settings = settings.withBrokerId(mode.equals("slave") ? 1 : 0).withStoreCustomizer((store) -> {
				store.setBrokerRole(mode.equals("slave") ? BrokerRole.SLAVE : BrokerRole.SYNC_MASTER);
				store.setTotalReplicas(2);
				store.setInSyncReplicas(2);
				store.setSyncFlushTimeout(1_000);
			});
		}
		EmbeddedRocketMq rocketMq = new EmbeddedRocketMq(settings);
		if (mode.equals("namesrv")) {
			rocketMq.startNameServer();
		}
		else {
			rocketMq.startBroker();
		}
		System.out.println("READY");
		System.out.flush();
		Thread.currentThread().join();
	}

}
