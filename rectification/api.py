"""The rectification app's HTTP face. Lists and details come from the selectors (cut by the
access policy, so another unit's record is 404); every action with a rule calls a service
(so a forbidden one is 403)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import Throttled
from rest_framework.response import Response

from campaign.api import campaign_in_body, query_bool, query_int
from campaign.client import client_address
from campaign.models import Unit, User
from campaign.selectors import is_liaison, is_office, units_visible_to
from campaign.text import LONG_TEXT
from config.files import FileDownloadViewSet, file_url
from rectification import selectors
from rectification.models import (
    ArenaRound,
    Closure,
    Evidence,
    Extension,
    Measure,
    MeasureProgress,
    PetitionCase,
    Problem,
    PublicReport,
    PublicReportAttachment,
    SiteVisit,
    SpecialRectification,
    SpecialTask,
    TvQuestion,
    TvSession,
    WorkTeam,
)
from rectification.models.public import Triage
from rectification.services import measures as measure_services
from rectification.services import public as public_services
from rectification.services import special as special_services


def _campaign_for(request):
    return campaign_in_body(request)


def _visible_unit(request, pk) -> Unit:
    if pk in (None, ""):
        raise serializers.ValidationError({"unit": _("Choose a unit.")})
    return get_object_or_404(units_visible_to(request.user), pk=pk)


# --- serializers -----------------------------------------------------------------------


class ProblemSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    level_display = serializers.CharField(source="get_level_display", read_only=True)
    source_display = serializers.CharField(source="get_source_display", read_only=True)
    status = serializers.CharField(read_only=True, help_text="no_measures, in_progress or closed")
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    measure_count = serializers.IntegerField(read_only=True)
    closed_count = serializers.IntegerField(read_only=True)
    red_count = serializers.IntegerField(read_only=True)
    yellow_count = serializers.IntegerField(read_only=True)
    report_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Problem
        fields = [
            "id",
            "campaign",
            "code",
            "title",
            "description",
            "level",
            "level_display",
            "unit",
            "unit_name",
            "source",
            "source_display",
            "category",
            "severity",
            "found_on",
            "status",
            "status_display",
            "closed_at",
            "measure_count",
            "closed_count",
            "red_count",
            "yellow_count",
            "report_count",
        ]
        read_only_fields = ["campaign", "status", "closed_at"]
        extra_kwargs = {
            "code": {"required": False},
            "unit": {"queryset": Unit.objects.all()},
            # Entered by the caller when the problem was found before today; default today.
            "found_on": {"required": False},
        }
        validators = []


class ProblemViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The problem list (问题清单), cut to what the caller may see. Filters: `level`, `status`,
    `source`, `unit`, `light` (problems with a measure of that light), `search`."""

    serializer_class = ProblemSerializer
    list_filters = selectors.LIST_FILTERS[Problem]

    @extend_schema(
        parameters=[
            OpenApiParameter("level", str, enum=Problem.Level.values),
            OpenApiParameter("status", str, enum=Problem.Status.values),
            OpenApiParameter("source", str, enum=Problem.Source.values),
            OpenApiParameter("unit", int),
            OpenApiParameter("light", str, enum=Measure.Light.values),
            OpenApiParameter("search", str),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        p = self.request.query_params
        return selectors.problem_list(
            user=self.request.user,
            level=p.get("level", ""),
            status=p.get("status", ""),
            source=p.get("source", ""),
            unit_id=query_int(self.request, "unit"),
            light=p.get("light", ""),
            search=p.get("search", ""),
        )

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        unit = _visible_unit(request, data.pop("unit").pk)
        problem = measure_services.problem_create(by=request.user, campaign=unit.campaign, unit=unit, **data)
        problem = self.get_queryset().get(pk=problem.pk)
        return Response(self.get_serializer(problem).data, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer):
        data = {k: v for k, v in serializer.validated_data.items() if k in measure_services.PROBLEM_EDITABLE}
        measure_services.problem_update(problem=serializer.instance, by=self.request.user, **data)

    def update(self, request, *args, **kwargs):
        super().update(request, *args, **kwargs)
        return Response(self.get_serializer(self.get_queryset().get(pk=kwargs["pk"])).data)


class EvidenceFileSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="Where to download the file with your token.")

    class Meta:
        model = Evidence
        fields = ["id", "name", "size", "url"]

    def get_url(self, evidence) -> str:
        return file_url(self, "evidence", evidence.pk)


class ProgressSerializer(serializers.ModelSerializer):
    reported_by_name = serializers.CharField(source="reported_by.display_name", read_only=True)
    evidence_files = EvidenceFileSerializer(source="evidence", many=True, read_only=True)
    round_number = serializers.IntegerField(source="round.number", read_only=True, default=None)
    evidence = serializers.SerializerMethodField()

    class Meta:
        model = MeasureProgress
        fields = [
            "id",
            "reported_on",
            "round_number",
            "value_reached",
            "milestones_done",
            "percent",
            "note",
            "reported_by_name",
            "evidence",
            "evidence_files",
        ]

    def get_evidence(self, entry) -> list[str]:
        return [e.name for e in entry.evidence.all()]


class ClosureSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True, help_text="requested, returned, signed_off or reopened")
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    requested_by_name = serializers.CharField(source="requested_by.display_name", read_only=True)
    decided_by_name = serializers.CharField(source="decided_by.display_name", read_only=True, default=None)
    reopened_by_name = serializers.CharField(source="reopened_by.display_name", read_only=True, default=None)
    below_target = serializers.BooleanField(read_only=True)
    evidence = serializers.SerializerMethodField()
    evidence_files = EvidenceFileSerializer(source="evidence", many=True, read_only=True)

    class Meta:
        model = Closure
        fields = [
            "id",
            "measure",
            "special_task",
            "unit",
            "status",
            "status_display",
            "statement",
            "result_value",
            "result_percent",
            "below_target",
            "shortfall",
            "due_on",
            "late",
            "after_reopen",
            "evidence",
            "evidence_files",
            "snapshot",
            "requested_by_name",
            "requested_at",
            "decided_by_name",
            "decided_at",
            "decision_note",
            "reopened_by_name",
            "reopened_at",
            "reopen_reason",
        ]

    def get_evidence(self, closure) -> list[str]:
        return [e.name for e in closure.evidence.all()]


class ExtensionSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True, help_text="pending, approved or refused")

    class Meta:
        model = Extension
        fields = ["id", "old_deadline", "new_deadline", "reason", "status", "late", "decided_at", "decision_note"]


class MeasureSerializer(serializers.ModelSerializer):
    code = serializers.CharField(read_only=True)
    light = serializers.CharField(read_only=True)
    responsible_unit_name = serializers.CharField(source="responsible_unit.name", read_only=True)
    problem_code = serializers.CharField(source="problem.code", read_only=True)
    status = serializers.CharField(read_only=True, help_text="open, closure_requested or closed")
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    target = serializers.CharField(source="target_text", read_only=True)
    responsible_unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), allow_null=True)
    responsible_person = serializers.CharField(allow_blank=True, required=False, default="")
    start_date = serializers.DateField(allow_null=True, required=False)
    deadline = serializers.DateField(allow_null=True, required=False)
    milestones = serializers.ListField(child=serializers.CharField(), required=False, default=list)

    class Meta:
        model = Measure
        fields = [
            "id",
            "code",
            "problem",
            "problem_code",
            "number",
            "content",
            "responsible_unit",
            "responsible_unit_name",
            "responsible_person",
            "start_date",
            "deadline",
            "original_deadline",
            "extension_count",
            "overdue_since",
            "baseline",
            "target_value",
            "measure_unit",
            "milestones",
            "target",
            "acceptance_criteria",
            "status",
            "status_display",
            "progress_percent",
            "on_track_until",
            "last_progress_on",
            "missed_last_round",
            "light",
            "closed_at",
        ]
        read_only_fields = [
            "number",
            "original_deadline",
            "extension_count",
            "overdue_since",
            "status",
            "progress_percent",
            "on_track_until",
            "last_progress_on",
            "missed_last_round",
            "closed_at",
        ]
        extra_kwargs = {"problem": {"queryset": Problem.objects.all()}}
        validators = []


class MeasureDetailSerializer(MeasureSerializer):
    progress = ProgressSerializer(many=True, read_only=True)
    closures = ClosureSerializer(many=True, read_only=True)
    extensions = ExtensionSerializer(many=True, read_only=True)

    class Meta(MeasureSerializer.Meta):
        fields = [*MeasureSerializer.Meta.fields, "progress", "closures", "extensions"]


class ProgressInput(serializers.Serializer):
    value_reached = serializers.CharField(max_length=40, required=False, allow_blank=True, allow_null=True)
    milestones_done = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    note = serializers.CharField(max_length=LONG_TEXT, required=False, allow_blank=True, default="")
    files = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class ClosureInput(serializers.Serializer):
    statement = serializers.CharField(max_length=LONG_TEXT, required=False, allow_blank=True, default="")
    result_value = serializers.CharField(max_length=40, required=False, allow_blank=True, allow_null=True, default=None)
    result_percent = serializers.CharField(
        max_length=40, required=False, allow_blank=True, allow_null=True, default=None
    )
    shortfall = serializers.CharField(max_length=LONG_TEXT, required=False, allow_blank=True, default="")
    files = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class NoteInput(serializers.Serializer):
    note = serializers.CharField(max_length=LONG_TEXT, required=False, allow_blank=True, default="")


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=LONG_TEXT, required=False, allow_blank=True, default="")


