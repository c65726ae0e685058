package org.invitations.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import org.invitations.lifecycle.InvitationAdmin;

/** {@code cancel}: revokes one invitation or every open invitation of a run; the links stop working at once. */
@Command(name = "cancel", mixinStandardHelpOptions = true,
		description = "Cancels open invitations: their links stop working at once; the history records who and why.")
class CancelCommand extends Subcommand implements Callable<Integer> {

	@ArgGroup(exclusive = true, multiplicity = "1")
	Target target;

	static class Target {

		@Option(names = "--invitation", paramLabel = "ID", description = "one invitation")
		Long invitation;

		@Option(names = "--execution", paramLabel = "ID", description = "every open invitation of that execution's run")
		Long execution;

	}

	@Option(names = "--reason", required = true, description = "why, for the history")
	String reason;

	@Option(names = "--by", defaultValue = "${sys:user.name}", description = "who cancels (default: the OS user)")
	String by;

	@Override
	public Integer call() {
		InvitationAdmin admin = bean(InvitationAdmin.class);
		if (target.invitation != null && !admin.exists(target.invitation)) {
			throw notFound("no invitation " + target.invitation);
		}
		int cancelled = admin.cancel(target.invitation, target.execution, "operator:" + by, reason);
		out().println(cancelled + " invitation" + (cancelled == 1 ? "" : "s") + " cancelled");
		return 0;
	}

}
