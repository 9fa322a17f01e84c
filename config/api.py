"""Shared pieces of the HTTP API: pagination and error bodies people can act on."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.views import exception_handler as drf_exception_handler


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200


def exception_handler(exc, context):
    """DRF's handler, plus Django's ValidationError from services as a 400 with its messages."""
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            exc = serializers.ValidationError(exc.message_dict)
        else:
            exc = serializers.ValidationError({"detail": exc.messages})
    return drf_exception_handler(exc, context)
