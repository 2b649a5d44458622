package dev.reliablemessaging.autoconfigure.ops;

import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.reliablemessaging.autoconfigure.consumer.ListenerContainer;
import dev.reliablemessaging.autoconfigure.consumer.ParkedRelease;
import dev.reliablemessaging.autoconfigure.consumer.ReliableListeners;
import dev.reliablemessaging.autoconfigure.consumer.ReliableMessageHandler.Outcome;
import dev.reliablemessaging.autoconfigure.outbox.OutboxAdmin.Backlog;
import dev.reliablemessaging.autoconfigure.outbox.OutboxAdmin.DeadRow;
import dev.reliablemessaging.autoconfigure.outbox.OutboxAdmin;
import dev.reliablemessaging.autoconfigure.outbox.Relay;
import dev.reliablemessaging.autoconfigure.rocketmq.BrokerDurabilityAudit;
import dev.reliablemessaging.autoconfigure.rocketmq.BrokerInspector.BrokerDurability;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The {@code reliablemessaging} actuator endpoint: a summary of the outbox, the relay and the listeners; dead rows,
 * paged, with their last error; the brokers' durability settings; replay and removal of dead rows. Replays and
 * removals are logged with the message ids and topic and the caller's name, never with payloads.
 * <ul>
 * <li>{@code GET /actuator/reliablemessaging}: the summary</li>
 * <li>{@code GET /actuator/reliablemessaging/dead?topic=&page=0&size=50}: dead rows</li>
 * <li>{@code GET /actuator/reliablemessaging/brokers}: the durability audit, run now</li>
 * <li>{@code POST /actuator/reliablemessaging} with {@code {"messageIds":[...]}} or {@code {"topic":"..."}}:
 * replay rows by id (dead, or sent and kept) or every dead row of a topic</li>
 * <li>{@code DELETE /actuator/reliablemessaging/{messageId}}: remove a dead row</li>
 * <li>{@code GET /actuator/reliablemessaging/parked}: the keys orderly listeners parked</li>
 * <li>{@code POST /actuator/reliablemessaging/parked} with {@code {"group":"...","key":"...","action":"release"}}
 * (or {@code "dead-letter"}): let a parked key go on</li>
 * </ul>
 */
@Endpoint(id = "reliablemessaging")
public final class ReliableMessagingEndpoint {

	private static final Logger logger = LoggerFactory.getLogger(ReliableMessagingEndpoint.class);

	private static final int DEFAULT_PAGE_SIZE = 50;

	private static final int MAX_PAGE_SIZE = 500;

	private final @Nullable OutboxAdmin outbox;

	private final @Nullable Relay relay;

	private final @Nullable ReliableListeners listeners;

	private final @Nullable BrokerDurabilityAudit audit;

	ReliableMessagingEndpoint(@Nullable OutboxAdmin outbox, @Nullable Relay relay,
			@Nullable ReliableListeners listeners, @Nullable BrokerDurabilityAudit audit) {
		this.outbox = outbox;
		this.relay = relay;
		this.listeners = listeners;
		this.audit = audit;
	}

	/** The outbox backlog, the relay and the listeners' counts since start-up. */
	@ReadOperation
	public Map<String, Object> summary() {
		Map<String, Object> summary = new LinkedHashMap<>();
		if (this.outbox != null) {
			Backlog backlog = this.outbox.backlog();
			Map<String, Object> outbox = new LinkedHashMap<>();
			outbox.put("pending", backlog.pending());
			outbox.put("due", backlog.due());
			outbox.put("delayed", backlog.delayed());
			outbox.put("retrying", backlog.retrying());
			outbox.put("sentKept", backlog.sent());
			outbox.put("dead", backlog.dead());
			outbox.put("longestWait", backlog.longestWait().toString());
			summary.put("outbox", outbox);
		}
		if (this.relay != null) {
			summary.put("relay", Map.of("running", this.relay.isRunning(), "owner", this.relay.owner()));
		}
		if (this.listeners != null) {
			summary.put("listeners", this.listeners.containers().stream().map(ReliableMessagingEndpoint::describe).toList());
		}
		return summary;
	}

	/**
	 * {@code dead}: a page of dead rows, oldest first, optionally of one topic; {@code brokers}: the brokers'
	 * durability settings, read now.
	 */
	@ReadOperation
	public @Nullable Object section(@Selector String section, @Nullable String topic, @Nullable Integer page,
			@Nullable Integer size) throws Exception {
		return switch (section) {
			case "dead" -> deadRows(topic, (page != null) ? page : 0, (size != null) ? size : DEFAULT_PAGE_SIZE);
			case "brokers" -> brokers();
			case "parked" -> (this.listeners != null) ? Map.of("keys", this.listeners.parkedKeys()) : null;
			default -> null;
		};
	}