class ExtensionInput(serializers.Serializer):
    new_deadline = serializers.DateField(required=False, allow_null=True, default=None)
    reason = serializers.CharField(max_length=LONG_TEXT, required=False, allow_blank=True, default="")


class ExtensionDecisionInput(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


def _files(request) -> list:
    return request.FILES.getlist("files") if hasattr(request, "FILES") else []


class MeasureViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Rectification measures with their light (green/yellow/red/closed), cut to the caller's
    units. Filters: `light` (as it stood on `as_of`, default today), `status`, `unit`, `problem`,
    `level`, `search`, `overdue=true`, `due_by`, `on_time_by` (the scorecard's measures due and on
    time on a day),
    `owing=true` (no update in the current dispatch round). Actions: `progress/` (bi-weekly
    update with evidence files), `close/` (request closure with evidence), `sign-off/`,
    `return/` (send back with a reason), `reopen/` (office), `extension/` (ask for a later
    deadline) and `extension-decision/` (office)."""

    list_filters = selectors.LIST_FILTERS[Measure]

    def get_serializer_class(self):
        return MeasureDetailSerializer if self.action == "retrieve" else MeasureSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("light", str, enum=Measure.Light.values),
            OpenApiParameter("status", str, enum=Measure.Status.values),
            OpenApiParameter("unit", int),
            OpenApiParameter("problem", int),
            OpenApiParameter("level", str, enum=Problem.Level.values),
            OpenApiParameter("search", str),
            OpenApiParameter("overdue", bool),
            OpenApiParameter("owing", bool),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        p = self.request.query_params
        if self.action == "retrieve":
            return selectors.with_light(
                selectors.measures_visible_to(self.request.user).select_related("problem", "responsible_unit")
            ).prefetch_related(
                "progress__evidence",
                "progress__reported_by",
                "progress__round",
                "closures__requested_by",
                "closures__evidence",
                "closures__decided_by",
                "closures__reopened_by",
                "extensions",
            )
        if self.action != "list":
            return selectors.with_light(selectors.measures_visible_to(self.request.user)).select_related(
                "problem", "responsible_unit"
            )
        return selectors.measure_list(
            user=self.request.user,
            # `light` is the list filters' (as of `as_of`, today without one): ListFiltersBackend
            status=p.get("status", ""),
            unit_id=query_int(self.request, "unit"),
            problem_id=query_int(self.request, "problem"),
            level=p.get("level", ""),
            search=p.get("search", ""),
            overdue=query_bool(self.request, "overdue"),
            owing=query_bool(self.request, "owing"),
        )

    def _fresh(self, measure):
        return MeasureSerializer(self.get_queryset().get(pk=measure.pk)).data

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        problem = get_object_or_404(selectors.problems_visible_to(request.user), pk=data.pop("problem").pk)
        unit = data.pop("responsible_unit")
        if unit is not None:
            unit = get_object_or_404(units_visible_to(request.user), pk=unit.pk)
        measure = measure_services.measure_create(by=request.user, problem=problem, responsible_unit=unit, **data)
        return Response(self._fresh(measure), status=status.HTTP_201_CREATED)

    @extend_schema(request=ProgressInput, responses={201: ProgressSerializer})
    @action(detail=True, methods=["post"])
    def progress(self, request, pk=None):
        measure = self.get_object()
        data = ProgressInput(data=request.data)
        data.is_valid(raise_exception=True)
        entry = measure_services.measure_progress_record(
            by=request.user,
            measure=measure,
            value_reached=data.validated_data.get("value_reached"),
            milestones_done=data.validated_data["milestones_done"],
            note=data.validated_data["note"],
            files=_files(request),
        )
        return Response(ProgressSerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ClosureInput, responses={201: ClosureSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        measure = self.get_object()
        data = ClosureInput(data=request.data)
        data.is_valid(raise_exception=True)
        closure = measure_services.measure_closure_request(
            by=request.user,
            measure=measure,
            statement=data.validated_data["statement"],
            result_value=data.validated_data["result_value"],
            shortfall=data.validated_data["shortfall"],
            files=_files(request),
        )
        return Response(ClosureSerializer(closure).data, status=status.HTTP_201_CREATED)

    def _pending_closure(self, measure) -> Closure:
        closure = measure.closures.filter(status=Closure.Status.REQUESTED).first()
        if closure is None:
            raise serializers.ValidationError({"detail": _("No closure request is waiting on this measure.")})
        return closure

    @extend_schema(request=NoteInput, responses=ClosureSerializer)
    @action(detail=True, methods=["post"], url_path="sign-off")
    def sign_off(self, request, pk=None):
        measure = self.get_object()
        data = NoteInput(data=request.data)
        data.is_valid(raise_exception=True)
        closure = measure_services.closure_sign_off(
            by=request.user, closure=self._pending_closure(measure), note=data.validated_data["note"]
        )
        return Response(ClosureSerializer(closure).data)

    @extend_schema(request=ReasonInput, responses=ClosureSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def send_back(self, request, pk=None):
        measure = self.get_object()
        data = ReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        closure = measure_services.closure_return(
            by=request.user, closure=self._pending_closure(measure), reason=data.validated_data["reason"]
        )
        return Response(ClosureSerializer(closure).data)

    @extend_schema(request=ReasonInput, responses=ClosureSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        measure = self.get_object()
        data = ReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        closure = measure_services.measure_reopen(
            by=request.user, measure=measure, reason=data.validated_data["reason"]
        )
        return Response(ClosureSerializer(closure).data)

    @extend_schema(request=ExtensionInput, responses={201: ExtensionSerializer})
    @action(detail=True, methods=["post"])
    def extension(self, request, pk=None):
        measure = self.get_object()
        data = ExtensionInput(data=request.data)
        data.is_valid(raise_exception=True)
        extension = measure_services.extension_request(by=request.user, measure=measure, **data.validated_data)
        return Response(ExtensionSerializer(extension).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ExtensionDecisionInput, responses=ExtensionSerializer)
    @action(detail=True, methods=["post"], url_path="extension-decision")
    def extension_decision(self, request, pk=None):
        measure = self.get_object()
        data = ExtensionDecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        pending = measure.extensions.filter(status=Extension.Status.PENDING).first()
        if pending is None:
            raise serializers.ValidationError({"detail": _("No extension request is waiting on this measure.")})
        extension = measure_services.extension_decide(by=request.user, extension=pending, **data.validated_data)
        return Response(ExtensionSerializer(extension).data)


# --- site visits -----------------------------------------------------------------------


class SiteVisitSerializer(serializers.ModelSerializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    inspector_name = serializers.CharField(source="inspector.display_name", read_only=True)
    problems = serializers.PrimaryKeyRelatedField(many=True, queryset=Problem.objects.all(), required=False)
    new_problem_title = serializers.CharField(write_only=True, required=False, allow_blank=True, default="")
    reopen_measure = serializers.PrimaryKeyRelatedField(
        write_only=True, queryset=Measure.objects.all(), required=False, allow_null=True, default=None
    )

    class Meta:
        model = SiteVisit
        fields = [
            "id",
            "unit",
            "unit_name",
            "inspector_name",
            "visited_on",
            "problems",
            "findings",
            "new_problem_title",
            "reopen_measure",
        ]


class SiteVisitViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """On-site checks (实地查看). A finding may list a new problem (`new_problem_title`) or reopen
    a closed measure of the unit (`reopen_measure`)."""

    serializer_class = SiteVisitSerializer
    list_filters = selectors.LIST_FILTERS[SiteVisit]

    def get_queryset(self):
        visits = selectors.site_visits_visible_to(self.request.user)
        unit_id = query_int(self.request, "unit")
        return visits.filter(unit_id=unit_id) if unit_id else visits

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        unit = _visible_unit(request, data.pop("unit").pk)
        problems = [
            get_object_or_404(selectors.problems_visible_to(request.user), pk=p.pk) for p in data.pop("problems", [])
        ]
        reopen = data.pop("reopen_measure")
        if reopen is not None:
            reopen = get_object_or_404(selectors.measures_visible_to(request.user), pk=reopen.pk)
        visit = special_services.site_visit_record(
            by=request.user, unit=unit, problems=problems, reopen_measure=reopen, **data
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=visit.pk)).data, status=status.HTTP_201_CREATED)


# --- special rectification -------------------------------------------------------------


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
        data = WorkTeamInput(data=request.data)
        data.is_valid(raise_exception=True)
        team = special_services.work_team_create(
            by=request.user,
            rectification=special,
            name=data.validated_data["name"],
            lead_unit=data.validated_data["lead_unit"],
            member_units=data.validated_data.get("member_units", []),
            formed_on=data.validated_data.get("formed_on"),
        )
        team.visible_tasks = []
        return Response(WorkTeamSerializer(team).data, status=status.HTTP_201_CREATED)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = special_services.special_rectification_create(
            by=request.user, campaign=_campaign_for(request), **serializer.validated_data
        )
        return Response(
            SpecialRectificationSerializer(self.get_queryset().get(pk=item.pk)).data, status=status.HTTP_201_CREATED
        )


class SpecialTaskViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
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
        data = SpecialTaskInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values["owner_unit"] = _visible_unit(request, values["owner_unit"].pk)
        task = special_services.special_task_create(by=request.user, **values)
        return Response(SpecialTaskSerializer(task).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ClosureInput, responses={201: ClosureSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        data = ClosureInput(data=request.data)
        data.is_valid(raise_exception=True)
        closure = special_services.special_task_request_closure(
            by=request.user,
            task=self.get_object(),
            statement=data.validated_data["statement"],
            result_percent=data.validated_data["result_percent"],
            shortfall=data.validated_data["shortfall"],
            files=_files(request),
        )
        return Response(ClosureSerializer(closure).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=NoteInput, responses=ClosureSerializer)
    @action(detail=True, methods=["post"], url_path="sign-off")
    def sign_off(self, request, pk=None):
        data = NoteInput(data=request.data)
        data.is_valid(raise_exception=True)
        closure = special_services.special_task_decide(
            by=request.user, task=self.get_object(), approve=True, reason=data.validated_data["note"]
        )
        return Response(ClosureSerializer(closure).data)

    @extend_schema(request=ReasonInput, responses=ClosureSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def send_back(self, request, pk=None):
        data = ReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        closure = special_services.special_task_decide(
            by=request.user, task=self.get_object(), approve=False, reason=data.validated_data["reason"]
        )
        return Response(ClosureSerializer(closure).data)

    @extend_schema(request=ReasonInput, responses=ClosureSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        data = ReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        closure = special_services.special_task_reopen(
            by=request.user, task=self.get_object(), reason=data.validated_data["reason"]
        )
        return Response(ClosureSerializer(closure).data)


# --- arena -----------------------------------------------------------------------------


class ArenaRoundSerializer(serializers.ModelSerializer):
    criteria = serializers.SerializerMethodField()
    ranking = serializers.SerializerMethodField()

    class Meta:
        model = ArenaRound
        fields = ["id", "title", "held_on", "published_at", "criteria", "ranking"]

    def get_criteria(self, arena) -> list[dict]:
        return [{"id": c.pk, "name": c.name, "max_score": c.max_score} for c in arena.criteria.all()]

    def get_ranking(self, arena) -> list[dict] | None:
        user = self.context["request"].user
        if arena.published_at is None and not is_office(user):
            return None
        return [
            {
                "rank": row["rank"],
                "team": row["team"].pk,
                "team_name": row["team"].name,
                "scores": row["cells"],
                "scorers": row["scorers"],
                "total": row["total"],
            }
            for row in selectors.arena_ranking(round_=arena)
        ]


class ScoreInput(serializers.Serializer):
    team = serializers.IntegerField()
    scores = serializers.DictField(
        child=serializers.DecimalField(max_digits=5, decimal_places=1),
        help_text='Each criterion\'s id with its score: {"12": 8.5}.',
    )

    def validate_scores(self, value: dict) -> dict:
        if not all(key.isascii() and key.isdigit() and len(key) < 19 for key in map(str, value)):
            raise serializers.ValidationError(_('Give each score under its criterion\'s id, like {"12": 8.5}.'))
        return {int(key): score for key, score in value.items()}


class CriterionInput(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    max_score = serializers.IntegerField(min_value=1)


class ArenaRoundInput(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    held_on = serializers.DateField()
    teams = serializers.PrimaryKeyRelatedField(many=True, queryset=WorkTeam.objects.all())
    criteria = CriterionInput(many=True)
    attendees = serializers.PrimaryKeyRelatedField(many=True, queryset=User.objects.all(), required=False)


class ArenaRoundViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Arena rounds (擂台比武). The ranking (each team's mean score per criterion, the total
    and the rank) shows once published (the office sees it before). `score/` for attendees,
    `publish/` for the office."""

    serializer_class = ArenaRoundSerializer

    def get_queryset(self):
        return selectors.arena_rounds_visible_to(self.request.user).prefetch_related("criteria")

    @extend_schema(request=ArenaRoundInput, responses=ArenaRoundSerializer)
    def create(self, request, *args, **kwargs):
        data = ArenaRoundInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        arena = special_services.arena_round_create(
            by=request.user,
            campaign=_campaign_for(request),
            title=values["title"],
            held_on=values["held_on"],
            teams=values["teams"],
            criteria=[(c["name"], c["max_score"]) for c in values["criteria"]],
            attendees=values.get("attendees", []),
        )
        return Response(self.get_serializer(arena).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=ScoreInput,
        responses={200: inline_serializer("ArenaScoreSaved", {"saved": serializers.IntegerField()})},
    )
    @action(detail=True, methods=["post"])
    def score(self, request, pk=None):
        arena = self.get_object()
        data = ScoreInput(data=request.data)
        data.is_valid(raise_exception=True)
        team = get_object_or_404(WorkTeam, pk=data.validated_data["team"])
        rows = special_services.arena_score_submit(
            by=request.user, arena=arena, team=team, scores=data.validated_data["scores"]
        )
        return Response({"saved": len(rows)})

    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        arena = special_services.arena_publish(by=request.user, arena=self.get_object())
        return Response(self.get_serializer(arena).data)


# --- public reports --------------------------------------------------------------------


class IsStaffReader(permissions.BasePermission):
    """Public reports are read by the office, leaders and inspectors, never by unit liaisons."""

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and not is_liaison(request.user))


