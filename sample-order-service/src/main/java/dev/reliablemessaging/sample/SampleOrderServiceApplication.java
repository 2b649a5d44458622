package dev.reliablemessaging.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * An order service and a warehouse in one application, talking only through RocketMQ with the reliable messaging
 * starter: orders publish {@code OrderPlaced}, the warehouse reserves stock and answers {@code StockReserved} or
 * {@code StockRejected}, and the order is confirmed or rejected.
 */
@SpringBootApplication
public class SampleOrderServiceApplication {

	public static void main(String[] args) {
		SpringApplication.run(SampleOrderServiceApplication.class, args);
	}

}
