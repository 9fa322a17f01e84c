"""On-site checks (实地查看) over HTTP, recorded through the special-rectification services."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from campaign.api import query_int, visible_unit
from campaign.models import Unit
from rectification import selectors
from rectification.api.common import fresh, validated
from rectification.models import Measure, Problem, SiteVisit
from rectification.services import special as special_services


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
        data = validated(self.get_serializer(data=request.data))
        unit = visible_unit(user=request.user, pk=data.pop("unit").pk)
        problems = [
            get_object_or_404(selectors.problems_visible_to(request.user), pk=p.pk) for p in data.pop("problems", [])
        ]
        reopen = data.pop("reopen_measure")
        if reopen is not None:
            reopen = get_object_or_404(selectors.measures_visible_to(request.user), pk=reopen.pk)
        visit = special_services.site_visit_record(
            by=request.user, unit=unit, problems=problems, reopen_measure=reopen, **data
        )
        return Response(fresh(self, visit.pk), status=status.HTTP_201_CREATED)