class PublicReportInput(serializers.Serializer):
    # Required and not blank, as the service refuses them otherwise (with these messages).
    subject = serializers.CharField(
        max_length=200,
        error_messages={"required": _("Give the report a subject."), "blank": _("Give the report a subject.")},
    )
    body = serializers.CharField(
        max_length=LONG_TEXT,
        error_messages={"required": _("Say what happened."), "blank": _("Say what happened.")},
    )
    about_unit = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    contact = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    files = serializers.ListField(child=serializers.FileField(), required=False, default=list)
    campaign = serializers.IntegerField(
        required=False, help_text="The campaign reported to (default: the one running today)."
    )


class PublicReportFileSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="Where to download the file with your token.")

    class Meta:
        model = PublicReportAttachment
        fields = ["id", "name", "size", "url"]

    def get_url(self, attachment) -> str:
        return file_url(self, "public-report-attachment", attachment.pk)


class EvidenceViewSet(FileDownloadViewSet):
    """Evidence files of measure progress and closures: `GET {id}/` downloads one, for whoever
    may read the measure or the special task it supports."""

    queryset = Evidence.objects.none()

    def files_visible_to(self, user):
        return selectors.evidence_visible_to(user)


class PublicReportAttachmentViewSet(FileDownloadViewSet):
    """Files sent with public reports: `GET {id}/` downloads one, for the staff who may read the
    report (never a unit liaison)."""

    queryset = PublicReportAttachment.objects.none()
    permission_classes = [IsStaffReader]

    def files_visible_to(self, user):
        return PublicReportAttachment.objects.filter(report__in=selectors.public_reports_for_staff(user=user))


