package dev.reliablemessaging.test;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The messages whose publishing transaction committed during the current test, in commit order. Cleared before
 * each test method; {@link #ofTopic} and {@link #ofType} give filtered views.
 */
public class PublishedMessages implements Iterable<PublishedMessage> {

	private final List<PublishedMessage> messages;

	PublishedMessages() {
		this(new ArrayList<>());
	}

	private PublishedMessages(List<PublishedMessage> messages) {
		this.messages = messages;
	}

	void record(PublishedMessage message) {
		synchronized (this.messages) {
			this.messages.add(message);
		}
	}

	void clear() {
		synchronized (this.messages) {
			this.messages.clear();
		}
	}

	/** A snapshot of every message committed so far. */
	public List<PublishedMessage> all() {
		synchronized (this.messages) {
			return List.copyOf(this.messages);
		}
	}

	public PublishedMessages ofTopic(String topic) {
		return filtered((message) -> message.topic().equals(topic));
	}

	/** The messages whose payload is an instance of {@code type}. */
	public PublishedMessages ofType(Class<?> type) {
		return filtered((message) -> type.isInstance(message.payload()));
	}

	/** The one message of this view; fails, listing them, when there are none or several. */
	public PublishedMessage single() {
		List<PublishedMessage> all = all();
		if (all.size() != 1) {
			throw new AssertionError("Expected exactly one published message but found " + all.size() + describe(all));
		}
		return all.get(0);
	}

	/** Fails, listing them, when a message to {@code topic} committed during the test. */
	public void assertNonePublished(String topic) {
		List<PublishedMessage> published = ofTopic(topic).all();
		if (!published.isEmpty()) {
			throw new AssertionError("Expected no message on topic '" + topic + "' but " + published.size()
					+ " committed" + describe(published));
		}
	}

	public int size() {
		return all().size();
	}

	public boolean isEmpty() {
		return all().isEmpty();
	}

	@Override
	public Iterator<PublishedMessage> iterator() {
		return all().iterator();
	}

	@Override
	public String toString() {
		return "PublishedMessages" + all();
	}

	private PublishedMessages filtered(Predicate<PublishedMessage> filter) {
		return new PublishedMessages(new ArrayList<>(all().stream().filter(filter).toList()));
	}

	private static String describe(List<PublishedMessage> messages) {
		return messages.isEmpty() ? "" : messages.stream()
			.map(PublishedMessage::toString)
			.collect(Collectors.joining("\n  ", ":\n  ", ""));
	}

}
