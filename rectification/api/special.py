"""Special rectification (专项整治) over HTTP: the rectifications, their work teams (专班) and
the teams' tasks, which close like measures under the same rules."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from campaign.api import campaign_in_body, visible_unit
from campaign.models import Unit, User
from rectification import selectors
from rectification.api.closures import ClosureActions
from rectification.api.common import fresh, validated
from rectification.models import Closure, SpecialRectification, SpecialTask, WorkTeam
from rectification.services import special as special_services


class SpecialTaskSerializer(serializers.ModelSerializer):
    owner_unit_name = serializers.CharField(source="owner_unit.name", read_only=True)
    overdue = serializers.SerializerMethodField(help_text="open past its deadline")
    status = serializers.CharField(read_only=True, help_text="open, closure_requested or closed")
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = SpecialTask
        fields = [
            "id",
            "team",
            "number",
            "title",
            "owner_unit",
            "owner_unit_name",
            "assigned_on",
            "deadline",
            "status",
            "status_display",
            "overdue",
            "closure_statement",
            "returned_reason",
            "closed_at",
        ]
        read_only_fields = ["number", "status", "overdue", "closure_statement", "returned_reason", "closed_at"]

    def get_overdue(self, task) -> bool:
        if hasattr(task, "overdue"):
            return task.overdue
        return task.status != SpecialTask.Status.CLOSED and task.deadline < timezone.localdate()


class WorkTeamSerializer(serializers.ModelSerializer):
    lead_unit_name = serializers.CharField(source="lead_unit.name", read_only=True)
    tasks = SpecialTaskSerializer(many=True, read_only=True, source="visible_tasks")

    class Meta:
        model = WorkTeam
        fields = ["id", "name", "lead_unit", "lead_unit_name", "member_units", "formed_on", "tasks"]


class SpecialRectificationSerializer(serializers.ModelSerializer):
    team_count = serializers.IntegerField(read_only=True)
    task_count = serializers.IntegerField(read_only=True)
    closed_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = SpecialRectification
        fields = ["id", "title", "plan_document", "plan_issued_on", "team_count", "task_count", "closed_count"]


class SpecialRectificationDetailSerializer(SpecialRectificationSerializer):
    teams = WorkTeamSerializer(many=True, read_only=True)

    class Meta(SpecialRectificationSerializer.Meta):
        fields = [*SpecialRectificationSerializer.Meta.fields, "teams"]


class WorkTeamInput(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    formed_on = serializers.DateField(required=False, help_text="the day the team was formed; today when left out")
    lead_unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())
    member_units = serializers.PrimaryKeyRelatedField(many=True, queryset=Unit.objects.all(), required=False)


class SpecialTaskInput(serializers.Serializer):
    team = serializers.PrimaryKeyRelatedField(queryset=WorkTeam.objects.all())
    title = serializers.CharField(max_length=300)
    owner_unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())
    deadline = serializers.DateField()
    assigned_on = serializers.DateField(required=False, help_text="the day the task was assigned; today when left out")


class SpecialRectificationViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Special rectifications (专项整治) with their work teams (专班) and task ledgers; the tasks
    shown are cut to the caller's units."""

    list_filters = selectors.LIST_FILTERS[SpecialRectification]

    def get_serializer_class(self):
        return SpecialRectificationDetailSerializer if self.action == "retrieve" else SpecialRectificationSerializer

    def get_queryset(self):
        return selectors.special_rectifications_visible_to(self.request.user).order_by("id")

    def retrieve(self, request, *args, **kwargs):
        try:
            item = selectors.special_rectification_detail(user=request.user, pk=kwargs["pk"])
        except SpecialRectification.DoesNotExist:
            return Response({"detail": _("Not found.")}, status=status.HTTP_404_NOT_FOUND)
        return Response(SpecialRectificationDetailSerializer(item).data)

    @extend_schema(request=WorkTeamInput, responses={201: WorkTeamSerializer})
    @action(detail=True, methods=["post"])
    def teams(self, request, pk=None):
        """The office forms a work team (专班) for this special rectification."""
        special = self.get_object()
        data = validated(WorkTeamInput(data=request.data))
        team = special_services.work_team_create(
            by=request.user,
            rectification=special,
            name=data["name"],
            lead_unit=data["lead_unit"],
            member_units=data.get("member_units", []),
            formed_on=data.get("formed_on"),
        )
        team.visible_tasks = []
        return Response(WorkTeamSerializer(team).data, status=status.HTTP_201_CREATED)

    def create(self, request, *args, **kwargs):
        data = validated(self.get_serializer(data=request.data))
        item = special_services.special_rectification_create(
            by=request.user, campaign=campaign_in_body(request), **data
        )
        return Response(fresh(self, item.pk), status=status.HTTP_201_CREATED)


class SpecialTaskViewSet(ClosureActions, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Tasks of the work teams, closed like measures under the same rules: `close/` by the owner
    (statement, result_percent, shortfall below 100%, evidence `files`), `sign-off/` or `return/`
    by a reviewer outside the unit, `reopen/` by the office with a reason. `overdue` marks an
    open task past its deadline."""

    serializer_class = SpecialTaskSerializer
    list_filters = selectors.LIST_FILTERS[SpecialTask]

    def get_queryset(self):
        return selectors.special_tasks_visible_to(self.request.user).order_by("team_id", "number")

    @extend_schema(request=SpecialTaskInput, responses=SpecialTaskSerializer)
    def create(self, request, *args, **kwargs):
        values = validated(SpecialTaskInput(data=request.data))
        values["owner_unit"] = visible_unit(user=request.user, pk=values["owner_unit"].pk)
        task = special_services.special_task_create(by=request.user, **values)
        return Response(SpecialTaskSerializer(task).data, status=status.HTTP_201_CREATED)

    def closure_request(self, task, *, by: User, data: dict, files: list) -> Closure:
        return special_services.special_task_request_closure(
            by=by,
            task=task,
            statement=data["statement"],
            result_percent=data["result_percent"],
            shortfall=data["shortfall"],
            files=files,
        )

    def closure_decide(self, task, *, by: User, approve: bool, text: str) -> Closure:
        return special_services.special_task_decide(by=by, task=task, approve=approve, reason=text)

    def closure_reopen(self, task, *, by: User, reason: str) -> Closure:
        return special_services.special_task_reopen(by=by, task=task, reason=reason)


class WorkTeamListSerializer(serializers.ModelSerializer):
    lead_unit_name = serializers.CharField(source="lead_unit.name", read_only=True)
    rectification_title = serializers.CharField(source="rectification.title", read_only=True)
    task_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = WorkTeam
        fields = ["id", "rectification", "rectification_title", "name", "lead_unit", "lead_unit_name", "formed_on"]
        fields += ["task_count"]


class WorkTeamViewSet(viewsets.ReadOnlyModelViewSet):
    """Work teams (工作专班) of every special rectification; formed through
    `special-rectifications/{id}/teams/`. Filters: `campaign`, `as_of` (formed by that day)."""

    serializer_class = WorkTeamListSerializer
    list_filters = selectors.LIST_FILTERS[WorkTeam]

    def get_queryset(self):
        return selectors.work_teams_visible_to(self.request.user).order_by("rectification_id", "id")
