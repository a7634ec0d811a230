"""Pages of accounts: sign-in by SMS code, sign-up, invitations, recovery, phone change."""
