package dev.reliablemessaging.autoconfigure.consumer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

import dev.reliablemessaging.PayloadCodec;
import dev.reliablemessaging.UnreadableMessageException;
import dev.reliablemessaging.autoconfigure.BrokerProbe;
import dev.reliablemessaging.autoconfigure.SharedBroker;
import dev.reliablemessaging.autoconfigure.TestContexts;
import dev.reliablemessaging.autoconfigure.TestOrders;
import dev.reliablemessaging.autoconfigure.TestWarehouse;
import dev.reliablemessaging.autoconfigure.consumer.ReliableMessageHandler.Outcome;
import dev.reliablemessaging.autoconfigure.rocketmq.RocketMqAutoConfiguration;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.message.Message;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A {@link PayloadCodec} that encrypts: the outbox table and the broker hold ciphertext, the listener gets the
 * object, and a message not in the codec's format goes to the dead-letter queue.
 */
class PayloadCodecTests {

	private static final Duration WAIT = Duration.ofSeconds(60);

	@Test
	void anEncryptingCodecKeepsClearTextOutOfTheOutboxAndTheBroker() throws Exception {
		AesGcmCodec codec = new AesGcmCodec();
		TestContexts.onSharedBroker()
			.withBean(PayloadCodec.class, () -> codec)
			.withUserConfiguration(TestOrders.Config.class, TestWarehouse.ConcurrentConfig.class)
			.withPropertyValues("test.topic=" + TestContexts.uniqueTopic("sealed"),
					"test.group=" + TestContexts.uniqueTopic("sealed-group"), "reliable-messaging.relay.retention=1h")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				String topic = context.getEnvironment().getProperty("test.topic");
				TestWarehouse warehouse = context.getBean(TestWarehouse.class);
				try (BrokerProbe probe = BrokerProbe.consume(SharedBroker.nameServer(), topic)) {
					TestOrders.Order order = context.getBean(TestOrders.class).place("card-4111-1111");
					await().atMost(WAIT).until(() -> warehouse.contexts.size() == 1);
					assertThat(warehouse.jdbc.queryForObject("SELECT sku FROM reservations", String.class))
						.isEqualTo("card-4111-1111");

					byte[] stored = new JdbcTemplate(context.getBean(javax.sql.DataSource.class))
						.queryForObject("SELECT payload FROM rm_outbox", byte[].class);
					assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain("card-4111")
						.doesNotContain(order.id());
					await().atMost(WAIT).until(() -> probe.received().size() == 1);
					assertThat(probe.received().get(0).getBody()).isEqualTo(stored);
				}

				// a producer that does not encode: the listener cannot read it, it goes to the dead-letter queue
				DefaultMQProducer plain = context.getBean(RocketMqAutoConfiguration.PRODUCER_BEAN, DefaultMQProducer.class);
				plain.send(new Message(topic, "{\"id\":\"plain\",\"sku\":\"x\"}".getBytes(StandardCharsets.UTF_8)));
				ListenerContainer container = context.getBean(ReliableListeners.class)
					.container(context.getEnvironment().getProperty("test.group"));
				await().atMost(WAIT).until(() -> container.count(Outcome.UNREADABLE) == 1);
				assertThat(warehouse.invocations).hasValue(1);
			});
	}

	/** AES-GCM with a random key, a version byte and a random nonce per message. */
	static final class AesGcmCodec implements PayloadCodec {

		private static final byte VERSION = 1;

		private static final int NONCE_LENGTH = 12;

		private final SecretKey key;

		private final SecureRandom random = new SecureRandom();

		AesGcmCodec() throws GeneralSecurityException {
			KeyGenerator generator = KeyGenerator.getInstance("AES");
			generator.init(256);
			this.key = generator.generateKey();
		}

		@Override
		public byte[] encode(String topic, byte[] body) {
			try {
				byte[] nonce = new byte[NONCE_LENGTH];
				this.random.nextBytes(nonce);
				Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
				cipher.init(Cipher.ENCRYPT_MODE, this.key, new GCMParameterSpec(128, nonce));
				cipher.updateAAD(topic.getBytes(StandardCharsets.UTF_8));
				byte[] sealed = cipher.doFinal(body);
				return ByteBuffer.allocate(1 + NONCE_LENGTH + sealed.length).put(VERSION).put(nonce).put(sealed).array();
			}
			catch (GeneralSecurityException ex) {
				throw new IllegalStateException("Could not encrypt a payload for topic " + topic, ex);
			}
		}

		@Override
		public byte[] decode(String topic, byte[] body) {
			if (body.length < 1 + NONCE_LENGTH + 16 || body[0] != VERSION) {
				throw new UnreadableMessageException("not an encrypted payload");
			}
			try {
				Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
				cipher.init(Cipher.DECRYPT_MODE, this.key,
						new GCMParameterSpec(128, Arrays.copyOfRange(body, 1, 1 + NONCE_LENGTH)));
				cipher.updateAAD(topic.getBytes(StandardCharsets.UTF_8));
				return cipher.doFinal(body, 1 + NONCE_LENGTH, body.length - 1 - NONCE_LENGTH);
			}
			catch (GeneralSecurityException ex) {
				throw new UnreadableMessageException("the encrypted payload fails its integrity check", ex);
			}
		}

	}

}
