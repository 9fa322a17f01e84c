"""Research records over HTTP: `focus-areas/`, `research-topics/` (with `{id}/chain/`),
`research-activities/` (register, complete, cancel, spot checks), `exchange-meetings/`,
`typical-cases/` and `innovation-measures/` (with follow-up visits)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from campaign import selectors as access
from campaign.api import campaign_in_body
from campaign.models import InspectionGroup, User
from tasks.api.records import LEVEL, SEARCH, UNIT, RecordSerializer, RecordViewSet
from tasks.models import (
    ExchangeMeeting,
    Finding,
    FocusArea,
    FollowUpVisit,
    InnovationMeasure,
    ResearchActivity,
    ResearchTopic,
    SpotCheck,
    TypicalCase,
)
from tasks.selectors import records as selectors
from tasks.services import research as services


class FocusAreaSerializer(serializers.ModelSerializer):
    class Meta:
        model = FocusArea
        fields = ["id", "campaign", "number", "name", "set_on", "description"]
        read_only_fields = ["campaign"]
        validators = []


class FocusAreaViewSet(viewsets.ModelViewSet):
    """The research plan's focus areas (调研重点); everyone in the campaign reads, the office writes."""

    serializer_class = FocusAreaSerializer
    list_filters = selectors.LIST_FILTERS[FocusArea]

    def get_queryset(self):
        return FocusArea.objects.filter(campaign__in=access.campaigns_visible_to(self.request.user)).order_by(
            "campaign", "number"
        )

    def perform_create(self, serializer):
        campaign = campaign_in_body(self.request)
        serializer.instance = services.focus_area_save(
            by=self.request.user, campaign=campaign, **serializer.validated_data
        )

    def perform_update(self, serializer):
        area = serializer.instance
        serializer.instance = services.focus_area_save(
            by=self.request.user, campaign=area.campaign, area=area, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.focus_area_delete(area=instance, by=self.request.user)


class ResearchTopicSerializer(RecordSerializer):
    leader = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(role=User.Role.LEADER), required=False, allow_null=True
    )
    leader_name = serializers.CharField(source="leader.display_name", read_only=True, default=None)
    focus_area = serializers.PrimaryKeyRelatedField(queryset=FocusArea.objects.all(), required=False, allow_null=True)

    class Meta:
        model = ResearchTopic
        fields = [
            *RecordSerializer.COMMON,
            "focus_area",
            "level",
            "title",
            "leader",
            "leader_name",
            "claimed_by",
            "status",
            "conclusion",
            *RecordSerializer.READ_ONLY,
        ]
        read_only_fields = RecordSerializer.READ_ONLY
        validators = []


class ChainVisitSerializer(serializers.Serializer):
    date = serializers.DateField()
    in_place = serializers.BooleanField()
    note = serializers.CharField()


class ChainMeasureSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    use = serializers.CharField()
    status = serializers.CharField()
    outcome = serializers.CharField()
    visits = ChainVisitSerializer(many=True)


class ChainFindingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    measures = ChainMeasureSerializer(many=True)


class ChainActivitySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.CharField()
    planned_date = serializers.DateField(allow_null=True)
    completed_on = serializers.DateField(allow_null=True)
    findings = ChainFindingSerializer(many=True)


class ChainSerializer(serializers.Serializer):
    """The shape of `research-topics/{id}/chain/` (for the schema)."""

    topic = ResearchTopicSerializer()
    activities = ChainActivitySerializer(many=True)


class ResearchTopicViewSet(RecordViewSet):
    """Research topics. Filters: `level` (city/unit), `unit`, `focus_area`, `status`, `search`.
    `{id}/chain/` answers the topic's chain: activities → findings → measures → outcomes."""

    serializer_class = ResearchTopicSerializer
    list_filters = selectors.LIST_FILTERS[ResearchTopic]
    create_service = services.research_topic_create
    update_service = services.research_topic_update
    instance_arg = "topic"

    list_selector = selectors.research_topic_list
    list_params = {
        "level": LEVEL,
        "unit_id": UNIT,
        "focus_area_id": OpenApiParameter("focus_area", int),
        "status": OpenApiParameter("status", str, enum=ResearchTopic.Status.values),
        "search": SEARCH,
    }

    @extend_schema(responses=ChainSerializer)
    @action(detail=True, methods=["get"])
    def chain(self, request, pk=None):
        topic = self.get_object()
        topic = selectors.research_topic_chain(user=request.user, topic_id=topic.pk)
        return Response(
            {
                "topic": ResearchTopicSerializer(topic).data,
                "activities": [
                    {
                        "id": a.pk,
                        "title": a.title,
                        "status": a.status,
                        "planned_date": a.planned_date,
                        "completed_on": a.completed_on,
                        "findings": [
                            {
                                "id": f.pk,
                                "text": f.text,
                                "measures": [
                                    {
                                        "id": m.pk,
                                        "title": m.title,
                                        "use": m.use,
                                        "status": m.status,
                                        "outcome": m.outcome,
                                        "visits": [
                                            {"date": v.date, "in_place": v.in_place, "note": v.note}
                                            for v in m.visits.all()
                                        ],
                                    }
                                    for m in f.measures.all()
                                ],
                            }
                            for f in a.findings.all()
                        ],
                    }
                    for a in topic.activities.all()
                ],
            }
        )


class FindingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Finding
        fields = ["id", "text"]


class SpotCheckSerializer(serializers.ModelSerializer):
    group = serializers.PrimaryKeyRelatedField(queryset=InspectionGroup.objects.all())
    checked_by_name = serializers.CharField(source="checked_by.display_name", read_only=True)

    class Meta:
        model = SpotCheck
        fields = ["id", "group", "checked_by_name", "date", "method", "result", "note"]


class ResearchActivitySerializer(RecordSerializer):
    topic = serializers.PrimaryKeyRelatedField(queryset=ResearchTopic.objects.all(), required=False, allow_null=True)
    leader = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(role=User.Role.LEADER), required=False, allow_null=True
    )
    findings = FindingSerializer(many=True, read_only=True)
    spot_checks = SpotCheckSerializer(many=True, read_only=True)

    class Meta:
        model = ResearchActivity
        fields = [
            *RecordSerializer.COMMON,
            "topic",
            "leader",
            "title",
            "planned_date",
            "place",
            "visited",
            "people",
            "is_major",
            "status",
            "registered_on",
            "completed_on",
            "summary",
            "findings",
            "spot_checks",
            *RecordSerializer.READ_ONLY,
        ]
        read_only_fields = ["status", "registered_on", "completed_on", *RecordSerializer.READ_ONLY]
        validators = []


class CompleteSerializer(serializers.Serializer):
    findings = serializers.ListField(child=serializers.CharField(), allow_empty=False)
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    completed_on = serializers.DateField(
        required=False,
        help_text="The day the trip was completed (default today): not in the future, not before the trip.",
    )


