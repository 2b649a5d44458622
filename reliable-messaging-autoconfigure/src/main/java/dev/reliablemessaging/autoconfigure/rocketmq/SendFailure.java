package dev.reliablemessaging.autoconfigure.rocketmq;

import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.remoting.protocol.ResponseCode;
import org.jspecify.annotations.Nullable;

/**
 * Why a send failed, and whether the failure is the message's own. Only a refusal of the message itself (illegal,
 * too large, no permission) counts towards DEAD; everything else (no route, a refused connection, a timeout, a busy
 * broker, a flush or replication that was not confirmed) says nothing about the message, so the row waits out any
 * outage and drains when it ends.
 * @param reason what went wrong, for the row and the log
 * @param reasonTag the broker status or error type, a short value from a small set, for the metrics
 * @param refused whether the broker or the client refused the message itself
 */
public record SendFailure(String reason, String reasonTag, boolean refused) {

	public static SendFailure of(Exception failure) {
		int code = responseCode(failure);
		boolean refused = code == ResponseCode.MESSAGE_ILLEGAL || code == ResponseCode.NO_PERMISSION
				|| code == ResponseCode.INVALID_PARAMETER;
		return new SendFailure(describe(failure), failure.getClass().getSimpleName(), refused);
	}

	public static SendFailure status(SendStatus status) {
		return new SendFailure("broker answered " + status, status.name(), false);
	}

	public static SendFailure noRoute(@Nullable Exception failure) {
		return new SendFailure("no route: " + describe(failure), "no_route", false);
	}

	/** The first response code in the chain of causes, or -1: the client wraps what the broker said. */
	private static int responseCode(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof MQBrokerException broker && broker.getResponseCode() > 0) {
				return broker.getResponseCode();
			}
			if (cause instanceof MQClientException client && client.getResponseCode() > 0
					&& client.getResponseCode() < 1000) {
				return client.getResponseCode();
			}
		}
		return -1;
	}

	private static String describe(@Nullable Exception ex) {
		if (ex == null) {
			return "unknown error";
		}
		String message = ex.getMessage();
		return ex.getClass().getSimpleName() + ((message != null) ? ": " + message.lines().findFirst().orElse("") : "");
	}

}
