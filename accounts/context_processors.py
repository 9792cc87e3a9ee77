"""Template context for the account switcher."""

from accounts.selectors import memberships_for


def accounts(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    membership = request.membership
    return {
        "current_membership": membership if membership else None,
        "user_memberships": memberships_for(user),
    }
