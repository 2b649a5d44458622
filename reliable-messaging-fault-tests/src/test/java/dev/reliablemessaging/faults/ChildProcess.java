package dev.reliablemessaging.faults;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A JVM the suite starts, waits for, and kills with SIGKILL. Its output is appended to a log file, so a process
 * started again after a kill continues the same log.
 */
final class ChildProcess {

	private static final Set<Process> running = ConcurrentHashMap.newKeySet();

	static {
		Runtime.getRuntime().addShutdownHook(new Thread(() -> running.forEach(Process::destroyForcibly)));
	}

	private final String name;

	private final List<String> command;

	private final Map<String, String> environment;

	private final Path log;

	private Process process;

	ChildProcess(String name, List<String> command, Map<String, String> environment, Path log) {
		this.name = name;
		this.command = command;
		this.environment = environment;
		this.log = log;
	}

	/**
	 * Flags of every child JVM: the quick compiler only. Four JVMs and PostgreSQL share two cores here; the optimising
	 * compiler's start-up work would slow every start and restart of a scenario by a third.
	 */
	private static final String QUICK_COMPILER = "-XX:TieredStopAtLevel=1";

	/** A command line that runs {@code mainClass} with this JVM's test class path. */
	static List<String> java(String heap, String mainClass, String... args) {
		List<String> command = new ArrayList<>(
				List.of(javaBinary(), "-Xmx" + heap, QUICK_COMPILER, "-cp", testClassPath(), mainClass));
		command.addAll(List.of(args));
		return command;
	}

	/** A command line that runs an executable jar. */
	static List<String> javaJar(String heap, Path jar, List<String> args) {
		// consumers rebalance every 2 s instead of 20 s, so a restarted service takes its queues back sooner
		List<String> command = new ArrayList<>(List.of(javaBinary(), "-Xmx" + heap, QUICK_COMPILER,
				"-Drocketmq.client.rebalance.waitInterval=2000", "-jar", jar.toString()));
		command.addAll(args);
		return command;
	}

	/** Starts the process and waits until {@code ready} holds. */
	void start(BooleanSupplier ready, Duration wait) {
		launch();
		awaitReady(ready, wait);
	}

	/** Starts the process without waiting, so that several can start at once; {@link #awaitReady} waits. */
	void launch() {
		ProcessBuilder builder = new ProcessBuilder(this.command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(this.log.toFile()));
		builder.environment().putAll(this.environment);
		try {
			this.process = builder.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start " + this.name, ex);
		}
		running.add(this.process);
	}

	/** Waits until the launched process is ready; kills it and fails if it is not within {@code wait}. */
	void awaitReady(BooleanSupplier ready, Duration wait) {
		long deadline = System.nanoTime() + wait.toNanos();
		while (!ready.getAsBoolean()) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException(this.name + " exited with " + this.process.exitValue() + "; see "
						+ this.log);
			}
			if (System.nanoTime() > deadline) {
				kill();
				throw new IllegalStateException(this.name + " was not ready within " + wait + "; see " + this.log);
			}
			pause(200);
		}
	}

	boolean isAlive() {
		return this.process != null && this.process.isAlive();
	}

	/** Whether the log has a line with {@code text} written after {@code offset} characters. */
	boolean logContains(String text, long offset) {
		String content = logText();
		return content.length() > offset && content.indexOf(text, (int) offset) >= 0;
	}

	long logLength() {
		return logText().length();
	}

	String logText() {
		try {
			return Files.exists(this.log) ? Files.readString(this.log, StandardCharsets.ISO_8859_1) : "";
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** SIGKILL: no shutdown hooks, no flushing, nothing handed back. */
	void kill() {
		if (this.process != null && this.process.isAlive()) {
			this.process.destroyForcibly();
			waitFor();
		}
	}

	/** SIGTERM and a wait, for the end of a scenario. */
	void stop() {
		if (this.process != null && this.process.isAlive()) {
			this.process.destroy();
			waitFor();
		}
	}

	private void waitFor() {
		try {
			if (!this.process.waitFor(60, TimeUnit.SECONDS)) {
				this.process.destroyForcibly().waitFor();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		running.remove(this.process);
	}

	private static String javaBinary() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

	private static String testClassPath() {
		String classPath = System.getProperty("surefire.test.class.path");
		return (classPath != null) ? classPath : System.getProperty("java.class.path").replace(';', File.pathSeparatorChar);
	}

	static void pause(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
