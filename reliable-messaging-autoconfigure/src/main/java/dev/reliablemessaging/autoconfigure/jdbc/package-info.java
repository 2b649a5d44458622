/**
 * Internal: the starter's tables, configured once for the outbox and the consumer. The DataSource that holds them
 * (the qualified, single or primary one) and the check that refuses connections outside a transaction, the SQL
 * dialect of each supported database, the table names, the schema migration, and the timestamp and time-bound
 * connection helpers.
 */
@NullMarked
package dev.reliablemessaging.autoconfigure.jdbc;

import org.jspecify.annotations.NullMarked;
