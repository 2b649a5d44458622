package dev.reliablemessaging.autoconfigure.outbox;

import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * How the outbox stores a message's headers: a JSON object of strings, written and read with a mapper of the
 * starter's own, so that no setting of the application's JSON mapper can change the relay's own column format.
 */
final class HeaderFormat {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private static final TypeReference<Map<String, String>> HEADERS = new TypeReference<>() {
	};

	private HeaderFormat() {
	}

	static String write(Map<String, String> headers) {
		return mapper.writeValueAsString(headers);
	}

	/**
	 * @throws IllegalArgumentException when the column does not hold a JSON object of strings (written by something
	 * else than the starter)
	 */
	static Map<String, String> read(String column) {
		try {
			return mapper.readValue(column, HEADERS);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException("The headers column is not a JSON object of strings: "
					+ ex.getOriginalMessage(), ex);
		}
	}

}
