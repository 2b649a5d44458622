package dev.reliablemessaging.autoconfigure.jdbc;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The rows of the ordering-lock table: each is named by the SHA-256 of what it locks (a topic and ordering key, a
 * parked key of a consumer group, the first sight of a topic's layout), so that names of any length and characters
 * have a row of their own of a fixed size.
 */
public final class LockKeys {

	private LockKeys() {
	}

	/** The row that locks the given parts, hex-encoded; the parts are separated by a NUL, which none contains. */
	public static String of(String... parts) {
		try {
			MessageDigest digest = MessageDigest.getInstance("SHA-256");
			for (int i = 0; i < parts.length; i++) {
				if (i > 0) {
					digest.update((byte) 0);
				}
				digest.update(parts[i].getBytes(StandardCharsets.UTF_8));
			}
			return HexFormat.of().formatHex(digest.digest());
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is part of every Java runtime", ex);
		}
	}

}
