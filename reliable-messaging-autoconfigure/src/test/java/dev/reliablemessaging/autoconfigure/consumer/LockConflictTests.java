package dev.reliablemessaging.autoconfigure.consumer;

import java.sql.SQLTransactionRollbackException;

import org.junit.jupiter.api.Test;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.transaction.TransactionSystemException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which failures are lock conflicts, tried again at once, and which of those are deadlocks, which a message handled
 * alone is tried once more for where no other transaction of its listener runs: not a lock wait that timed out,
 * which that would not avoid and during which the whole listener would wait.
 */
class LockConflictTests {

	@Test
	void aDeadlockOrASerializationFailureIsADeadlock() {
		Throwable deadlock = new PessimisticLockingFailureException("ERROR: deadlock detected");
		Throwable serialization = new TransactionSystemException("commit failed",
				new SQLTransactionRollbackException("could not serialize access", "40001"));
		assertThat(LockConflicts.lockConflict(deadlock)).isTrue();
		assertThat(LockConflicts.deadlock(deadlock)).isTrue();
		assertThat(LockConflicts.lockConflict(serialization)).isTrue();
		assertThat(LockConflicts.deadlock(serialization)).isTrue();
	}

	@Test
	void aLockWaitThatTimedOutIsAConflictButNoDeadlock() {
		Throwable timeout = new RuntimeException("handler failed",
				new CannotAcquireLockException("Lock wait timeout exceeded"));
		assertThat(LockConflicts.lockConflict(timeout)).isTrue();
		assertThat(LockConflicts.deadlock(timeout)).isFalse();
	}

	@Test
	void otherFailuresAreNeither() {
		Throwable duplicate = new DataIntegrityViolationException("duplicate key");
		assertThat(LockConflicts.lockConflict(duplicate)).isFalse();
		assertThat(LockConflicts.deadlock(duplicate)).isFalse();
	}

}
