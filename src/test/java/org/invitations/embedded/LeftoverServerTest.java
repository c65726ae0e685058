package org.invitations.embedded;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class LeftoverServerTest {

	@TempDir
	Path data;

	@Test
	void aPostmasterPidOfAProcessThatIsGoneIsRemoved() throws Exception {
		Process gone = new ProcessBuilder("true").start();
		gone.waitFor();
		postmasterPid(gone.pid());

		LeftoverServer.clear(data);

		assertThat(data.resolve("postmaster.pid")).doesNotExist();
	}

	@Test
	void aPostmasterPidWhosePidNowBelongsToAnotherProgramIsRemoved() throws Exception {
		// This JVM is alive, but no PostgreSQL: PostgreSQL itself would take the file for
		// a server still running.
		postmasterPid(ProcessHandle.current().pid());

		LeftoverServer.clear(data);

		assertThat(data.resolve("postmaster.pid")).doesNotExist();
	}

	@Test
	void aFolderHeldByALiveProcessIsLeftAlone() throws Exception {
		postmasterPid(ProcessHandle.current().pid());
		try (FileChannel channel = FileChannel.open(data.resolve("epg-lock"), StandardOpenOption.CREATE,
				StandardOpenOption.WRITE); FileLock lock = channel.lock()) {

			LeftoverServer.clear(data);

			assertThat(data.resolve("postmaster.pid")).exists();
		}
	}

	@Test
	void noServerAnsweringForAHeldFolderIsReportedAsNone() throws Exception {
		postmasterPid(ProcessHandle.current().pid());

		assertThat(LeftoverServer.awaitPort(data, Duration.ofMillis(300))).isEqualTo(-1);
	}

	private void postmasterPid(long pid) throws Exception {
		// Port 1, where nothing listens.
		Files.writeString(data.resolve("postmaster.pid"), pid + "\n" + data + "\n1700000000\n1\n/tmp\nlocalhost\n");
	}

}