class PublicReportSerializer(serializers.ModelSerializer):
    triage_display = serializers.CharField(source="get_triage_display", read_only=True)
    problem_code = serializers.CharField(source="problem.code", read_only=True, default=None)
    attachments = serializers.SerializerMethodField()
    attachment_files = PublicReportFileSerializer(source="attachments", many=True, read_only=True)

    class Meta:
        model = PublicReport
        fields = [
            "id",
            "receipt",
            "channel",
            "subject",
            "body",
            "about_unit",
            "contact",
            "received_at",
            "triage",
            "triage_display",
            "triage_note",
            "problem",
            "problem_code",
            "triaged_at",
            "attachments",
            "attachment_files",
        ]

    def get_attachments(self, report) -> list[str]:
        return [a.name for a in report.attachments.all()]


class TriageInput(serializers.Serializer):
    action = serializers.ChoiceField(choices=["reject", "merge", "create"])
    reason = serializers.CharField(max_length=LONG_TEXT, required=False, allow_blank=True, default="")
    problem = serializers.IntegerField(required=False, allow_null=True, default=None)
    unit = serializers.IntegerField(required=False, allow_null=True, default=None)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


def _triage(request, item):
    data = TriageInput(data=request.data)
    data.is_valid(raise_exception=True)
    values = dict(data.validated_data)
    problem_id, unit_id = values.pop("problem"), values.pop("unit")
    problem = get_object_or_404(selectors.problems_visible_to(request.user), pk=problem_id) if problem_id else None
    unit = _visible_unit(request, unit_id) if unit_id else None
    return public_services.item_triage(by=request.user, item=item, problem=problem, unit=unit, **values)


