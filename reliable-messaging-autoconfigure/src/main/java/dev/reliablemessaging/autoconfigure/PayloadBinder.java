package dev.reliablemessaging.autoconfigure;

import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import org.springframework.core.annotation.AnnotatedElementUtils;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.annotation.JsonDeserialize;
import tools.jackson.databind.json.JsonMapper;

/**
 * Binds message bodies to a listener's declared parameter type only: {@code byte[]} and {@code String} pass
 * through, anything else is read as JSON into that type. Nothing in the body chooses the class.
 */
final class PayloadBinder {

	private final JsonMapper jsonMapper;

	PayloadBinder(JsonMapper jsonMapper) {
		this.jsonMapper = jsonMapper;
	}

	JavaType typeOf(Type type) {
		return this.jsonMapper.constructType(type);
	}

	/** Whether JSON can be bound to the type; abstract types need an annotation that names their subtypes. */
	static boolean bindable(JavaType type) {
		Class<?> raw = type.getRawClass();
		if (raw == byte[].class || raw == String.class || raw.isPrimitive() || raw.isArray() || raw.isEnum()
				|| Collection.class.isAssignableFrom(raw) || Map.class.isAssignableFrom(raw) || raw == Object.class) {
			return true;
		}
		if (raw.isInterface() || Modifier.isAbstract(raw.getModifiers())) {
			return AnnotatedElementUtils.hasAnnotation(raw, JsonTypeInfo.class)
					|| AnnotatedElementUtils.hasAnnotation(raw, JsonSubTypes.class)
					|| AnnotatedElementUtils.hasAnnotation(raw, JsonDeserialize.class);
		}
		return !raw.isAnonymousClass() && !(raw.isMemberClass() && !Modifier.isStatic(raw.getModifiers()));
	}

	/**
	 * @throws RuntimeException (a Jackson exception) when the body is not valid for the type
	 */
	Object bind(byte[] body, JavaType type) {
		Class<?> raw = type.getRawClass();
		if (raw == byte[].class) {
			return body;
		}
		if (raw == String.class) {
			return new String(body, StandardCharsets.UTF_8);
		}
		Object value = this.jsonMapper.readValue(body, type);
		if (value == null) {
			throw new IllegalArgumentException("the body is JSON null");
		}
		return value;
	}

}
