package dev.reliablemessaging.autoconfigure;

/**
 * Where the starter's RocketMQ clients connect: the embedded broker's name server or the configured one.
 */
record RocketMqEndpoint(String nameServer, boolean embedded) {
}
