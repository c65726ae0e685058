/** Test infrastructure shared by the integration tests: the database and a faulty SMTP path. */
package org.invitations.testsupport;
