"""Accounts: proving a phone with a code, signing in and up, invitations, recovery, and a
change of phone number. Messages that carry a secret leave through `delivery`; the rest
through domain events."""
