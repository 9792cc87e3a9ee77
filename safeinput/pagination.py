"""One way to paginate every list that can grow: a bounded page, its number read safely, links that keep the query.

A page renders at most ``per_page`` rows whatever the size of the list, in two queries (the count and the page).
A page number that is not a number, or past the end, gives the last page (Django's ``get_page``), never a 500.
"""

from __future__ import annotations

from functools import cached_property

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PAGE_SIZE = 50


class CappedPaginator(Paginator):
    """A paginator that counts at most ``count_limit`` items (a COUNT over a LIMIT, bounded whatever the size of the
    list): past it ``capped`` is true, the count reads as the limit ("1000+") and the pages stop there."""

    def __init__(self, object_list, per_page, *, count_limit: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count_limit = count_limit
        self.capped = False

    @cached_property
    def count(self) -> int:
        items = self.object_list[: self.count_limit + 1]
        counted = items.count() if hasattr(items, "count") and not isinstance(items, list) else len(items)
        self.capped = counted > self.count_limit
        return min(counted, self.count_limit)


class KnownCountPaginator(Paginator):
    """A paginator told how many items the list holds (the caller counted them already): it does not count again."""

    def __init__(self, object_list, per_page, *, count: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.known = count

    @cached_property
    def count(self) -> int:
        return self.known


def paginate(
    request: HttpRequest,
    items,
    per_page: int = PAGE_SIZE,
    *,
    param: str = "page",
    count_limit: int | None = None,
    count: int | None = None,
) -> Page:
    """Return the requested page of ``items`` (a queryset or a list), with ``previous_query`` and ``next_query``:
    the current query string with only ``param`` changed, for the links of ``includes/pagination.html``.

    ``count_limit``: count at most that many (``page.paginator.capped`` says there are more), for a list whose
    matches can be many (a search of a large catalogue): its count then costs the same at any size. ``count``: how
    many items the list holds, when the caller knows it already (no COUNT query)."""
    raw = request.GET.get(param, "")
    if count is not None:
        paginator = KnownCountPaginator(items, per_page, count=count)
    elif count_limit:
        paginator = CappedPaginator(items, per_page, count_limit=count_limit)
    else:
        paginator = Paginator(items, per_page)
    page = paginator.get_page(raw[:12] if raw.isdigit() else 1)
    page.param = param
    page.previous_query = _query(request, param, page.previous_page_number()) if page.has_previous() else ""
    page.next_query = _query(request, param, page.next_page_number()) if page.has_next() else ""
    return page


def _query(request: HttpRequest, param: str, number: int) -> str:
    query = request.GET.copy()
    query[param] = str(number)
    return "?" + query.urlencode()
