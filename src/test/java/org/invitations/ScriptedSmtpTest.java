package org.invitations;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import org.invitations.testsupport.ScriptedSmtpServer;

/**
 * Integration tests whose mail goes to a scripted SMTP server, one per test, that
 * misbehaves as told.
 */
abstract class ScriptedSmtpTest extends IntegrationTest {

	protected ScriptedSmtpServer server;

	@BeforeEach
	void scriptedServer() {
		server = ScriptedSmtpServer.start();
		SMTP_PATH.retarget(server.port());
	}

	@AfterEach
	void stopScriptedServer() {
		server.close();
	}

	/** A spec named {@code name} over a CSV of {@code n} people. */
	protected String people(String name, int n) throws Exception {
		write(name + ".csv", peopleCsv(n));
		return spec(name, name + ".csv").toString();
	}

}
