/**
 * Scale-out: worker processes, on this host or others, that share a run's deliver step
 * through Spring Batch partitioning over the job repository in PostgreSQL. The manager
 * cuts a run's queue into partitions and waits for them; workers take partitions from a
 * queue table, each holding a lease by its heartbeat; a partition whose worker's lease
 * lapsed is taken over by another.
 */
@NullMarked
package org.invitations.worker;

import org.jspecify.annotations.NullMarked;
