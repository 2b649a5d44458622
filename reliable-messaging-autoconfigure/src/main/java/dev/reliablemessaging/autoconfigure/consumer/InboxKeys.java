package dev.reliablemessaging.autoconfigure.consumer;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * How a dedup key or a consumer group is stored in the inbox so that it compares exactly on every database: as it is
 * when it is at most {@value #MAX_PLAIN_LENGTH} printable ASCII characters other than {@code ~} (message ids, unique
 * keys and group names are), otherwise as {@code ~} and the URL-safe Base64 of the SHA-256 of its UTF-16 code units.
 * The stored forms of two different values are different, whatever their length, case, accents, spaces or control
 * characters, and a stored form never ends in a space, so no collation can pad, fold or truncate two into one.
 */
final class InboxKeys {

	static final int MAX_PLAIN_LENGTH = 128;

	private static final Pattern PLAIN = Pattern.compile("[\\x21-\\x7D]{1," + MAX_PLAIN_LENGTH + "}");

	private static final String HASHED = "~";

	private InboxKeys() {
	}

	static String stored(String value) {
		if (PLAIN.matcher(value).matches()) {
			return value;
		}
		ByteBuffer codeUnits = ByteBuffer.allocate(value.length() * 2);
		value.chars().forEach((unit) -> codeUnits.putChar((char) unit));
		return HASHED + Base64.getUrlEncoder().withoutPadding().encodeToString(sha256().digest(codeUnits.array()));
	}

	private static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("This JVM has no SHA-256", ex);
		}
	}

}
