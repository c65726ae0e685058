package org.invitations.invitation;

import java.util.List;

/**
 * The reason code of a report row ({@code job_report_item.reason}, free text in the
 * schema): a {@link SkipReason}, a {@link RejectReason} or a {@link DeliveryReason},
 * stored by its name.
 */
public sealed interface Reason permits SkipReason, RejectReason, DeliveryReason {

	String name();

	/** The value stored in the database. */
	default String dbValue() {
		return name();
	}

	/** The reason stored as this value, whichever enum has it. */
	static Reason of(String dbValue) {
		for (Class<? extends Enum<?>> type : List.of(SkipReason.class, RejectReason.class, DeliveryReason.class)) {
			for (Enum<?> reason : type.getEnumConstants()) {
				if (reason.name().equals(dbValue)) {
					return (Reason) reason;
				}
			}
		}
		throw new IllegalArgumentException("no such reason: " + dbValue);
	}

}
