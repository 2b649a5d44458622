package dev.reliablemessaging.autoconfigure;

import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.reliablemessaging.PayloadCodec;
import org.jspecify.annotations.Nullable;
import org.springframework.core.annotation.AnnotatedElementUtils;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.annotation.JsonDeserialize;
import tools.jackson.databind.json.JsonMapper;

/**
 * Binds message bodies to a listener's declared parameter type only: the application's {@link PayloadCodec}, if it
 * has one, decodes the body; then {@code byte[]} and {@code String} pass through and anything else is read as JSON
 * into that type. Nothing in the body chooses the class: default typing is switched off even if the application's
 * mapper turns it on, and abstract types must name their subtypes (see {@link #bindable}).
 */
final class PayloadBinder {

	private final JsonMapper jsonMapper;

	private final @Nullable PayloadCodec codec;

	PayloadBinder(JsonMapper jsonMapper, @Nullable PayloadCodec codec) {
		this.jsonMapper = jsonMapper.rebuild().deactivateDefaultTyping().build();
		this.codec = codec;
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
	 * Whether the type lets a message body name the class to create: {@code @JsonTypeInfo} with a class-name id
	 * would instantiate whatever subtype of it a sender names.
	 */
	static boolean bodyNamesTheClass(JavaType type) {
		JsonTypeInfo info = AnnotatedElementUtils.findMergedAnnotation(type.getRawClass(), JsonTypeInfo.class);
		return info != null && (info.use() == JsonTypeInfo.Id.CLASS || info.use() == JsonTypeInfo.Id.MINIMAL_CLASS);
	}

	/**
	 * @throws RuntimeException (a Jackson exception, or the codec's) when the body is not valid for the type
	 */
	Object bind(String topic, byte[] received, JavaType type) {
		byte[] body = (this.codec != null) ? this.codec.decode(topic, received) : received;
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
