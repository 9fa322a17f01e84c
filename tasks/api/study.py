"""Study activities over HTTP: `study-activities/` with absentees, make-ups and ratings."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from campaign.api import query_bool, query_int
from tasks.api.records import RecordSerializer, RecordViewSet
from tasks.models import Absence, MakeUpSession, StudyActivity
from tasks.selectors.records import LIST_FILTERS, absentees_owed, study_activity_list
from tasks.services import study as services


class AbsenceSerializer(serializers.ModelSerializer):
    owes_makeup = serializers.BooleanField(read_only=True)
    activity_title = serializers.CharField(source="activity.title", read_only=True)
    unit_name = serializers.CharField(source="activity.unit.name", read_only=True, default=None)

    class Meta:
        model = Absence
        fields = [
            "id",
            "activity",
            "activity_title",
            "unit_name",
            "name",
            "position",
            "reason",
            "made_up_in",
            "owes_makeup",
        ]


class StudyActivitySerializer(RecordSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    absentees = serializers.ListField(
        child=serializers.CharField(max_length=50),
        write_only=True,
        required=False,
        help_text="Names of those absent; each is owed a make-up.",
    )
    absences = AbsenceSerializer(many=True, read_only=True)

    class Meta:
        model = StudyActivity
        fields = [
            *RecordSerializer.COMMON,
            "kind",
            "kind_display",
            "title",
            "topic",
            "session_number",
            "date",
            "place",
            "organiser",
            "lecturer",
            "participants",
            "audience",
            "rated_excellent",
            "note",
            "absentees",
            "absences",
            *RecordSerializer.READ_ONLY,
        ]
        read_only_fields = ["rated_excellent", *RecordSerializer.READ_ONLY]
        validators = []


class MakeUpSerializer(serializers.ModelSerializer):
    absences = serializers.PrimaryKeyRelatedField(many=True, queryset=Absence.objects.all())

    class Meta:
        model = MakeUpSession
        fields = ["id", "date", "content", "hours", "absences"]


class RateSerializer(serializers.Serializer):
    excellent = serializers.BooleanField()


class StudyActivityViewSet(RecordViewSet):
    """Study activities (理论学习). Filters: `kind`, `unit`, `level` (city/unit), `search`,
    `owes_makeup=true`, `campaign`. `owed/` lists the absentees still owed a make-up;
    `{id}/makeups/` records a make-up that clears some of them; `{id}/rate/` (office) rates a
    party lesson excellent."""

    serializer_class = StudyActivitySerializer
    list_filters = LIST_FILTERS[StudyActivity]
    create_service = services.study_activity_create
    update_service = services.study_activity_update
    instance_arg = "activity"

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", str, enum=StudyActivity.Kind.values),
            OpenApiParameter("unit", int),
            OpenApiParameter("level", str, enum=["city", "unit"]),
            OpenApiParameter("search", str),
            OpenApiParameter("owes_makeup", bool),
            OpenApiParameter("campaign", int),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        rows = study_activity_list(
            user=self.request.user,
            kind=self.params().get("kind", ""),
            unit_id=query_int(self.request, "unit"),
            level=self.params().get("level", ""),
            search=self.params().get("search", ""),
            owes_makeup=query_bool(self.request, "owes_makeup"),
        ).prefetch_related("absences__activity__unit")
        campaign_id = query_int(self.request, "campaign")
        return rows.filter(campaign_id=campaign_id) if campaign_id else rows

    @extend_schema(responses=AbsenceSerializer(many=True), parameters=[OpenApiParameter("unit", int)])
    @action(detail=False, methods=["get"])
    def owed(self, request):
        rows = absentees_owed(user=request.user, unit_id=query_int(request, "unit"))
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(AbsenceSerializer(page, many=True).data)

    @extend_schema(request=MakeUpSerializer, responses={201: MakeUpSerializer})
    @action(detail=True, methods=["post"])
    def makeups(self, request, pk=None):
        activity = self.get_object()
        serializer = MakeUpSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        session = services.makeup_record(activity=activity, by=request.user, **serializer.validated_data)
        return Response(MakeUpSerializer(session).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RateSerializer, responses=StudyActivitySerializer)
    @action(detail=True, methods=["post"])
    def rate(self, request, pk=None):
        activity = get_object_or_404(self.get_queryset(), pk=pk)
        serializer = RateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        activity = services.study_activity_rate(activity=activity, by=request.user, **serializer.validated_data)
        return Response(self.get_serializer(activity).data)


def register(router) -> None:
    router.register("study-activities", StudyActivityViewSet, basename="study-activity")
