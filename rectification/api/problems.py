"""The problem list (问题清单) over HTTP: read through the selectors, written through the
problem services."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from campaign.api import query_int, visible_unit
from campaign.models import Unit
from rectification import selectors
from rectification.api.common import fresh, validated
from rectification.models import Measure, Problem
from rectification.services import measures as measure_services


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
        data = validated(self.get_serializer(data=request.data))
        unit = visible_unit(user=request.user, pk=data.pop("unit").pk)
        problem = measure_services.problem_create(by=request.user, campaign=unit.campaign, unit=unit, **data)
        return Response(fresh(self, problem.pk), status=status.HTTP_201_CREATED)

    def perform_update(self, serializer):
        data = {k: v for k, v in serializer.validated_data.items() if k in measure_services.PROBLEM_EDITABLE}
        measure_services.problem_update(problem=serializer.instance, by=self.request.user, **data)

    def update(self, request, *args, **kwargs):
        super().update(request, *args, **kwargs)
        return Response(fresh(self, kwargs["pk"]))
