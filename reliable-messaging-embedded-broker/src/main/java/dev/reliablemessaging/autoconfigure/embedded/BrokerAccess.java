package dev.reliablemessaging.autoconfigure.embedded;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import org.apache.rocketmq.auth.authentication.enums.UserType;
import org.apache.rocketmq.auth.authentication.model.User;
import org.apache.rocketmq.auth.authorization.enums.Decision;
import org.apache.rocketmq.auth.authorization.enums.PolicyType;
import org.apache.rocketmq.auth.authorization.model.Acl;
import org.apache.rocketmq.auth.authorization.model.Policy;
import org.apache.rocketmq.auth.authorization.model.PolicyEntry;
import org.apache.rocketmq.auth.authorization.model.Resource;
import org.apache.rocketmq.auth.config.AuthConfig;
import org.apache.rocketmq.broker.BrokerController;
import org.apache.rocketmq.common.action.Action;
import org.jspecify.annotations.Nullable;

/** The users of an embedded broker and what each may do: RocketMQ 5's authentication and access control. */
final class BrokerAccess {

	private BrokerAccess() {
	}

	/** RocketMQ's authentication with a user store of this start's own, or {@code null} when it has no users. */
	static @Nullable AuthConfig config(EmbeddedBrokerSettings settings, String name, Path dir) {
		if (settings.users().isEmpty()) {
			return null;
		}
		// RocketMQ caches authentication state per config name and store path for the life of the JVM
		String instance = UUID.randomUUID().toString();
		AuthConfig auth = new AuthConfig();
		auth.setConfigName(name + "-" + instance);
		auth.setClusterName(EmbeddedBroker.CLUSTER);
		auth.setAuthConfigPath(dir.resolve("auth-" + instance).toString());
		auth.setAuthenticationEnabled(true);
		auth.setAuthenticationMetadataProvider(
				"org.apache.rocketmq.auth.authentication.provider.LocalAuthenticationMetadataProvider");
		if (!settings.grants().isEmpty()) {
			auth.setAuthorizationEnabled(true);
			auth.setAuthorizationMetadataProvider(
					"org.apache.rocketmq.auth.authorization.provider.LocalAuthorizationMetadataProvider");
		}
		return auth;
	}

	/** A grant such as {@code "Topic:orders=PUB,SUB"}: the resource and the actions allowed on it. */
	private static PolicyEntry entry(String grant) {
		int equals = grant.indexOf('=');
		Resource resource = (equals > 0) ? Resource.of(grant.substring(0, equals)) : null;
		if (resource == null) {
			throw new IllegalArgumentException("A grant is a resource and its actions, such as Topic:orders=PUB,SUB; "
					+ "not '" + grant + "'");
		}
		List<Action> actions = Arrays.stream(grant.substring(equals + 1).split(","))
			.map((name) -> Action.getByName(name.trim()))
			.toList();
		if (actions.contains(null)) {
			throw new IllegalArgumentException("Unknown action in grant '" + grant + "'");
		}
		return PolicyEntry.of(resource, actions, null, Decision.ALLOW);
	}

	/** Creates the users of the settings and their grants on a started broker, one policy of all its grants each. */
	static void createUsersAndGrants(BrokerController broker, EmbeddedBrokerSettings settings) {
		settings.users()
			.forEach((accessKey, secretKey) -> broker.getAuthenticationMetadataManager()
				.createUser(User.of(accessKey, secretKey, UserType.NORMAL))
				.join());
		settings.grants()
			.forEach((accessKey, grants) -> broker.getAuthorizationMetadataManager()
				.createAcl(Acl.of(User.of(accessKey),
						Policy.of(PolicyType.CUSTOM, grants.stream().map(BrokerAccess::entry).toList())))
				.join());
	}

}
