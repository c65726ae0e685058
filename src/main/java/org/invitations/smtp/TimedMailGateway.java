package org.invitations.smtp;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.mail.Session;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.stereotype.Component;
import org.invitations.mail.PreparedMessage;

/**
 * Times each message from its hand-over to the server's reply
 * ({@code invitations.smtp.reply}, tagged with the outcome), by wrapping the mail
 * gateway: delivery itself is untouched. Recording a timer is a few atomic additions, no
 * lock.
 */
@Component
class TimedMailGateway implements BeanPostProcessor {

	private final ObjectProvider<MeterRegistry> registry;

	TimedMailGateway(ObjectProvider<MeterRegistry> registry) {
		this.registry = registry;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof MailGateway gateway && !(bean instanceof Timed)) {
			MeterRegistry meters = registry.getIfAvailable();
			return meters == null ? bean : new Timed(gateway, meters);
		}
		return bean;
	}

	private record Timed(MailGateway gateway, MeterRegistry meters,
			Map<SendResult.Status, Timer> timers) implements MailGateway {

		// One timer per reply status, looked up once: registering by name and tags on
		// every message cost more than
		// the recording itself.
		Timed(MailGateway gateway, MeterRegistry meters) {
			this(gateway, meters, new ConcurrentHashMap<>());
		}

		@Override
		public Session session() {
			return gateway.session();
		}

		@Override
		public String describe() {
			return gateway.describe();
		}

		@Override
		public Connection open() {
			Connection connection = gateway.open();
			return new Connection() {
				@Override
				public SendResult send(PreparedMessage message) {
					long start = System.nanoTime();
					return timed(start, connection.send(message));
				}

				@Override
				public SendResult send(PreparedMessage message, @Nullable PreparedMessage next) {
					long start = System.nanoTime();
					return timed(start, connection.send(message, next));
				}

				@Override
				public void close() {
					connection.close();
				}
			};
		}

		private SendResult timed(long start, SendResult result) {
			timers
				.computeIfAbsent(result.status(),
						status -> Timer.builder("invitations.smtp.reply")
							.description("from handing a message to the mail server to its reply")
							.tag("status", status.name())
							.register(meters))
				.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
			return result;
		}

	}

}
