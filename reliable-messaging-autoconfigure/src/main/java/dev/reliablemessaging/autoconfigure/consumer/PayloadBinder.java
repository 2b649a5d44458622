package dev.reliablemessaging.autoconfigure.consumer;

import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.reliablemessaging.PayloadCodec;
import dev.reliablemessaging.UnreadableMessageException;
import org.jspecify.annotations.Nullable;
import org.springframework.core.annotation.AnnotatedElementUtils;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.annotation.JsonDeserialize;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.InvalidTypeIdException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.exc.ValueInstantiationException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Binds message bodies to a listener's declared parameter type only: the application's {@link PayloadCodec}, if it
 * has one, decodes the body; then {@code byte[]} and {@code String} pass through and anything else is read as JSON
 * into that type. Nothing in the body chooses the class: default typing is switched off even if the application's
 * mapper turns it on, and abstract types must name their subtypes (see {@link #bindable}).
 */
public final class PayloadBinder {

	private final JsonMapper jsonMapper;

	private final @Nullable PayloadCodec codec;

	public PayloadBinder(JsonMapper jsonMapper, @Nullable PayloadCodec codec) {
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
	 * Whether a failure of {@link #bind} means that the body can never be read, so that the message belongs in the
	 * dead-letter queue at once (an orderly listener parks it): it is not JSON, it is JSON null, or its JSON does not
	 * fit the declared type, or the codec said so with {@link UnreadableMessageException}. Anything else may pass: a
	 * codec whose key service is down, a property, subtype or enum constant this version does not know yet, a value
	 * its constructor refuses (a newer producer, a rolling deploy), an error of the binder itself; such a message is
	 * retried like a failed handler.
	 */
	static boolean neverReadable(RuntimeException failure) {
		if (failure instanceof UnreadableMessageException || failure instanceof NullBody) {
			return true;
		}
		if (failure instanceof UnrecognizedPropertyException || failure instanceof InvalidTypeIdException
				|| failure instanceof ValueInstantiationException) {
			return false;
		}
		if (failure instanceof InvalidFormatException invalid && invalid.getTargetType() != null
				&& invalid.getTargetType().isEnum()) {
			return false;
		}
		return failure instanceof StreamReadException || failure instanceof MismatchedInputException;
	}

	/**
	 * @throws RuntimeException (a Jackson exception, or the codec's) when the body is not valid for the type; see
	 * {@link #neverReadable} for which of them are final
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
			throw new NullBody();
		}
		return value;
	}

	/** The body is JSON {@code null}, which no listener parameter takes. */
	private static final class NullBody extends IllegalArgumentException {

		NullBody() {
			super("the body is JSON null");
		}

	}

}
