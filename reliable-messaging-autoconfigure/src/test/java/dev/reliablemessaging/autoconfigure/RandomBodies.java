package dev.reliablemessaging.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * Bodies a listener of {@link TestOrders.Order} might receive from a careless or hostile sender: random bytes,
 * truncated and malformed JSON, wrong types, deep nesting and huge strings. Seeded, so a failure can be replayed.
 */
public final class RandomBodies {

	private final Random random;

	public RandomBodies(long seed) {
		this.random = new Random(seed);
	}

	public byte[] next() {
		String valid = "{\"id\":\"o-" + this.random.nextInt(1_000_000) + "\",\"sku\":\"s\"}";
		return switch (this.random.nextInt(10)) {
			case 0 -> bytes(1 + this.random.nextInt(300));
			case 1 -> utf8(valid.substring(0, this.random.nextInt(valid.length())));
			case 2 -> utf8("{\"id\":" + this.random.nextInt() + ",\"sku\":[" + this.random.nextDouble() + "]}");
			case 3 -> utf8("{\"id\":\"" + "x".repeat(100_000 + this.random.nextInt(400_000)) + "\",\"sku\":\"s\"}");
			case 4 -> utf8("[".repeat(5_000 + this.random.nextInt(5_000)));
			case 5 -> utf8("{\"id\":null,\"sku\":null,\"extra\":{\"deep\":[1,2,{\"a\":\"\\u0000\"}]}}");
			case 6 -> utf8("\"just a string\"");
			case 7 -> utf8("null");
			case 8 -> utf8("{\"id\":\"\\ud800\",\"sku\":\"" + (char) this.random.nextInt(0x20) + "\"}");
			default -> mutate(utf8(valid));
		};
	}

	private byte[] mutate(byte[] body) {
		for (int i = 0, n = 1 + this.random.nextInt(4); i < n; i++) {
			body[this.random.nextInt(body.length)] = (byte) this.random.nextInt(256);
		}
		return body;
	}

	private byte[] bytes(int length) {
		byte[] body = new byte[length];
		this.random.nextBytes(body);
		return body;
	}

	private static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
