package dev.reliablemessaging.sample.orders;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/**
 * The body of {@code POST /orders}.
 */
public record PlaceOrderRequest(@NotBlank @Size(max = 100) String sku,
		@NotNull @Min(1) @Max(10_000) Integer quantity) {
}
