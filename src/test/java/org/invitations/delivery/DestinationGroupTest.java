package org.invitations.delivery;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.invitations.delivery.DestinationGroup.Admission;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A group's budget: its turn within the wait or held back, its connections, and its rate
 * halved by a refusal that names one, then grown back each cool-down.
 */
class DestinationGroupTest {

	private static final long WAIT = Duration.ofMillis(30).toNanos();

	@Test
	void aTurnFurtherAwayThanTheWaitIsHeldBackWithoutTakingASlot() {
		DestinationGroup group = new DestinationGroup("google", 10, 0, Duration.ofMinutes(1));

		assertThat(group.admit(WAIT, () -> false)).isEqualTo(Admission.ADMITTED);
		group.release();
		long start = System.nanoTime();
		assertThat(group.admit(WAIT, () -> false)).isEqualTo(Admission.HELD_BACK);
		assertThat(System.nanoTime() - start).isLessThan(WAIT);
		// Waiting as long as needed, it gets the next slot: a tenth of a second after the
		// first.
		assertThat(group.admit(Long.MAX_VALUE, () -> false)).isEqualTo(Admission.ADMITTED);
		assertThat(System.nanoTime() - start).isGreaterThan(Duration.ofMillis(80).toNanos());
	}

	@Test
	void itsConnectionsAreHeldFromItsTurnToTheReply() {
		DestinationGroup group = new DestinationGroup("microsoft", 0, 1, Duration.ofMinutes(1));

		assertThat(group.admit(WAIT, () -> false)).isEqualTo(Admission.ADMITTED);
		assertThat(group.admit(WAIT, () -> false)).isEqualTo(Admission.HELD_BACK);
		assertThat(group.admit(Long.MAX_VALUE, () -> true)).isEqualTo(Admission.GAVE_UP);
		group.release();
		assertThat(group.admit(WAIT, () -> false)).isEqualTo(Admission.ADMITTED);
	}

	@Test
	void aRateRefusalHalvesTheRateOnceThenItGrowsBackEachCoolDown() throws Exception {
		DestinationGroup group = new DestinationGroup("yahoo", 100, 0, Duration.ofMillis(40));
		long before = System.nanoTime();
		assertThat(group.admit(WAIT, () -> false)).isEqualTo(Admission.ADMITTED);
		group.release();

		assertThat(group.slowDown(before)).isTrue();
		assertThat(group.perSecond()).isEqualTo(50);
		// Refused too, but given its turn before the group slowed down: no second
		// halving.
		assertThat(group.slowDown(before)).isFalse();
		assertThat(group.perSecond()).isEqualTo(50);

		Thread.sleep(45);
		group.admit(Long.MAX_VALUE, () -> false);
		group.release();
		assertThat(group.perSecond()).isCloseTo(66.7, org.assertj.core.data.Offset.offset(0.1));
		Thread.sleep(90);
		group.admit(Long.MAX_VALUE, () -> false);
		group.release();
		assertThat(group.perSecond()).isEqualTo(100);
	}

	@Test
	void aGroupWithoutARateIsSlowedFromTheRateItWasSendingAt() {
		DestinationGroup group = new DestinationGroup("parish", 0, 0, Duration.ofMinutes(1));
		assertThat(group.perSecond()).isZero();
		long before = System.nanoTime();
		for (int i = 0; i < 3; i++) {
			group.admit(WAIT, () -> false);
			group.release();
		}

		assertThat(group.slowDown(before)).isTrue();
		assertThat(group.perSecond()).isPositive().isLessThanOrEqualTo(500);
	}

}
