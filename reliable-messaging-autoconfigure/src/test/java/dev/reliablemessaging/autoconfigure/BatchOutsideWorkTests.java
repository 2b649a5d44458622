package dev.reliablemessaging.autoconfigure;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import dev.reliablemessaging.OutboxPublisher;
import dev.reliablemessaging.ReliableListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Work a listener does outside its batch's transaction happens again when the batch fails and its messages are
 * handled alone; the common case, a publish in a transaction of its own, is named in a warning.
 */
@ExtendWith(OutputCaptureExtension.class)
class BatchOutsideWorkTests {

	@Test
	void aPublishInANewTransactionInsideABatchIsWarnedAbout(CapturedOutput output) {
		String answers = TestContexts.uniqueTopic("answers");
		TestContexts.onSharedBroker()
			.withUserConfiguration(Config.class)
			.withPropertyValues("test.topic=" + TestContexts.uniqueTopic("questions"),
					"test.group=" + TestContexts.uniqueTopic("questions-group"), "test.answers=" + answers)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				String topic = context.getEnvironment().getProperty("test.topic");
				new OutboxTableProbe(context).publish(topic, 40, 40);
				await().atMost(Duration.ofSeconds(60))
					.until(() -> context.getBean(Answers.class).answered() >= 40);
				assertThat(output).contains("was published in a transaction of its own by a listener that handles "
						+ "messages together").contains(answers);
			});
	}

	public static class Questions {

		private final Answers answers;

		Questions(Answers answers) {
			this.answers = answers;
		}

		@ReliableListener(topic = "${test.topic}", consumerGroup = "${test.group}")
		public void on(String question) {
			this.answers.answer(question);
		}

	}

	public static class Answers {

		private final AtomicInteger answered = new AtomicInteger();

		private final OutboxPublisher publisher;

		private final String topic;

		Answers(OutboxPublisher publisher, String topic) {
			this.publisher = publisher;
			this.topic = topic;
		}

		public int answered() {
			return this.answered.get();
		}

		@Transactional(propagation = Propagation.REQUIRES_NEW)
		public void answer(String question) {
			this.publisher.publish(this.topic, "answer to " + question);
			this.answered.incrementAndGet();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Config {

		@Bean
		Answers answers(OutboxPublisher publisher,
				@org.springframework.beans.factory.annotation.Value("${test.answers}") String topic) {
			return new Answers(publisher, topic);
		}

		@Bean
		Questions questions(Answers answers) {
			return new Questions(answers);
		}

	}

}
