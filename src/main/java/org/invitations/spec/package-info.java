/**
 * Job specs: the YAML files that describe a run, read and validated into records, every
 * error naming file and key.
 */
@NullMarked
package org.invitations.spec;

import org.jspecify.annotations.NullMarked;
