"""`{% confirm "go_live" %}` on a submit button: the question portal.js asks before the form posts."""

from django import template

from certification.confirmations import QUESTIONS

register = template.Library()


@register.simple_tag
def confirm(key: str, **params) -> str:
    """Return the data attributes that make the button ask the question ``key`` (filled with ``params``) first."""
    return QUESTIONS[key].about(**params).data_attributes()
