"""Shared pieces of the HTTP API: pagination and error bodies people can act on."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework.filters import BaseFilterBackend
from rest_framework.pagination import PageNumberPagination
from rest_framework.views import exception_handler as drf_exception_handler


class Pagination(PageNumberPagination):
    """Pages of 50 (up to 200 with `page_size`). A list with figure filters (`list_filters` on the
    view, campaign/listfilters.py) answers `total=` with the summed or distinct-count `total` of
    every filtered row, not only the page's."""

    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_queryset(self, queryset, request, view=None):
        filters = getattr(view, "list_filters", None)
        self.total = filters.total(queryset, request.query_params) if filters is not None else None
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        if self.total is not None:
            response.data["total"] = self.total
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["total"] = {
            "type": "integer",
            "description": "With `total=<column>` or `total=distinct:<column>`: the sum, or the count of "
            "distinct values, over every filtered row.",
        }
        return schema


class ListFiltersBackend(BaseFilterBackend):
    """Applies a view's `list_filters` (campaign/listfilters.py: `as_of` and the filters that make
    a list show exactly the records behind a figure) and describes them in the schema."""

    def filter_queryset(self, request, queryset, view):
        filters = getattr(view, "list_filters", None)
        if filters is None or getattr(view, "action", "list") != "list":
            return queryset
        return filters.apply(queryset, request.query_params)

    def get_schema_operation_parameters(self, view):
        filters = getattr(view, "list_filters", None)
        if filters is None:
            return []
        described = []
        for name in filters.names():
            is_day = name == "as_of" or name in filters.days
            described.append(
                {
                    "name": name,
                    "required": False,
                    "in": "query",
                    "description": "A day, YYYY-MM-DD: the records as they stood that day."
                    if is_day
                    else "Filter of the campaign figures' lists.",
                    "schema": {"type": "string", "format": "date"} if is_day else {"type": "string"},
                }
            )
        if filters.sums or filters.counts or filters.distinct:
            totals = [*filters.sums, *filters.counts, *(f"distinct:{name}" for name in filters.distinct)]
            described.append(
                {
                    "name": "total",
                    "required": False,
                    "in": "query",
                    "description": "Adds `total` to the answer: " + ", ".join(totals),
                    "schema": {"type": "string", "enum": totals},
                }
            )
        return described


def exception_handler(exc, context):
    """DRF's handler, plus Django's ValidationError from services as a 400 with its messages."""
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            exc = serializers.ValidationError(exc.message_dict)
        else:
            exc = serializers.ValidationError({"detail": exc.messages})
    return drf_exception_handler(exc, context)