class ReceiptInput(serializers.Serializer):
    receipt = serializers.RegexField(r"^[A-Za-z0-9]+$", max_length=16)
    campaign = serializers.IntegerField(required=False, allow_null=True, default=None)


# What `status/` answers the reporter.
PUBLIC_REPORT_STATUS = inline_serializer(
    "PublicReportStatus",
    {
        "receipt": serializers.CharField(),
        "received_on": serializers.DateField(),
        "status": serializers.ChoiceField(choices=Triage.choices),
        "status_display": serializers.CharField(),
        "reply": serializers.CharField(allow_blank=True),
        "rectified": serializers.BooleanField(),
    },
)


class PublicReportViewSet(viewsets.ReadOnlyModelViewSet):
    """Public reports (举报). `POST` is open to anyone (rate-limited per address) and answers a
    receipt code; `status/{receipt}/` shows the reporter the handling. Everything else is
    for staff; `triage/` (reject with a reason, merge into a problem, create a problem) is
    the office's."""

    serializer_class = PublicReportSerializer
    permission_classes = [IsStaffReader]
    list_filters = selectors.LIST_FILTERS[PublicReport]  # received / handled in a period (roll-ups)

    def get_permissions(self):
        if self.action in ("create", "status_by_receipt", "status_lookup"):
            return [permissions.AllowAny()]
        return super().get_permissions()

    def get_queryset(self):
        reports = selectors.public_reports_for_staff(user=self.request.user)
        triage = self.request.query_params.get("triage", "")
        return reports.filter(triage=triage) if triage else reports

    @extend_schema(
        request=PublicReportInput,
        responses={
            201: inline_serializer(
                "PublicReportReceipt",
                {"receipt": serializers.CharField(), "message": serializers.CharField()},
            )
        },
    )
    def create(self, request, *args, **kwargs):
        data = PublicReportInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values.pop("files")
        campaign = selectors.public_campaign(campaign_id=values.pop("campaign", None))
        if campaign is None:
            raise serializers.ValidationError({"campaign": _("Campaign: there is no such campaign to report to.")})
        try:
            report = public_services.public_report_submit(
                campaign=campaign, files=_files(request), address=client_address(request), **values
            )
        except public_services.RateLimited as exc:
            raise Throttled(detail=str(exc))
        return Response(
            {
                "receipt": report.receipt,
                "message": _("Keep this receipt code: it is the only way to follow your report."),
            },
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        request=ReceiptInput,
        responses={200: PUBLIC_REPORT_STATUS},
    )
    @action(detail=False, methods=["post"], url_path="status")
    def status_lookup(self, request):
        """The receipt code in the body, so it stays out of addresses and access logs."""
        data = ReceiptInput(data=request.data)
        data.is_valid(raise_exception=True)
        return self._status(request, data.validated_data["receipt"], data.validated_data.get("campaign"))

    @extend_schema(
        responses={200: PUBLIC_REPORT_STATUS}, parameters=[OpenApiParameter("campaign", int)], deprecated=True
    )
    @action(detail=False, methods=["get"], url_path=r"status/(?P<receipt>[A-Za-z0-9]+)")
    def status_by_receipt(self, request, receipt=None):
        """Kept for old clients; `POST status/` keeps the code out of the address."""
        return self._status(request, receipt, query_int(request, "campaign"))

    def _status(self, request, receipt, campaign_id):
        try:
            campaign = selectors.public_campaign(campaign_id=campaign_id) if campaign_id else None
            if campaign_id and campaign is None:
                return Response({"detail": _("No report has this receipt code.")}, status=status.HTTP_404_NOT_FOUND)
            found = public_services.public_report_status(
                receipt=receipt, address=client_address(request), campaign=campaign
            )
        except public_services.RateLimited as exc:
            raise Throttled(detail=str(exc))
        if found is None:
            return Response({"detail": _("No report has this receipt code.")}, status=status.HTTP_404_NOT_FOUND)
        found["received_on"] = found["received_on"].isoformat()
        return Response(found)

    @extend_schema(request=TriageInput, responses=PublicReportSerializer)
    @action(detail=True, methods=["post"])
    def triage(self, request, pk=None):
        report = _triage(request, self.get_object())
        return Response(self.get_serializer(self.get_queryset().get(pk=report.pk)).data)


