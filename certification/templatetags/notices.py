"""`{% notices_unread as n %}`: the number of unread entries in the signed-in user's bell (one query)."""

from django import template

from certification.selectors import notices_unread

register = template.Library()


@register.simple_tag(takes_context=True)
def notices_unread_count(context) -> int:
    user = getattr(context.get("request"), "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return notices_unread(user)
