"""The API's default filter backend, in a module of its own: DRF reads its default backends
while the viewsets' module is being imported, so it may not live in `campaign/api.py`."""

from django.db.models import QuerySet
from rest_framework.filters import BaseFilterBackend

from campaign import choice, selectors


class CampaignFilter(BaseFilterBackend):
    """`?campaign=<id>` on every list of records that belong to a campaign: only that campaign's
    records. A campaign the caller may not see answers 404. (The default filter backend, so no
    list can forget it; a viewset may name its path with `campaign_path`.)"""

    def filter_queryset(self, request, queryset, view):
        raw = request.query_params.get(choice.QUERY_PARAM, "").strip()
        if not raw or not isinstance(queryset, QuerySet):
            return queryset
        path = getattr(view, "campaign_path", None) or selectors.campaign_path(queryset.model)
        if path is None:
            return queryset
        return queryset.filter(**{path: choice.campaign_visible(request.user, raw).pk})

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": choice.QUERY_PARAM,
                "required": False,
                "in": "query",
                "description": "Only the records of this campaign (id).",
                "schema": {"type": "integer"},
            }
        ]