	/**
	 * Lets a key an orderly listener parked go on: {@code action} {@code release} (the default) handles its messages
	 * again in order, from the first; {@code dead-letter} stores the first in the group's dead-letter queue and
	 * handles the others. A message that fails again stays parked with the ones after it.
	 */
	@WriteOperation
	public Map<String, Object> releaseParked(@Selector String section, String group, String key,
			@Nullable String action, @Nullable Principal principal) {
		if (!"parked".equals(section) || this.listeners == null) {
			throw badRequest("Only parked keys can be released here (POST /actuator/reliablemessaging/parked)");
		}
		boolean deadLetter = "dead-letter".equals(action);
		if (action != null && !deadLetter && !"release".equals(action)) {
			throw badRequest("action is release or dead-letter, not " + action);
		}
		ParkedRelease release;
		try {
			release = this.listeners.releaseParked(group, key, deadLetter);
		}
		catch (IllegalArgumentException ex) {
			throw badRequest(ex.getMessage());
		}
		logger.info("{} {} parked key '{}' of group {}: {} message(s) handled{}", caller(principal),
				deadLetter ? "dead-lettered the first message of" : "released", key, group, release.handled(),
				(release.failure() != null) ? "; the next failed again: " + release.failure() : "");
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("handled", release.handled());
		result.put("free", release.failure() == null);
		result.put("failure", release.failure());
		return result;
	}

	private Map<String, Object> deadRows(@Nullable String topic, int page, int size) {
		if (page < 0 || size < 1 || size > MAX_PAGE_SIZE) {
			throw badRequest("page must be 0 or more and size between 1 and " + MAX_PAGE_SIZE + "; got page " + page
					+ ", size " + size);
		}
		List<DeadRow> rows = requireOutbox().deadRows(topic, page * size, size);
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("page", page);
		result.put("size", size);
		result.put("rows", rows);
		return result;
	}

	private Map<String, Object> brokers() throws Exception {
		if (this.audit == null) {
			return Map.of("brokers", List.of());
		}
		List<BrokerDurability> brokers = this.audit.audit();
		return Map.of("zeroLossOnCrash", brokers.stream().allMatch((broker) -> broker.risk() == null), "brokers",
				brokers);
	}

	/**
	 * Replays rows: those with the given message ids (dead, or sent and kept by retention), or every dead row of a
	 * topic. They go back to PENDING with their attempts reset and are sent again. Rows older than the consumers'
	 * dedup window are refused unless {@code force} is true.
	 */
	@WriteOperation
	public Map<String, Object> replay(@Nullable List<String> messageIds, @Nullable String topic,
			@Nullable Boolean force, @Nullable Principal principal) {
		boolean forced = Boolean.TRUE.equals(force);
		if ((messageIds == null || messageIds.isEmpty()) == (topic == null || topic.isBlank())) {
			throw badRequest("Give either messageIds (a list of message ids) or topic, not both");
		}
		OutboxAdmin outbox = requireOutbox();
		int replayed;
		if (messageIds != null && !messageIds.isEmpty()) {
			try {
				replayed = outbox.replay(messageIds, forced);
			}
			catch (IllegalArgumentException ex) {
				throw badRequest(ex.getMessage()); // too many ids at once, or too old
			}
			logger.info("{} replayed {} of {} outbox row(s) by id: {}", caller(principal), replayed,
					messageIds.size(), messageIds);
		}
		else {
			try {
				replayed = outbox.replayDead(topic, forced);
			}
			catch (IllegalArgumentException ex) {
				throw badRequest(ex.getMessage());
			}
			logger.info("{} replayed {} dead outbox row(s) of topic {}", caller(principal), replayed, topic);
		}
		return Map.of("replayed", replayed);
	}

	/** Removes a dead row for good. */
	@DeleteOperation
	public Map<String, Object> remove(@Selector String messageId, @Nullable Principal principal) {
		boolean removed = requireOutbox().removeDead(messageId);
		logger.info("{} {} dead outbox row {}", caller(principal), removed ? "removed" : "found no", messageId);
		return Map.of("removed", removed);
	}

	private OutboxAdmin requireOutbox() {
		if (this.outbox == null) {
			throw new IllegalStateException("This application has no outbox");
		}
		return this.outbox;
	}

	private static InvalidEndpointRequestException badRequest(String reason) {
		return new InvalidEndpointRequestException(reason, reason);
	}

	private static String caller(@Nullable Principal principal) {
		return "Operator " + ((principal != null) ? "'" + principal.getName() + "'" : "(unauthenticated)");
	}

	private static Map<String, Object> describe(ListenerContainer container) {
		Map<String, Object> listener = new LinkedHashMap<>();
		listener.put("topic", container.listener().topic());
		listener.put("group", container.listener().consumerGroup());
		listener.put("method", container.listener().description());
		for (Outcome outcome : Outcome.values()) {
			listener.put(outcome.name().toLowerCase(Locale.ROOT), container.count(outcome));
		}
		return listener;
	}

}
