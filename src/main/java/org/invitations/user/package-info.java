/** Console users and API keys: who may sign in to {@code serve} and with which role. */
package org.invitations.user;