class ResearchActivityViewSet(RecordViewSet):
    """The research-trip ledger (调研活动台账). Filters: `status`, `unit`, `topic`, `level`,
    `major`, `search`. Actions: `{id}/register/` (报备, before the trip for major ones),
    `{id}/complete/` with `findings`, `{id}/cancel/`, `{id}/spot-checks/` (inspection group)."""

    serializer_class = ResearchActivitySerializer
    list_filters = selectors.LIST_FILTERS[ResearchActivity]
    create_service = services.research_activity_create
    update_service = services.research_activity_update
    instance_arg = "activity"

    list_selector = selectors.research_activity_list
    list_params = {
        "status": OpenApiParameter("status", str, enum=ResearchActivity.Status.values),
        "unit_id": UNIT,
        "topic_id": OpenApiParameter("topic", int),
        "level": LEVEL,
        "major": OpenApiParameter("major", bool),
        "search": SEARCH,
    }

    def get_queryset(self):
        return self.listed().prefetch_related("findings", "spot_checks__checked_by")

    def _answer(self, activity):
        return Response(self.get_serializer(self.get_queryset().get(pk=activity.pk)).data)

    @extend_schema(request=None, responses=ResearchActivitySerializer)
    @action(detail=True, methods=["post"])
    def register(self, request, pk=None):
        return self._answer(services.research_activity_register(activity=self.get_object(), by=request.user))

    @extend_schema(request=CompleteSerializer, responses=ResearchActivitySerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        activity = self.get_object()
        serializer = CompleteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        return self._answer(
            services.research_activity_complete(
                activity=activity, by=request.user, on=data.pop("completed_on", None), **data
            )
        )

    @extend_schema(request=None, responses=ResearchActivitySerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._answer(services.research_activity_cancel(activity=self.get_object(), by=request.user))

    @extend_schema(request=SpotCheckSerializer, responses={201: SpotCheckSerializer})
    @action(detail=True, methods=["post"], url_path="spot-checks")
    def spot_checks(self, request, pk=None):
        activity = self.get_object()
        serializer = SpotCheckSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        check = services.spot_check_record(activity=activity, by=request.user, **serializer.validated_data)
        return Response(SpotCheckSerializer(check).data, status=status.HTTP_201_CREATED)


class ExchangeMeetingSerializer(RecordSerializer):
    class Meta:
        model = ExchangeMeeting
        fields = [*RecordSerializer.COMMON, "date", "title", "participants", "note", *RecordSerializer.READ_ONLY]
        read_only_fields = RecordSerializer.READ_ONLY


class ExchangeMeetingViewSet(RecordViewSet):
    """Results-exchange meetings (调研成果交流会). Filters: `unit`, `level`, `search`."""

    serializer_class = ExchangeMeetingSerializer
    list_filters = selectors.LIST_FILTERS[ExchangeMeeting]
    create_service = services.exchange_meeting_create
    update_service = services.exchange_meeting_update
    instance_arg = "meeting"

    list_selector = selectors.exchange_meeting_list
    list_params = {"unit_id": UNIT, "level": LEVEL, "search": SEARCH}


class TypicalCaseSerializer(RecordSerializer):
    topic = serializers.PrimaryKeyRelatedField(queryset=ResearchTopic.objects.all(), required=False, allow_null=True)

    class Meta:
        model = TypicalCase
        fields = [*RecordSerializer.COMMON, "kind", "title", "topic", "date", "lesson", *RecordSerializer.READ_ONLY]
        read_only_fields = RecordSerializer.READ_ONLY


class TypicalCaseViewSet(RecordViewSet):
    """Typical cases, positive and negative. Filters: `kind`, `unit`, `level`, `search`."""

    serializer_class = TypicalCaseSerializer
    list_filters = selectors.LIST_FILTERS[TypicalCase]
    create_service = services.typical_case_create
    update_service = services.typical_case_update
    instance_arg = "case"

    list_selector = selectors.typical_case_list
    list_params = {
        "kind": OpenApiParameter("kind", str, enum=TypicalCase.Kind.values),
        "unit_id": UNIT,
        "level": LEVEL,
        "search": SEARCH,
    }


class FollowUpSerializer(serializers.ModelSerializer):
    visited_by_name = serializers.CharField(source="visited_by.display_name", read_only=True)
    outcome = serializers.CharField(write_only=True, required=False, allow_blank=True, default="")
    in_place = serializers.BooleanField(required=False, default=False)

    class Meta:
        model = FollowUpVisit
        fields = ["id", "date", "visited_by_name", "note", "in_place", "outcome"]


class InnovationMeasureSerializer(RecordSerializer):
    topic = serializers.PrimaryKeyRelatedField(queryset=ResearchTopic.objects.all(), required=False, allow_null=True)
    finding = serializers.PrimaryKeyRelatedField(queryset=Finding.objects.all(), required=False, allow_null=True)
    visits = FollowUpSerializer(many=True, read_only=True)

    class Meta:
        model = InnovationMeasure
        fields = [
            *RecordSerializer.COMMON,
            "topic",
            "finding",
            "title",
            "description",
            "department",
            "use",
            "status",
            "adopted_on",
            "in_place_on",
            "outcome",
            "visits",
            *RecordSerializer.READ_ONLY,
        ]
        read_only_fields = ["status", "in_place_on", "outcome", *RecordSerializer.READ_ONLY]


class InnovationMeasureViewSet(RecordViewSet):
    """Innovation measures (创新举措). Filters: `use`, `status`, `unit`, `level`, `topic`, `search`.
    `{id}/follow-ups/` records a follow-up visit (回访); one with `in_place` puts the measure in place."""

    serializer_class = InnovationMeasureSerializer
    list_filters = selectors.LIST_FILTERS[InnovationMeasure]
    create_service = services.innovation_measure_create
    update_service = services.innovation_measure_update
    instance_arg = "measure"

    list_selector = selectors.innovation_measure_list
    list_params = {
        "use": OpenApiParameter("use", str, enum=InnovationMeasure.Use.values),
        "status": OpenApiParameter("status", str, enum=InnovationMeasure.Status.values),
        "unit_id": UNIT,
        "level": LEVEL,
        "topic_id": OpenApiParameter("topic", int),
        "search": SEARCH,
    }

    def get_queryset(self):
        return self.listed().prefetch_related("visits__visited_by")

    @extend_schema(request=FollowUpSerializer, responses={201: FollowUpSerializer})
    @action(detail=True, methods=["post"], url_path="follow-ups")
    def follow_ups(self, request, pk=None):
        measure = get_object_or_404(self.get_queryset(), pk=pk)
        serializer = FollowUpSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        visit = services.follow_up_record(measure=measure, by=request.user, **serializer.validated_data)
        return Response(FollowUpSerializer(visit).data, status=status.HTTP_201_CREATED)


def register(router) -> None:
    router.register("focus-areas", FocusAreaViewSet, basename="focus-area")
    router.register("research-topics", ResearchTopicViewSet, basename="research-topic")
    router.register("research-activities", ResearchActivityViewSet, basename="research-activity")
    router.register("exchange-meetings", ExchangeMeetingViewSet, basename="exchange-meeting")
    router.register("typical-cases", TypicalCaseViewSet, basename="typical-case")
    router.register("innovation-measures", InnovationMeasureViewSet, basename="innovation-measure")
