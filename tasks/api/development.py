"""Development records over HTTP: `indicators/` (with `{id}/values/`), `livelihood-items/`,
`volunteer-teams/` (with `{id}/projects/`)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from campaign.api import query_int
from tasks.api.records import LEVEL, SEARCH, UNIT, RecordSerializer, RecordViewSet
from tasks.models import CoBuildingProject, Indicator, IndicatorValue, LivelihoodItem, VolunteerTeam
from tasks.selectors import records as selectors
from tasks.services import development as services


class IndicatorValueSerializer(serializers.ModelSerializer):
    class Meta:
        model = IndicatorValue
        fields = ["id", "period_end", "value", "source"]


class IndicatorSerializer(RecordSerializer):
    latest_value = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True, allow_null=True)
    latest_period = serializers.DateField(read_only=True, allow_null=True)

    class Meta:
        model = Indicator
        fields = [
            "id",
            "campaign",
            "work_line",
            "key",
            "name",
            "measure_unit",
            "target",
            "source",
            "description",
            "latest_value",
            "latest_period",
            *RecordSerializer.READ_ONLY,
        ]
        read_only_fields = RecordSerializer.READ_ONLY
        validators = []


class IndicatorViewSet(RecordViewSet):
    """Indicators: outside figures with values by period. The office writes; `{id}/values/`
    lists (GET) or sets (POST, one value a period) the values. Filter: `search`."""

    serializer_class = IndicatorSerializer
    create_service = services.indicator_create
    update_service = services.indicator_update
    instance_arg = "indicator"

    list_selector = selectors.indicator_list
    list_params = {"search": SEARCH}

    @extend_schema(
        methods=["GET"],
        responses=IndicatorValueSerializer(many=True),
        parameters=[OpenApiParameter("as_of", str, description="Only the values of periods ending by this day.")],
    )
    @extend_schema(methods=["POST"], request=IndicatorValueSerializer, responses={201: IndicatorValueSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def values(self, request, pk=None):
        indicator = self.get_object()
        if request.method == "POST":
            serializer = IndicatorValueSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            row = services.indicator_value_set(indicator=indicator, by=request.user, **serializer.validated_data)
            return Response(IndicatorValueSerializer(row).data, status=status.HTTP_201_CREATED)
        values = selectors.LIST_FILTERS[IndicatorValue].apply(indicator.values.order_by("period_end"), request.GET)
        return Response(IndicatorValueSerializer(values, many=True).data)


class LivelihoodItemSerializer(RecordSerializer):
    class Meta:
        model = LivelihoodItem
        fields = [
            *RecordSerializer.COMMON,
            "kind",
            "title",
            "responsible",
            "listed_on",
            "status",
            "solved_on",
            "result",
            *RecordSerializer.READ_ONLY,
        ]
        read_only_fields = RecordSerializer.READ_ONLY


class LivelihoodItemViewSet(RecordViewSet):
    """Livelihood problems, practical matters and business-environment problems.
    Filters: `kind`, `status`, `unit`, `level`, `search`."""

    serializer_class = LivelihoodItemSerializer
    list_filters = selectors.LIST_FILTERS[LivelihoodItem]
    create_service = services.livelihood_item_create
    update_service = services.livelihood_item_update
    instance_arg = "item"

    list_selector = selectors.livelihood_item_list
    list_params = {
        "kind": OpenApiParameter("kind", str, enum=LivelihoodItem.Kind.values),
        "status": OpenApiParameter("status", str, enum=LivelihoodItem.Status.values),
        "unit_id": UNIT,
        "level": LEVEL,
        "search": SEARCH,
    }


class ProjectSerializer(serializers.ModelSerializer):
    class Meta:
        model = CoBuildingProject
        fields = ["id", "title", "agreed_on", "done"]


class VolunteerTeamSerializer(RecordSerializer):
    projects = ProjectSerializer(many=True, read_only=True)

    class Meta:
        model = VolunteerTeam
        fields = [
            *RecordSerializer.COMMON,
            "name",
            "community",
            "formed_on",
            "volunteers",
            "projects",
            *RecordSerializer.READ_ONLY,
        ]
        read_only_fields = RecordSerializer.READ_ONLY
        validators = []


class VolunteerTeamViewSet(RecordViewSet):
    """Volunteer teams with their volunteer counts; `{id}/projects/` adds a co-building project.
    Filters: `unit`, `search`."""

    serializer_class = VolunteerTeamSerializer
    list_filters = selectors.LIST_FILTERS[VolunteerTeam]
    create_service = services.volunteer_team_create
    update_service = services.volunteer_team_update
    instance_arg = "team"

    def get_queryset(self):
        return selectors.volunteer_team_list(
            user=self.request.user, unit_id=query_int(self.request, "unit"), search=self.params().get("search", "")
        ).prefetch_related("projects")

    @extend_schema(request=ProjectSerializer, responses={201: ProjectSerializer})
    @action(detail=True, methods=["post"])
    def projects(self, request, pk=None):
        team = self.get_object()
        serializer = ProjectSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        project = services.co_building_project_add(team=team, by=request.user, **serializer.validated_data)
        return Response(ProjectSerializer(project).data, status=status.HTTP_201_CREATED)


class CoBuildingProjectSerializer(serializers.ModelSerializer):
    team_name = serializers.CharField(source="team.name", read_only=True)
    unit_name = serializers.CharField(source="team.unit.name", read_only=True, default=None)

    class Meta:
        model = CoBuildingProject
        fields = ["id", "team", "team_name", "unit_name", "title", "agreed_on", "done"]


class CoBuildingProjectViewSet(viewsets.ReadOnlyModelViewSet):
    """Co-building projects of the volunteer teams the caller may see (added through
    `volunteer-teams/{id}/projects/`). Filters: `campaign`, `as_of` (agreed by that day)."""

    serializer_class = CoBuildingProjectSerializer
    list_filters = selectors.LIST_FILTERS[CoBuildingProject]

    def get_queryset(self):
        return selectors.co_building_project_list(user=self.request.user)


def register(router) -> None:
    router.register("co-building-projects", CoBuildingProjectViewSet, basename="co-building-project")
    router.register("indicators", IndicatorViewSet, basename="indicator")
    router.register("livelihood-items", LivelihoodItemViewSet, basename="livelihood-item")
    router.register("volunteer-teams", VolunteerTeamViewSet, basename="volunteer-team")
