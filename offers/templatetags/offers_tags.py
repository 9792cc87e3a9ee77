"""Template filters for rendering offer content safely."""

from django import template
from django.utils.safestring import mark_safe

from offers.validators import sanitize_description

register = template.Library()


@register.filter
def description_html(value) -> str:
    """Render a listing description: sanitised again at render time, whatever was stored."""
    return mark_safe(sanitize_description(value or ""))
