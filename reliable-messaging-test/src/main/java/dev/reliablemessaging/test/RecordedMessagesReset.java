package dev.reliablemessaging.test;

import org.springframework.test.context.TestContext;
import org.springframework.test.context.TestExecutionListener;

/**
 * Clears {@link PublishedMessages} and {@link HandledMessages} before each test method, so each test sees its own.
 */
final class RecordedMessagesReset implements TestExecutionListener {

	@Override
	public void beforeTestMethod(TestContext testContext) {
		if (!testContext.hasApplicationContext()) {
			return;
		}
		testContext.getApplicationContext().getBeanProvider(PublishedMessages.class).ifAvailable(PublishedMessages::clear);
		testContext.getApplicationContext().getBeanProvider(HandledMessages.class).ifAvailable(HandledMessages::clear);
	}

}