# --- TV questioning --------------------------------------------------------------------


class TvQuestionSerializer(serializers.ModelSerializer):
    triage_display = serializers.CharField(source="get_triage_display", read_only=True)

    class Meta:
        model = TvQuestion
        fields = ["id", "text", "triage", "triage_display", "triage_note", "problem"]


class TvSessionSerializer(serializers.ModelSerializer):
    questions = TvQuestionSerializer(many=True, read_only=True)
    question_count = serializers.IntegerField(read_only=True)
    handled_count = serializers.IntegerField(read_only=True)
    question_texts = serializers.ListField(child=serializers.CharField(), write_only=True, required=False, default=list)
    departments = serializers.PrimaryKeyRelatedField(many=True, queryset=Unit.objects.all(), required=False)

    class Meta:
        model = TvSession
        fields = [
            "id",
            "number",
            "title",
            "aired_on",
            "viewers",
            "departments",
            "question_count",
            "handled_count",
            "questions",
            "question_texts",
        ]
        validators = []


class TvSessionViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """TV-questioning sessions (电视问政) with viewers and the public's questions; the office
    records them and triages each question (`triage/` with `question`)."""

    serializer_class = TvSessionSerializer
    list_filters = selectors.LIST_FILTERS[TvSession]
    permission_classes = [IsStaffReader]

    def get_queryset(self):
        return selectors.tv_sessions_visible_to(self.request.user).prefetch_related("questions").order_by("-aired_on")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        session = public_services.tv_session_record(
            by=request.user,
            campaign=_campaign_for(request),
            questions=data.pop("question_texts"),
            departments=data.pop("departments", []),
            **data,
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=session.pk)).data, status=201)

    @extend_schema(request=TriageInput, responses=TvQuestionSerializer)
    @action(detail=True, methods=["post"])
    def triage(self, request, pk=None):
        session = self.get_object()
        question = get_object_or_404(session.questions.all(), pk=query_int_body(request, "question"))
        return Response(TvQuestionSerializer(_triage(request, question)).data)


