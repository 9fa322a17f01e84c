"""Shared pieces of the HTTP API: pagination, body parsing, the schema's shape and error bodies
people can act on (README, "API": every error is JSON with a `detail` or per-field messages)."""

import copy

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, serializers, status
from rest_framework.filters import BaseFilterBackend
from rest_framework.pagination import PageNumberPagination
from rest_framework.views import exception_handler as drf_exception_handler

from config.errors import DATABASE_ERRORS, unavailable_response


class BuiltOnceFields:
    """For a ModelSerializer on a hot path: its fields are worked out from the model once per
    process and each instance gets a deep copy, as DRF copies declared fields (the model
    introspection was a third of serialising a weekly report; bench/README.md, section 5)."""

    _built_fields: dict = {}

    def get_fields(self):
        built = BuiltOnceFields._built_fields.get(type(self))
        if built is None:
            built = BuiltOnceFields._built_fields[type(self)] = super().get_fields()
        return copy.deepcopy(built)


class Pagination(PageNumberPagination):
    """Pages of 50 (up to 200 with `page_size`). A list with figure filters (`list_filters` on the
    view, campaign/listfilters.py) answers `total=` with the summed or distinct-count `total` of
    every filtered row, not only the page's."""

    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_queryset(self, queryset, request, view=None):
        filters = getattr(view, "list_filters", None)
        # The figure filters are the list's own (as in ListFiltersBackend): an extra paginated
        # action (`owed/`, `values/`) lists other rows and takes no `total=`.
        if filters is not None and getattr(view, "action", "list") == "list":
            self.total = filters.total(queryset, request.query_params)
        else:
            self.total = None
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


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("This change conflicts with the records as they stand; reload them and try again.")
    default_code = "conflict"


def exception_handler(exc, context):
    """DRF's handler, plus: Django's ValidationError from services as a 400 with its messages; a
    delete refused because other records point to the row (ProtectedError) or a write refused by
    a database constraint as a 409; the database unreachable as a 503 with Retry-After. Anything
    else DRF does not know is left to config.errors (a JSON 500, logged)."""
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            exc = serializers.ValidationError(exc.message_dict)
        else:
            exc = serializers.ValidationError({"detail": exc.messages})
    elif isinstance(exc, (ProtectedError, RestrictedError)):
        exc = Conflict(_("Other records still point to this one; change or remove those first."))
    elif isinstance(exc, IntegrityError):
        exc = Conflict()
    elif isinstance(exc, DATABASE_ERRORS):
        return unavailable_response(context["request"]._request)
    elif isinstance(exc, Http404):
        # Django's "No Measure matches the given query." is English whatever the language asked
        # (and names the model): the caller gets DRF's own translated "Not found." instead.
        exc = exceptions.NotFound()
    return drf_exception_handler(exc, context)
