"""The key-task list over HTTP: everyone reads what they may see; the office edits."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from campaign.api import campaign_in_body, query_int
from campaign.listfilters import parse_day
from campaign.models import Campaign, Unit, WorkLine
from campaign.services import require_office
from tasks.models import KeyTask
from tasks.selectors.keytasks import KEY_TASK_FILTERS, cooperating_units_of, key_task_list
from tasks.services import keytasks as services


class CooperatingUnitsField(serializers.ManyRelatedField):
    """The cooperating units as a list of ids. Written as before (each id checked against the
    units); read from the ids the list attached to its page's tasks (`cooperating_unit_ids`,
    one query over the link table), not from Unit instances: a page of 50 tasks at 10,000 units
    cooperates with ~33,000 of them. A task without them (one just created, updated or read on
    its own) has its ids read for it alone."""

    def __init__(self, **kwargs):
        super().__init__(child_relation=serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all()), **kwargs)

    def get_attribute(self, instance):
        ids = getattr(instance, "cooperating_unit_ids", None)
        return ids if ids is not None else cooperating_units_of([instance])[instance.pk]

    def to_representation(self, iterable):
        return list(iterable)


class KeyTaskSerializer(serializers.ModelSerializer):
    campaign = serializers.PrimaryKeyRelatedField(
        queryset=Campaign.objects.all(), required=False, help_text="Default: the campaign the request is about."
    )
    work_line = serializers.SlugRelatedField(
        slug_field="code",
        queryset=WorkLine.objects.all(),
        error_messages={"does_not_exist": gettext_lazy("There is no work line with the code “{value}”.")},
    )
    lead_unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())
    cooperating_units = CooperatingUnitsField(required=False)
    lead_unit_name = serializers.CharField(source="lead_unit.name", read_only=True)
    status = serializers.CharField(read_only=True)
    latest_value = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True, allow_null=True)
    light = serializers.CharField(
        read_only=True, help_text="green, blue (deadline near), yellow (behind or not acknowledged), red, closed."
    )
    acknowledged_at = serializers.DateTimeField(read_only=True, allow_null=True)
    acknowledged_by = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = KeyTask
        fields = [
            "id",
            "campaign",
            "number",
            "title",
            "work_line",
            "lead_unit",
            "lead_unit_name",
            "cooperating_units",
            "assigned_on",
            "deadline",
            "done_definition",
            "metric_unit",
            "metric_target",
            "status",
            "latest_value",
            "light",
            "acknowledged_at",
            "acknowledged_by",
        ]
        validators = []


class KeyTaskViewSet(viewsets.ModelViewSet):
    """Key tasks; `status` is derived from the lead unit's reports (not_started, in_progress,
    done, overdue) and `light` is the warning light (campaign/lights.py). Filters: `search`,
    `work_line` (code), `unit`, `status`, `campaign`, `light`, `unacknowledged=1`."""

    serializer_class = KeyTaskSerializer
    list_filters = KEY_TASK_FILTERS

    @extend_schema(
        parameters=[
            OpenApiParameter("search", str),
            OpenApiParameter("work_line", str),
            OpenApiParameter("unit", int),
            OpenApiParameter("status", str, enum=["not_started", "in_progress", "done", "overdue"]),
            OpenApiParameter("campaign", int),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        tasks = key_task_list(
            user=self.request.user,
            search=params.get("search", ""),
            work_line=params.get("work_line", ""),
            unit_id=query_int(self.request, "unit"),
            status=params.get("status", ""),
            # Status and light as they stood on `as_of`, as the list filters (`light`) choose.
            today=parse_day(params.get("as_of")),
        )
        campaign_id = query_int(self.request, "campaign")
        return tasks.filter(campaign_id=campaign_id) if campaign_id else tasks

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None:
            ids_by_task = cooperating_units_of(page)
            for task in page:
                task.cooperating_unit_ids = ids_by_task[task.pk]
        return page

    def create(self, request, *args, **kwargs):
        require_office(request.user, _("edit the key-task list"))
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("campaign", None)
        campaign = campaign_in_body(self.request)
        task = services.keytask_create(by=self.request.user, campaign=campaign, **data)
        serializer.instance = self._as_listed(task)

    def update(self, request, *args, **kwargs):
        require_office(request.user, _("edit the key-task list"))
        return super().update(request, *args, **kwargs)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("campaign", None)
        task = services.keytask_update(task=serializer.instance, by=self.request.user, **data)
        serializer.instance = self._as_listed(task)

    def _as_listed(self, task):
        """The task as the list shows it, with its derived `status` and `latest_value`, so a
        write answers every field the schema declares."""
        listed = key_task_list(user=self.request.user).get(pk=task.pk)
        listed.cooperating_unit_ids = cooperating_units_of([listed])[listed.pk]
        return listed

    @extend_schema(request=None, responses=KeyTaskSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        """签收: a liaison of the lead unit acknowledges the task (once)."""
        task = services.keytask_acknowledge(task=self.get_object(), by=request.user)
        return Response(self.get_serializer(self._as_listed(task)).data)

    def perform_destroy(self, instance):
        services.keytask_delete(task=instance, by=self.request.user)


def register(router) -> None:
    router.register("key-tasks", KeyTaskViewSet, basename="key-task")
