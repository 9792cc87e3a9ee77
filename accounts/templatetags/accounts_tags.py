"""Template tags of publisher accounts: the readiness checklist and what the account still lacks, anywhere."""

from django import template

from accounts.readiness import account_readiness

register = template.Library()


def _readiness_context(context) -> dict:
    membership = context.get("current_membership")
    return {
        "readiness": account_readiness(membership.account) if membership else None,
        "current_membership": membership,
    }


@register.inclusion_tag("accounts/_checklist.html", takes_context=True)
def account_checklist(context):
    """Show the steps to a ready account (legal info, agreement, verification) until it is ready."""
    return _readiness_context(context)


@register.inclusion_tag("accounts/_lacks.html", takes_context=True)
def account_lacks(context):
    """Show what the account still lacks before business eligibility can pass, with links to fix it."""
    return _readiness_context(context)
