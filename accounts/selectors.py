"""Read-only queries about accounts and members, always scoped to the signed-in user."""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from accounts.models import Membership

SESSION_ACCOUNT_KEY = "publisher_account_id"


def memberships_for(user: AbstractBaseUser) -> QuerySet[Membership]:
    """Return the user's memberships with their accounts, in name order."""
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user=user).select_related("account").order_by("account__name", "pk")


def membership_current(user: AbstractBaseUser, session) -> Membership | None:
    """Return the membership of the account the user is working in: the chosen one, else their first."""
    memberships = list(memberships_for(user))
    if not memberships:
        return None
    chosen = session.get(SESSION_ACCOUNT_KEY)
    for membership in memberships:
        if membership.account_id == chosen:
            return membership
    return memberships[0]


def account_members(account_id: int) -> QuerySet[Membership]:
    return Membership.objects.filter(account_id=account_id).select_related("user").order_by("role", "user__email")
