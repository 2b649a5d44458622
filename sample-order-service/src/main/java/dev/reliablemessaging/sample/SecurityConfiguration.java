package dev.reliablemessaging.sample;

import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Who may do what: the order API and the health status are open; every other actuator endpoint (metrics, the
 * {@code reliablemessaging} endpoint that replays and removes dead rows and releases parked keys) needs a user with
 * the OPERATOR role, over HTTP basic. The API is stateless JSON without cookies, so there is no session for a
 * cross-site request to ride on and CSRF protection is off. Copy it with your own users (the sample's operator is
 * {@code spring.security.user.*}, its password from {@code SAMPLE_OPERATOR_PASSWORD}).
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

	@Bean
	SecurityFilterChain securityFilterChain(HttpSecurity http) throws Exception {
		http.authorizeHttpRequests((requests) -> requests.requestMatchers(EndpointRequest.to(HealthEndpoint.class))
			.permitAll()
			.requestMatchers(EndpointRequest.toAnyEndpoint())
			.hasRole("OPERATOR")
			.anyRequest()
			.permitAll())
			.httpBasic(Customizer.withDefaults())
			.csrf((csrf) -> csrf.disable())
			.sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
		return http.build();
	}

}
