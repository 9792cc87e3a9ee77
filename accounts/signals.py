"""Signals of publisher accounts, for the apps above that must react to them (accounts imports none of them)."""

from django.dispatch import Signal

# Sent once the transaction that decided an account's verification has committed, with ``account_id`` and
# ``verification`` (the account's new status). Certification resumes the submissions that waited for it.
account_verification_decided = Signal()