def query_int_body(request, name: str) -> int:
    raw = str(request.data.get(name, "")).strip()
    if not raw.isdigit():
        raise serializers.ValidationError({name: _("Give the question's id.")})
    return int(raw)


# --- petitions -------------------------------------------------------------------------


class PetitionCaseSerializer(serializers.ModelSerializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())
    leader = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(role=User.Role.LEADER), allow_null=True, required=False
    )
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    leader_name = serializers.CharField(source="leader.display_name", read_only=True, default=None)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    stage_display = serializers.CharField(source="get_stage_display", read_only=True)

    class Meta:
        model = PetitionCase
        fields = [
            "id",
            "code",
            "kind",
            "kind_display",
            "batch",
            "title",
            "field",
            "unit",
            "unit_name",
            "leader",
            "leader_name",
            "stage",
            "stage_display",
            "received_on",
            "investigated_on",
            "consulted_on",
            "deadline",
            "resolved_on",
            "resolution",
        ]
        read_only_fields = ["stage", "investigated_on", "consulted_on", "resolved_on", "resolution"]
        validators = []


class AdvanceInput(serializers.Serializer):
    stage = serializers.ChoiceField(choices=PetitionCase.Stage.choices)
    on = serializers.DateField(required=False, allow_null=True, default=None)
    resolution = serializers.CharField(required=False, allow_blank=True, default="")


class PetitionBatchCase(serializers.Serializer):
    code = serializers.CharField(max_length=30)
    title = serializers.CharField(max_length=200)
    field = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())
    leader = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(role=User.Role.LEADER), allow_null=True, required=False, default=None
    )
    received_on = serializers.DateField()
    deadline = serializers.DateField()


class PetitionBatchInput(serializers.Serializer):
    batch = serializers.CharField(max_length=50)
    kind = serializers.ChoiceField(choices=PetitionCase.Kind.choices, default=PetitionCase.Kind.REPEAT)
    cases = PetitionBatchCase(many=True)


class PetitionCaseViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Petition cases (信访): leader-led cases and repeat petitions, each through investigation
    → consultation → handling → resolved (`advance/`). Filters: `kind`, `stage`, `overdue=true`."""

    serializer_class = PetitionCaseSerializer
    list_filters = selectors.LIST_FILTERS[PetitionCase]

    def get_queryset(self):
        from django.utils import timezone

        cases = selectors.petition_cases_visible_to(self.request.user).order_by("deadline", "code")
        p = self.request.query_params
        if p.get("kind"):
            cases = cases.filter(kind=p["kind"])
        if p.get("stage"):
            cases = cases.filter(stage=p["stage"])
        if query_bool(self.request, "overdue"):
            cases = cases.filter(deadline__lt=timezone.localdate()).exclude(stage=PetitionCase.Stage.RESOLVED)
        return cases

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        unit = _visible_unit(request, data.pop("unit").pk)
        case = public_services.petition_case_create(by=request.user, campaign=unit.campaign, unit=unit, **data)
        return Response(self.get_serializer(case).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PetitionBatchInput, responses={201: PetitionCaseSerializer(many=True)})
    @action(detail=False, methods=["post"])
    def batch(self, request):
        """Register a batch of cases handed down at once, whole or not at all."""
        data = PetitionBatchInput(data=request.data)
        data.is_valid(raise_exception=True)
        cases = public_services.petition_cases_receive(
            by=request.user,
            campaign=_campaign_for(request),
            batch=data.validated_data["batch"],
            kind=data.validated_data["kind"],
            cases=[dict(c) for c in data.validated_data["cases"]],
        )
        return Response(self.get_serializer(cases, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AdvanceInput, responses=PetitionCaseSerializer)
    @action(detail=True, methods=["post"])
    def advance(self, request, pk=None):
        data = AdvanceInput(data=request.data)
        data.is_valid(raise_exception=True)
        case = public_services.petition_case_advance(by=request.user, case=self.get_object(), **data.validated_data)
        return Response(self.get_serializer(case).data)


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


def register(router) -> None:
    router.register("work-teams", WorkTeamViewSet, basename="work-team")
    """Put the rectification resources on the project's API router."""
    router.register("problems", ProblemViewSet, basename="problem")
    router.register("measures", MeasureViewSet, basename="measure")
    router.register("site-visits", SiteVisitViewSet, basename="site-visit")
    router.register("special-rectifications", SpecialRectificationViewSet, basename="special-rectification")
    router.register("special-tasks", SpecialTaskViewSet, basename="special-task")
    router.register("arena-rounds", ArenaRoundViewSet, basename="arena-round")
    router.register("public-reports", PublicReportViewSet, basename="public-report")
    router.register("tv-sessions", TvSessionViewSet, basename="tv-session")
    router.register("petition-cases", PetitionCaseViewSet, basename="petition-case")
