package dev.reliablemessaging.autoconfigure.rocketmq;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

import dev.reliablemessaging.autoconfigure.OutboxTableProbe;
import dev.reliablemessaging.autoconfigure.SharedBroker;
import dev.reliablemessaging.autoconfigure.TestContexts;
import dev.reliablemessaging.autoconfigure.TestOrders;
import dev.reliablemessaging.autoconfigure.TestWarehouse;
import dev.reliablemessaging.autoconfigure.embedded.EmbeddedBrokerSettings;
import dev.reliablemessaging.autoconfigure.embedded.EmbeddedRocketMq;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.remoting.netty.TlsSystemConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A name server and broker that accept TLS connections only, with a certificate this test generates and the
 * clients verify (RocketMQ's JVM-wide TLS settings, restored afterwards): the starter's clients with
 * {@code rocketmq.tls.enabled} publish and consume; a plain-text client and a client that trusts another
 * certificate get nowhere.
 */
class TlsTests {

	private static SelfSignedCertificate certificate;

	private static SelfSignedCertificate otherCertificate;

	private static EmbeddedRocketMq broker;

	private static boolean savedTestMode;

	private static boolean savedAuthServer;

	private static String savedCertPath;

	private static String savedKeyPath;

	private static String savedTrustPath;

	@BeforeAll
	static void startTlsOnlyBrokerWithAGeneratedCertificate() throws Exception {
		certificate = new SelfSignedCertificate("localhost");
		otherCertificate = new SelfSignedCertificate("localhost");
		savedTestMode = TlsSystemConfig.tlsTestModeEnable;
		savedAuthServer = TlsSystemConfig.tlsClientAuthServer;
		savedCertPath = TlsSystemConfig.tlsServerCertPath;
		savedKeyPath = TlsSystemConfig.tlsServerKeyPath;
		savedTrustPath = TlsSystemConfig.tlsClientTrustCertPath;
		TlsSystemConfig.tlsTestModeEnable = false;
		TlsSystemConfig.tlsServerCertPath = certificate.certificate().getPath();
		TlsSystemConfig.tlsServerKeyPath = certificate.privateKey().getPath();
		TlsSystemConfig.tlsClientAuthServer = true;
		TlsSystemConfig.tlsClientTrustCertPath = certificate.certificate().getPath();
		broker = new EmbeddedRocketMq(EmbeddedBrokerSettings.of(SharedBroker.tempDir("tls")).withTlsOnly()).start();
	}

	@AfterAll
	static void stopAndRestore() {
		broker.close();
		TlsSystemConfig.tlsTestModeEnable = savedTestMode;
		TlsSystemConfig.tlsClientAuthServer = savedAuthServer;
		TlsSystemConfig.tlsServerCertPath = savedCertPath;
		TlsSystemConfig.tlsServerKeyPath = savedKeyPath;
		TlsSystemConfig.tlsClientTrustCertPath = savedTrustPath;
		certificate.delete();
		otherCertificate.delete();
	}

	@Test
	void clientsWithTlsEnabledVerifyTheBrokerAndPublishAndConsume() {
		String topic = TestContexts.uniqueTopic("tls");
		broker.createTopic(topic, 4);
		TestContexts.runner()
			.withUserConfiguration(TestOrders.Config.class, TestWarehouse.ConcurrentConfig.class)
			.withPropertyValues("reliable-messaging.rocketmq.name-server=" + broker.nameServerAddress(),
					"reliable-messaging.rocketmq.tls.enabled=true",
					"reliable-messaging.rocketmq.route-refresh-interval=1s",
					"test.topic=" + topic,
					"test.group=" + TestContexts.uniqueTopic("tls-group"))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				TestWarehouse warehouse = context.getBean(TestWarehouse.class);
				context.getBean(TestOrders.class).place("over-tls");
				await().atMost(Duration.ofSeconds(60)).until(() -> warehouse.contexts.size() == 1);
				assertThat(new OutboxTableProbe(context).total()).isZero();
			});
	}

	@Test
	void aPlainTextClientCannotSend() throws Exception {
		assertThatThrownBy(() -> sendWith(false)).isInstanceOf(Exception.class);
	}

	@Test
	void aClientThatTrustsAnotherCertificateCannotSend() throws Exception {
		TlsSystemConfig.tlsClientTrustCertPath = otherCertificate.certificate().getPath();
		try {
			assertThatThrownBy(() -> sendWith(true)).isInstanceOf(Exception.class);
		}
		finally {
			TlsSystemConfig.tlsClientTrustCertPath = certificate.certificate().getPath();
		}
	}

	private static void sendWith(boolean tls) throws Exception {
		DefaultMQProducer producer = new DefaultMQProducer("tls-check-" + UUID.randomUUID());
		producer.setNamesrvAddr(broker.nameServerAddress());
		producer.setInstanceName("tls-check-" + UUID.randomUUID());
		producer.setUseTLS(tls);
		producer.setSendMsgTimeout(2_000);
		producer.start();
		try {
			producer.send(new Message("tls-check", "x".getBytes(StandardCharsets.UTF_8)));
		}
		finally {
			producer.shutdown();
		}
	}

}
