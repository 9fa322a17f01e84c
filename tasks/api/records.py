"""What the record endpoints share: a viewset whose writes go through the services, and a
serializer base with the unit, the campaign and who entered the record."""

from __future__ import annotations

from django.db.models import ProtectedError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from campaign.api import campaign_in_body, query_int
from campaign.models import Campaign, Unit
from config.api import Conflict
from tasks.services.records import record_delete

LEVEL = OpenApiParameter("level", str, enum=["city", "unit"])
UNIT = OpenApiParameter("unit", int)
SEARCH = OpenApiParameter("search", str)


class RecordSerializer(serializers.ModelSerializer):
    campaign = serializers.PrimaryKeyRelatedField(queryset=Campaign.objects.all(), required=False)
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), required=False, allow_null=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True, default=None)
    work_line = serializers.CharField(source="work_line.code", read_only=True, help_text="The work line's code.")

    COMMON = ["id", "campaign", "work_line", "unit", "unit_name"]
    READ_ONLY = ["created_at", "updated_at"]


def query_choice(request, name: str) -> bool | None:
    """A yes/no filter: `true`/`1`/`yes`, `false`/`0`/`no`, or absent (None: no filter)."""
    raw = request.query_params.get(name, "").strip().lower()
    return {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}.get(raw)


class RecordViewSet(viewsets.ModelViewSet):
    """Reads come from a selector cut to the caller; writes call `create_service` /
    `update_service` (keyword-only, `by=`), which hold the rules and the access checks.

    The list reads `list_selector` with the query parameters declared once in `list_params`
    (the selector's keyword → the parameter, whose type says how it is read); the schema
    documents the same parameters."""

    create_service = None
    update_service = None
    instance_arg = ""  # the update service's keyword for the record
    list_selector = None
    list_params: dict[str, OpenApiParameter] = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.__dict__.get("list_params"):
            extend_schema_view(list=extend_schema(parameters=list(cls.list_params.values())))(cls)

    def get_queryset(self):
        return self.listed()

    def listed(self):
        """The list as the query asks for it, through the selector (cut to the caller)."""
        values = {}
        for keyword, param in self.list_params.items():
            if param.type is int:
                values[keyword] = query_int(self.request, param.name)
            elif param.type is bool:
                values[keyword] = query_choice(self.request, param.name)
            else:
                values[keyword] = self.params().get(param.name, "")
        return type(self).list_selector(user=self.request.user, **values)

    def campaign_for(self, data: dict) -> Campaign:
        """`campaign` in the body (one the caller may see), else the unit's, else the campaign
        the request is about."""
        data.pop("campaign", None)
        unit = data.get("unit")
        if unit is not None and self.request.data.get("campaign") in (None, ""):
            return unit.campaign
        return campaign_in_body(self.request)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        campaign = self.campaign_for(data)
        serializer.instance = type(self).create_service(by=self.request.user, campaign=campaign, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("campaign", None)
        record = serializer.instance
        serializer.instance = type(self).update_service(by=self.request.user, **{self.instance_arg: record}, **data)
        self._updated = serializer.instance

    def update(self, request, *args, **kwargs):
        super().update(request, *args, **kwargs)
        # A PATCH answers the whole record, as the schema declares: DRF's partial serializer
        # would leave out the names read through an empty relation (`unit_name` of a city-level
        # record, `leader_name` of a topic without a leader) instead of giving them as null.
        return Response(self.get_serializer(self._updated).data)

    def perform_destroy(self, instance):
        try:
            record_delete(record=instance, by=self.request.user)
        except ProtectedError as exc:
            raise Conflict(_("Other records point to this one (measures, documents…); change those first.")) from exc

    def params(self):
        return self.request.query_params
