package org.invitations.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import org.invitations.lifecycle.Redemption;
import org.invitations.lifecycle.TokenRedeemer;

/**
 * {@code redeem TOKEN} and {@code redeem --inspect TOKEN}: what the host application's
 * set-password page does, for operators and tests. Exit code 0 when the token was good, 1
 * when it was refused.
 */
@Command(name = "redeem", mixinStandardHelpOptions = true,
		description = { "Redeems a token from a link (once), or with --inspect only checks it without using it up.",
				"Exit code 0 when the token is good, 1 when it is refused." })
class RedeemCommand extends Subcommand implements Callable<Integer> {

	@Parameters(paramLabel = "TOKEN", description = "the token parameter of the link")
	String token;

	@Option(names = "--inspect", description = "check only: valid or not, for whom, until when; the token stays usable")
	boolean inspect;

	@Option(names = "--by", defaultValue = "${sys:user.name}", description = "who redeems, for the history")
	String by;

	@Override
	public Integer call() {
		TokenRedeemer redeemer = bean(TokenRedeemer.class);
		Redemption result = inspect ? redeemer.inspect(token, "invitations-cli")
				: redeemer.redeem(token, "operator:" + by);
		var out = out();
		if (result.isSuccess()) {
			// An invitation sent again in doubt has two working links: the host's support
			// staff see which one this was.
			String link = result.link() != null ? result.link().description() : "link";
			out.printf("%s: %s %s for %s (invitation %d)%s%n", result.status(), result.kind(), link, result.email(),
					result.invitationId(), result.expiresAt() != null ? ", valid until " + result.expiresAt() : "");
			return 0;
		}
		out.println(result.status() + ": this link cannot be used"
				+ (result.status() == Redemption.Status.EXPIRED ? " any more; ask for a new one" : ""));
		return InvitationsCommand.JOB_FAILED;
	}

}
