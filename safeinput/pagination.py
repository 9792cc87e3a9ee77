"""One way to paginate every list that can grow: a bounded page, its number read safely, links that keep the query.

A page renders at most ``per_page`` rows whatever the size of the list, in two queries (the count and the page).
A page number that is not a number, or past the end, gives the last page (Django's ``get_page``), never a 500.
"""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PAGE_SIZE = 50


def paginate(request: HttpRequest, items, per_page: int = PAGE_SIZE, *, param: str = "page") -> Page:
    """Return the requested page of ``items`` (a queryset or a list), with ``previous_query`` and ``next_query``:
    the current query string with only ``param`` changed, for the links of ``includes/pagination.html``."""
    raw = request.GET.get(param, "")
    page = Paginator(items, per_page).get_page(raw[:12] if raw.isdigit() else 1)
    page.param = param
    page.previous_query = _query(request, param, page.previous_page_number()) if page.has_previous() else ""
    page.next_query = _query(request, param, page.next_page_number()) if page.has_next() else ""
    return page


def _query(request: HttpRequest, param: str, number: int) -> str:
    query = request.GET.copy()
    query[param] = str(number)
    return "?" + query.urlencode()
