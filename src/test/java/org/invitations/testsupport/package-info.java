/**
 * Test infrastructure shared by the integration tests: the database and a faulty SMTP
 * path.
 */
@NullMarked
package org.invitations.testsupport;

import org.jspecify.annotations.NullMarked;
