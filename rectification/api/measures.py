"""Rectification measures over HTTP: their light, bi-weekly progress, closure and deadline
extensions, each action through the measure services."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from campaign.api import query_bool, query_int, visible_unit
from campaign.listfilters import parse_day
from campaign.models import Unit, User
from campaign.text import LONG_TEXT
from rectification import selectors
from rectification.api.closures import ClosureActions, ClosureSerializer, EvidenceFileSerializer
from rectification.api.common import fresh, sent_files, validated
from rectification.models import Closure, Extension, Measure, MeasureProgress, Problem
from rectification.services import measures as measure_services


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


class ExtensionInput(serializers.Serializer):
    new_deadline = serializers.DateField(required=False, allow_null=True, default=None)
    reason = serializers.CharField(max_length=LONG_TEXT, required=False, allow_blank=True, default="")


class ExtensionDecisionInput(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class MeasureViewSet(ClosureActions, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
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
            # `light` is the list filters' (as of `as_of`, today without one): ListFiltersBackend.
            # Each row's `light` is the one it had that day too, so a row never contradicts the
            # filter that selected it.
            today=parse_day(p.get("as_of")),
            status=p.get("status", ""),
            unit_id=query_int(self.request, "unit"),
            problem_id=query_int(self.request, "problem"),
            level=p.get("level", ""),
            search=p.get("search", ""),
            overdue=query_bool(self.request, "overdue"),
            owing=query_bool(self.request, "owing"),
        )

    def create(self, request, *args, **kwargs):
        data = validated(self.get_serializer(data=request.data))
        problem = get_object_or_404(selectors.problems_visible_to(request.user), pk=data.pop("problem").pk)
        unit = data.pop("responsible_unit")
        if unit is not None:
            unit = visible_unit(user=request.user, pk=unit.pk)
        measure = measure_services.measure_create(by=request.user, problem=problem, responsible_unit=unit, **data)
        return Response(fresh(self, measure.pk), status=status.HTTP_201_CREATED)

    @extend_schema(request=ProgressInput, responses={201: ProgressSerializer})
    @action(detail=True, methods=["post"])
    def progress(self, request, pk=None):
        measure = self.get_object()
        data = validated(ProgressInput(data=request.data))
        entry = measure_services.measure_progress_record(
            by=request.user,
            measure=measure,
            value_reached=data.get("value_reached"),
            milestones_done=data["milestones_done"],
            note=data["note"],
            files=sent_files(request),
        )
        return Response(ProgressSerializer(entry).data, status=status.HTTP_201_CREATED)

    def closure_request(self, measure, *, by: User, data: dict, files: list) -> Closure:
        return measure_services.measure_closure_request(
            by=by,
            measure=measure,
            statement=data["statement"],
            result_value=data["result_value"],
            shortfall=data["shortfall"],
            files=files,
        )

    def closure_decide(self, measure, *, by: User, approve: bool, text: str) -> Closure:
        pending = measure.closures.filter(status=Closure.Status.REQUESTED).first()
        if pending is None:
            raise serializers.ValidationError({"detail": _("No closure request is waiting on this measure.")})
        if approve:
            return measure_services.closure_sign_off(by=by, closure=pending, note=text)
        return measure_services.closure_return(by=by, closure=pending, reason=text)

    def closure_reopen(self, measure, *, by: User, reason: str) -> Closure:
        return measure_services.measure_reopen(by=by, measure=measure, reason=reason)

    @extend_schema(request=ExtensionInput, responses={201: ExtensionSerializer})
    @action(detail=True, methods=["post"])
    def extension(self, request, pk=None):
        measure = self.get_object()
        data = validated(ExtensionInput(data=request.data))
        extension = measure_services.extension_request(by=request.user, measure=measure, **data)
        return Response(ExtensionSerializer(extension).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ExtensionDecisionInput, responses=ExtensionSerializer)
    @action(detail=True, methods=["post"], url_path="extension-decision")
    def extension_decision(self, request, pk=None):
        measure = self.get_object()
        data = validated(ExtensionDecisionInput(data=request.data))
        pending = measure.extensions.filter(status=Extension.Status.PENDING).first()
        if pending is None:
            raise serializers.ValidationError({"detail": _("No extension request is waiting on this measure.")})
        extension = measure_services.extension_decide(by=request.user, extension=pending, **data)
        return Response(ExtensionSerializer(extension).data)
