"""What the rectification endpoints share about a request: its validated input, the files sent
with it, the record read again after a write, and a rate limit answered as a 429."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rest_framework import serializers
from rest_framework.exceptions import Throttled

from rectification.services import public as public_services


def validated(serializer: serializers.Serializer) -> dict:
    """The serializer's input, checked (a 400 naming each field otherwise)."""
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def sent_files(request) -> list:
    """The files sent under `files` (none for a JSON body)."""
    return request.FILES.getlist("files") if hasattr(request, "FILES") else []


def fresh(view, pk: int) -> dict:
    """The record as the view lists it (with its annotations), read again after a write."""
    return view.get_serializer(view.get_queryset().get(pk=pk)).data


@contextmanager
def throttled_when_rate_limited() -> Iterator[None]:
    """A service's RateLimited (too many public requests from one address) answers 429."""
    try:
        yield
    except public_services.RateLimited as exc:
        raise Throttled(detail=str(exc))
