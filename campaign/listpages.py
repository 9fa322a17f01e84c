"""What every server-rendered list of records does the same way: the figure's own filters
(`LIST_FILTERS`: campaign, as of a day, flags, totals), a free-text search, pages of 50, and the
query string kept for the pager and the links. The rows come in already cut to what the person
may see (a selector), so a page cannot forget the access rule."""

from __future__ import annotations

from collections.abc import Callable

from django.core.paginator import Paginator
from django.db.models import QuerySet

from campaign.listfilters import ListFilters, parse_day

PER_PAGE = 50
SEARCH_MAX = 100


def listed_rows(
    request, rows: QuerySet, *, filters: ListFilters, search: Callable[[QuerySet, str], QuerySet] | None = None
) -> QuerySet:
    """Every row the page lists, on all its pages: the figure's filters, then the search. The
    page and its `.xlsx` export read the same rows through here."""
    rows = filters.apply(rows, request.GET)
    q = (request.GET.get("q") or "").strip()[:SEARCH_MAX]
    if q and search is not None:
        rows = search(rows, q)
    return rows


def list_context(
    request,
    rows: QuerySet,
    *,
    filters: ListFilters,
    search: Callable[[QuerySet, str], QuerySet] | None = None,
    per_page: int = PER_PAGE,
) -> dict:
    """The context of a list page: `page` (its `paginator.count` is what a figure counts), `q`,
    `query` (the filters without the page number), `as_of` and `total` (when `total=` asks)."""
    rows = listed_rows(request, rows, filters=filters, search=search)
    q = (request.GET.get("q") or "").strip()[:SEARCH_MAX]
    page = Paginator(rows, per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "page": page,
        "q": q,
        "query": query.urlencode(),
        "as_of": parse_day(request.GET.get("as_of")),
        "total": filters.total(rows, request.GET),
        "hidden": [(name, value) for name, value in request.GET.items() if name not in ("q", "page")],
    }
