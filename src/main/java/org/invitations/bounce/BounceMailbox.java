package org.invitations.bounce;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.FolderClosedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.StoreClosedException;
import jakarta.mail.UIDFolder;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.search.FlagTerm;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.stereotype.Component;

/**
 * {@code serve} reads the bounce mailbox every {@code poll-interval}: each message that
 * is a bounce or complaint of one of our invitations is applied, then moved to the
 * processed folder (or flagged seen and deleted where there is none). A message that
 * matches nothing is left where it is, counted once (metric
 * {@code invitations.bounces.mailbox.unmatched}, one log line) and marked with the
 * keyword {@value #UNMATCHED} where the server keeps keywords, so that it is not read
 * again; an admin looks at it. A mailbox that cannot be reached is named in one log line
 * and tried again at the next poll.
 */
@Component
@ConditionalOnWebApplication
@ConditionalOnProperty(prefix = "invitations.bounces.imap", name = "host")
public class BounceMailbox implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(BounceMailbox.class);

	/** The IMAP keyword of a message read and matched to nothing. */
	static final String UNMATCHED = "InvitationsUnmatched";

	private final BounceProperties.Imap imap;

	private final Bounces bounces;

	private final Counter unmatchedCounter;

	/** The unmatched messages seen at the last poll, by UIDVALIDITY and UID. */
	private Set<String> unmatchedSeen = new HashSet<>();

	private volatile MailboxStatus status;

	private ThreadPoolTaskScheduler scheduler;

	private volatile boolean running;

	public BounceMailbox(BounceProperties properties, Bounces bounces, ObjectProvider<MeterRegistry> meters) {
		this.imap = properties.imap();
		this.bounces = bounces;
		this.unmatchedCounter = meters.getIfAvailable(() -> Metrics.globalRegistry)
			.counter("invitations.bounces.mailbox.unmatched");
		this.status = new MailboxStatus(imap.describe(), null, 0, null);
	}

	@Override
	public void start() {
		scheduler = new ThreadPoolTaskScheduler();
		scheduler.setThreadNamePrefix("bounce-mailbox-");
		scheduler.initialize();
		running = true;
		log.info("Reading bounces from {} every {}", imap.describe(), imap.pollInterval());
		scheduler.scheduleWithFixedDelay(this::poll, imap.pollInterval());
	}

	@Override
	public void stop() {
		running = false;
		scheduler.shutdown();
	}

	@Override
	public boolean isRunning() {
		return running;
	}

	/** How the mailbox stood at its last poll. */
	public MailboxStatus status() {
		return status;
	}

	/** Reads the folder through once; a failure is logged in one line. */
	public synchronized MailboxStatus poll() {
		Store store = null;
		try {
			store = session().getStore(imap.ssl() ? "imaps" : "imap");
			store.connect(imap.host(), imap.port(), imap.username(), imap.password());
			Folder folder = store.getFolder(imap.folder());
			folder.open(Folder.READ_WRITE);
			int unmatched = read(store, folder);
			folder.close(true);
			status = new MailboxStatus(imap.describe(), Instant.now(), unmatched, null);
		}
		catch (MessagingException | RuntimeException ex) {
			String cause = cause(ex);
			log.warn("Bounce mailbox {} could not be read: {}; trying again in {}", imap.describe(), cause,
					imap.pollInterval());
			status = new MailboxStatus(imap.describe(), status.lastRead(), status.unmatched(), cause);
		}
		finally {
			close(store);
		}
		return status;
	}

	/** Applies what the open folder holds: @return how many messages match nothing. */
	private int read(Store store, Folder folder) throws MessagingException {
		Folder processed = imap.processedFolder().isBlank() ? null : store.getFolder(imap.processedFolder());
		boolean move = processed != null && processed.exists() && !processed.getFullName().equals(folder.getFullName());
		boolean keywords = folder.getPermanentFlags().contains(Flags.Flag.USER);
		long validity = ((UIDFolder) folder).getUIDValidity();
		Set<String> unmatchedNow = new HashSet<>();
		List<Message> done = new ArrayList<>();
		for (Message message : folder.search(new FlagTerm(new Flags(Flags.Flag.DELETED), false))) {
			String uid = validity + ":" + ((UIDFolder) folder).getUID(message);
			if (message.getFlags().contains(UNMATCHED) || unmatchedSeen.contains(uid)) {
				unmatchedNow.add(uid);
			}
			else if (matched(message)) {
				done.add(message);
			}
			else {
				unmatchedNow.add(uid);
				unmatchedCounter.increment();
				if (keywords) {
					message.setFlags(new Flags(UNMATCHED), true);
				}
				log.info("Bounce mailbox {}: message {} ({}) matches no invitation; left in place", imap.describe(),
						uid, subject(message));
			}
		}
		if (!done.isEmpty()) {
			Message[] messages = done.toArray(Message[]::new);
			if (move) {
				folder.copyMessages(messages, processed);
			}
			folder.setFlags(messages, new Flags(Flags.Flag.SEEN), true);
			folder.setFlags(messages, new Flags(Flags.Flag.DELETED), true);
		}
		unmatchedSeen = unmatchedNow;
		return unmatchedNow.size();
	}

	/** Whether a report of the message matched one of our invitations. */
	private boolean matched(Message message) throws MessagingException {
		List<BounceReport> reports;
		try {
			// Read from one copy of its bytes, parsed here: one fetch, and no reliance on
			// how well the server describes the parts of a report.
			reports = MailboxReports.read(new MimeMessage((MimeMessage) message));
		}
		catch (FolderClosedException | StoreClosedException ex) {
			throw ex;
		}
		catch (MessagingException | IOException | RuntimeException ex) {
			log.info("Bounce mailbox {}: message {} cannot be read as a report: {}", imap.describe(), subject(message),
					cause(ex));
			return false;
		}
		boolean matched = false;
		for (BounceReport report : reports) {
			matched |= bounces.apply(report) != Bounces.Outcome.UNMATCHED;
		}
		return matched;
	}

	private Session session() {
		Properties props = new Properties();
		String protocol = imap.ssl() ? "imaps" : "imap";
		String millis = Long.toString(imap.timeout().toMillis());
		props.put("mail." + protocol + ".connectiontimeout", millis);
		props.put("mail." + protocol + ".timeout", millis);
		props.put("mail." + protocol + ".writetimeout", millis);
		// Reading a message leaves it unread: one that matches nothing stays as it was.
		props.put("mail." + protocol + ".peek", "true");
		return Session.getInstance(props);
	}

	private static String subject(Message message) {
		try {
			return message.getSubject() == null ? "no subject" : "subject: " + message.getSubject();
		}
		catch (MessagingException ex) {
			return "no readable subject";
		}
	}

	/**
	 * The innermost cause's words, which name what went wrong (refused, unknown host).
	 */
	static String cause(Throwable ex) {
		Throwable cause = ex;
		while (cause.getCause() != null && cause.getCause() != cause) {
			cause = cause.getCause();
		}
		return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
	}

	private static void close(Store store) {
		if (store != null) {
			try {
				store.close();
			}
			catch (MessagingException ex) {
				// nothing more to do with it
			}
		}
	}

}
