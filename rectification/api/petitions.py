"""Petition cases (信访) over HTTP: registered one by one or as a handed-down batch, and moved
through their stages by the petition services."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from campaign.api import campaign_in_body, query_bool, visible_unit
from campaign.models import Unit, User
from rectification import selectors
from rectification.api.common import validated
from rectification.models import PetitionCase
from rectification.services import public as public_services


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
        data = validated(self.get_serializer(data=request.data))
        unit = visible_unit(user=request.user, pk=data.pop("unit").pk)
        case = public_services.petition_case_create(by=request.user, campaign=unit.campaign, unit=unit, **data)
        return Response(self.get_serializer(case).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PetitionBatchInput, responses={201: PetitionCaseSerializer(many=True)})
    @action(detail=False, methods=["post"])
    def batch(self, request):
        """Register a batch of cases handed down at once, whole or not at all."""
        data = validated(PetitionBatchInput(data=request.data))
        cases = public_services.petition_cases_receive(
            by=request.user,
            campaign=campaign_in_body(request),
            batch=data["batch"],
            kind=data["kind"],
            cases=[dict(c) for c in data["cases"]],
        )
        return Response(self.get_serializer(cases, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AdvanceInput, responses=PetitionCaseSerializer)
    @action(detail=True, methods=["post"])
    def advance(self, request, pk=None):
        data = validated(AdvanceInput(data=request.data))
        case = public_services.petition_case_advance(by=request.user, case=self.get_object(), **data)
        return Response(self.get_serializer(case).data)
