/** Console users and API keys: who may sign in to {@code serve} and with which role. */
@NullMarked
package org.invitations.user;

import org.jspecify.annotations.NullMarked;
