package dev.reliablemessaging.autoconfigure.rocketmq;

import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import dev.reliablemessaging.autoconfigure.rocketmq.BrokerInspector.BrokerDurability;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Reads {@code flushDiskType} and {@code brokerRole} of the brokers serving the application's topics once the
 * topics exist, and warns about (or, if configured, refuses) settings that lose acknowledged messages on a crash.
 * A broker that cannot be asked is a warning, never a refusal: the relay waits for brokers that are down.
 */
public final class BrokerDurabilityAudit implements SmartInitializingSingleton {

	private static final Logger logger = LoggerFactory.getLogger(BrokerDurabilityAudit.class);

	private final BrokerInspector inspector;

	private final RocketMqProperties.DurabilityCheck mode;

	private final Supplier<Set<String>> topics;

	BrokerDurabilityAudit(BrokerInspector inspector, RocketMqProperties.DurabilityCheck mode,
			Supplier<Set<String>> topics) {
		this.inspector = inspector;
		this.mode = mode;
		this.topics = topics;
	}

	@Override
	public void afterSingletonsInstantiated() {
		if (this.mode == RocketMqProperties.DurabilityCheck.OFF) {
			return;
		}
		List<BrokerDurability> brokers;
		try {
			brokers = audit();
		}
		catch (Exception ex) {
			logger.warn("Could not audit the brokers' durability settings ({}); check flushDiskType and brokerRole "
					+ "yourself or call the reliablemessaging actuator endpoint once the brokers are up", ex.toString());
			return;
		}
		List<String> risks = brokers.stream().map(BrokerDurability::risk).filter((risk) -> risk != null).toList();
		brokers.stream().map(BrokerDurability::note).filter((note) -> note != null).forEach(logger::info);
		if (risks.isEmpty()) {
			logger.info("Broker durability audit: {} broker(s) flush or replicate before acknowledging", brokers.size());
			return;
		}
		if (this.mode == RocketMqProperties.DurabilityCheck.FAIL) {
			throw new IllegalStateException(String.join(" ", risks)
					+ " (reliable-messaging.rocketmq.durability-check=fail; set it to warn to start anyway)");
		}
		risks.forEach((risk) -> logger.warn("{} (reliable-messaging.rocketmq.durability-check=fail refuses to "
				+ "start with it)", risk));
	}

	/** The storage settings of the brokers serving the application's topics, read now. */
	public List<BrokerDurability> audit() throws Exception {
		return this.inspector.durability(this.topics.get());
	}

}
