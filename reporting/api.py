"""The reporting app over HTTP: stored roll-ups, bulletins (with the Word file), the figures."""

from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from campaign import selectors as access
from campaign.api import campaign_in_body, query_int
from campaign.choice import chosen_campaign
from campaign.models import Campaign
from config.api import Pagination
from rectification import selectors as rect_selectors
from rectification.models import Closure
from reporting.figures import rollups as rollup_columns
from reporting.figures.values import figure_rows
from reporting.listfilters import BULLETIN_FILTERS
from reporting.models import Bulletin, Summary
from reporting.selectors.dashboard import as_of_day, dashboard, formula, scorecard_cells
from reporting.selectors.summaries import bulletins_visible_to, summary_list
from reporting.selectors.work_queue import work_queue
from reporting.services import bulletins as bulletin_services
from reporting.services.bulletins import bulletin_docx
from reporting.views.common import DOCX, parse_day


class SummarySerializer(serializers.ModelSerializer):
    # Plain strings in the schema: "daily", "weekly", "monthly" (no enum named after "kind",
    # which several apps use for different sets).
    kind = serializers.CharField(read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True, default=None)
    records = serializers.SerializerMethodField(
        help_text="Each counted figure's API list (with its period filters): its `count` is the figure."
    )

    class Meta:
        model = Summary
        fields = [
            "id",
            "campaign",
            "kind",
            "period_start",
            "period_end",
            "unit",
            "unit_name",
            "figures",
            "change",
            "computed_at",
            "locked_at",
            "records",
        ]

    def get_records(self, row: Summary) -> dict[str, str]:
        # The period's days and campaign once per page, not once per row (reporting/figures/rollups.py).
        cache = self.context.setdefault("rollup_periods", {})
        key = (row.campaign_id, row.period_start, row.period_end)
        if key not in cache:
            campaign = Campaign.objects.get(pk=row.campaign_id)
            cache[key] = (campaign, rollup_columns.period_days(campaign, row.period_start, row.period_end))
        campaign, days = cache[key]
        return {
            column.key: column.api_url(campaign, row.period_start, row.period_end, row.unit_id, days=days)
            for column in rollup_columns.COLUMNS
            if not column.derived and column.family.api and not (row.unit_id and column.overall_only)
        }


class SummaryViewSet(viewsets.ReadOnlyModelViewSet):
    """Stored daily, weekly and monthly roll-ups. Filters: `kind` (daily, weekly, monthly),
    `period` (a day inside the period, YYYY-MM-DD), `unit` (id), `overall=true` (the overall
    rows only; office and leaders). Inspectors and liaisons see their units' rows only."""

    serializer_class = SummarySerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", str, enum=["daily", "weekly", "monthly"]),
            OpenApiParameter("period", str),
            OpenApiParameter("unit", int),
            OpenApiParameter("overall", bool),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        return summary_list(
            user=self.request.user,
            kind=params.get("kind", ""),
            day=parse_day(params.get("period")),
            unit_id=query_int(self.request, "unit"),
            overall=params.get("overall") == "true",
        )


class BulletinSerializer(serializers.ModelSerializer):
    heading = serializers.CharField(read_only=True)
    kind = serializers.CharField(read_only=True, help_text="weekly (周报) or briefing (简报)")
    status = serializers.CharField(read_only=True, help_text="draft or published")

    class Meta:
        model = Bulletin
        fields = [
            "id",
            "campaign",
            "kind",
            "number",
            "heading",
            "title",
            "period_start",
            "period_end",
            "body",
            "status",
            "published_at",
        ]


class BulletinCreateSerializer(serializers.Serializer):
    campaign = serializers.IntegerField(
        required=False, help_text="The campaign (default: the one the request is about)."
    )
    kind = serializers.ChoiceField(choices=Bulletin.Kind.choices, help_text="weekly (周报) or briefing (简报)")
    day = serializers.DateField(help_text="A day in the week the bulletin covers.")
    cases = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text="A briefing: the typical cases to feature (default: every case of the week).",
    )


class BulletinUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    body = serializers.CharField()


class BulletinViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    """Numbered weekly reports (周报) and briefings (简报): published ones for staff, drafts for
    the office. The office drafts (`POST`, one per kind and week), edits a draft (`PATCH` title and
    body), publishes it (`POST bulletins/{id}/publish/`, taking the next number; issues are numbered
    in the order of their weeks) or deletes a draft (`DELETE`). `GET bulletins/{id}/docx/`
    downloads the Word file. Filter: `kind`."""

    serializer_class = BulletinSerializer
    list_filters = BULLETIN_FILTERS

    def get_queryset(self):
        return bulletins_visible_to(self.request.user).order_by("kind", "-number", "-pk")

    @extend_schema(request=BulletinCreateSerializer, responses={201: BulletinSerializer})
    def create(self, request):
        body = BulletinCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        bulletin = bulletin_services.bulletin_create(
            by=request.user,
            campaign=campaign_in_body(request),
            kind=data["kind"],
            day=data["day"],
            case_ids=data.get("cases"),
        )
        return Response(BulletinSerializer(bulletin).data, status=201)

    @extend_schema(request=BulletinUpdateSerializer, responses={200: BulletinSerializer})
    def partial_update(self, request, pk=None):
        bulletin = self.get_object()
        body = BulletinUpdateSerializer(data={"title": bulletin.title, "body": bulletin.body, **_fields(request)})
        body.is_valid(raise_exception=True)
        bulletin = bulletin_services.bulletin_update(by=request.user, bulletin=bulletin, **body.validated_data)
        return Response(BulletinSerializer(bulletin).data)

    def perform_destroy(self, instance):
        bulletin_services.bulletin_delete(by=self.request.user, bulletin=instance)

    @extend_schema(request=None, responses={200: BulletinSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        bulletin = bulletin_services.bulletin_publish(by=request.user, bulletin=self.get_object())
        return Response(BulletinSerializer(bulletin).data)

    @extend_schema(responses={(200, DOCX): bytes})
    @action(detail=True, methods=["get"])
    def docx(self, request, pk=None):
        bulletin = self.get_object()
        response = HttpResponse(bulletin_docx(bulletin), content_type=DOCX)
        response["Content-Disposition"] = (
            f'attachment; filename="bulletin-{bulletin.kind}-{bulletin.number or "draft"}.docx"'
        )
        return response


def _fields(request) -> dict:
    """The title and body sent, whatever else the body holds (a body that is not an object sends none)."""
    data = request.data if hasattr(request.data, "get") else {}
    return {name: data[name] for name in ("title", "body") if name in data}


class ReadsEverything(permissions.BasePermission):
    message = "The campaign figures are for the office and leaders."

    def has_permission(self, request, view):
        return access.reads_everything(request.user)


class FigureSerializer(serializers.Serializer):
    key = serializers.CharField()
    line = serializers.CharField(
        help_text="The work line: push, study, research, development, rectification, institutions."
    )
    label = serializers.CharField()
    value = serializers.DecimalField(
        max_digits=20, decimal_places=2, allow_null=True, coerce_to_string=False,
        help_text="Null for a figure the system does not count (an outside statistic nobody entered).",
    )  # fmt: skip
    unit = serializers.CharField(help_text="The unit of measure the value is in (个, 条, 人次, 万件, %…).")
    aggregate = serializers.ChoiceField(
        choices=["count", "distinct", "sum", "indicator"],
        help_text="count: `records`' `count` equals the value; distinct and sum: its `total` does; indicator: the "
        "value of the newest period `records` lists.",
    )
    computed = serializers.BooleanField()
    records = serializers.CharField(help_text="The API list of exactly the records behind the value.")
    url = serializers.CharField(help_text="The page that lists them.")


@extend_schema_serializer(many=False)  # the `list` action answers one object, not a list of them
class FiguresSerializer(serializers.Serializer):
    campaign = serializers.IntegerField(allow_null=True)
    as_of = serializers.DateField()
    count = serializers.IntegerField()
    results = FigureSerializer(many=True)


def figure_json(request, row) -> dict:
    value = row.value
    return {
        "key": row.key,
        "line": row.line,
        "label": row.label,
        "value": value,
        "unit": str(row.unit),
        "aggregate": row.aggregate,
        "computed": row.computed,
        "records": request.build_absolute_uri(row.records) if row.records else "",
        "url": request.build_absolute_uri(row.url) if row.url else "",
    }


class FigureViewSet(viewsets.ViewSet):
    """The campaign's summary figures (DOMAIN.md) as of `as_of` (YYYY-MM-DD, default today), of the
    campaign `campaign` (default the newest): for each its `key`, `label`, `value`, `unit`,
    `aggregate` and `records`, the API list of exactly the records behind it (its `count`, or for
    sums and distinct counts its `total`, equals `value`). `value` is null for a figure the system
    does not count."""

    permission_classes = [permissions.IsAuthenticated, ReadsEverything]

    @extend_schema(
        parameters=[OpenApiParameter("as_of", str), OpenApiParameter("campaign", int)],
        responses={200: FiguresSerializer},
    )
    def list(self, request):
        campaign = chosen_campaign(request, remember=False)
        as_of = parse_day(request.query_params.get("as_of"), timezone.localdate())
        if campaign is None:
            return Response({"campaign": None, "as_of": as_of, "count": 0, "results": []})
        results = [figure_json(request, row) for row in figure_rows(campaign=campaign, as_of=as_of)]
        return Response({"campaign": campaign.pk, "as_of": as_of, "count": len(results), "results": results})


class SeesDashboard(permissions.BasePermission):
    message = "The dashboard is for the office, leaders and inspection groups."

    def has_permission(self, request, view):
        return access.reads_everything(request.user) or access.is_inspector(request.user)


def _cells_json(request, cells: dict) -> list[dict]:
    return [
        {
            "key": key,
            "label": cell["label"],
            "value": cell["value"],
            "records": request.build_absolute_uri(cell["records"]),
            "url": request.build_absolute_uri(cell["url"]),
        }
        for key, cell in cells.items()
    ]


class WorkQueueItemSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField(help_text="What `url` lists for the caller (that page's count).")
    url = serializers.CharField(help_text="The page listing exactly the records counted.")
    oldest = serializers.DateTimeField(
        allow_null=True, help_text="When the record waiting longest began waiting (null: not a waiting line)."
    )
    age_days = serializers.IntegerField(allow_null=True, help_text="Whole days since `oldest`.")
    note = serializers.CharField(help_text="More about the line (a deadline), or empty.")
    # A plain string in the schema (an enum named "level" would collide with the problems' level).
    level = serializers.CharField(help_text="bad (overdue, failed), warn (to do), info, done (nothing to do).")
    status = serializers.BooleanField(help_text="One fact about the caller's own work, not a count of records.")


@extend_schema_serializer(many=False)  # the `list` action answers one object, not a list of them
class WorkQueueSerializer(serializers.Serializer):
    campaign = serializers.IntegerField(allow_null=True)
    count = serializers.IntegerField(help_text="How many lines have something to do.")
    results = WorkQueueItemSerializer(many=True)


class WorkQueueViewSet(viewsets.ViewSet):
    """What waits on the caller today, as on their home page: the office's (and a leader's) the
    campaign's, a liaison's their unit's, an inspector's their groups' units'. Every line is
    answered, those at 0 too: `key`, `label`, `count`, `url` (the page listing exactly the
    records counted), `oldest` and `age_days` (the longest wait), `note`, `level`, `status`."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(parameters=[OpenApiParameter("campaign", int)], responses={200: WorkQueueSerializer})
    def list(self, request):
        campaign = chosen_campaign(request, remember=False)
        now = timezone.now()
        items = work_queue(user=request.user, campaign=campaign, now=now)
        results = []
        for item in items:
            row = item.as_json(now)
            row["url"] = request.build_absolute_uri(item.url)
            row["status"] = item.status
            results.append(row)
        return Response(
            {
                "campaign": campaign.pk if campaign else None,
                "count": sum(1 for item in items if item.count),
                "results": results,
            }
        )


class DashboardCellSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    value = serializers.IntegerField()
    records = serializers.CharField(help_text="The API list of exactly the records counted (its `count` is `value`).")
    url = serializers.CharField(help_text="The page that lists them.")


class DashboardWeekSerializer(serializers.Serializer):
    week = serializers.DateField(help_text="The Monday of the week.")
    cells = DashboardCellSerializer(many=True)


class DashboardClosureWeekSerializer(serializers.Serializer):
    week = serializers.DateField(help_text="The Monday of the week.")
    value = serializers.IntegerField(help_text="Closures signed off in the week.")
    records = serializers.CharField()
    url = serializers.CharField()


class ScorecardRowSerializer(serializers.Serializer):
    unit = serializers.IntegerField()
    unit_name = serializers.CharField()
    score = serializers.FloatField()
    rank = serializers.IntegerField()
    cells = DashboardCellSerializer(many=True)


@extend_schema_serializer(many=False)  # the `list` action answers one object, not a list of them
class DashboardSerializer(FiguresSerializer):
    weeks = DashboardWeekSerializer(many=True, help_text="Reporting by week, the weeks whose deadline had passed.")
    closure_weeks = DashboardClosureWeekSerializer(many=True)
    scorecard_count = serializers.IntegerField(help_text="Every unit's row, over all pages.")
    scorecard_next = serializers.CharField(allow_null=True, help_text="The next page of the scorecard, or null.")
    scorecard_previous = serializers.CharField(allow_null=True, help_text="The previous page, or null.")
    scorecard = ScorecardRowSerializer(many=True, help_text="One page of the per-unit scorecard.")
    formula = serializers.CharField(help_text="How the score is computed.")


class DashboardViewSet(viewsets.ViewSet):
    """The dashboard's numbers for the caller (an inspector's count only their groups' units), of
    the campaign `campaign` (default the newest), as of `as_of` (YYYY-MM-DD, default today, never
    after it; before the campaign began everything is 0). `results`: the headline numbers, each
    with `key`, `label`, `value`, `unit`, `aggregate` and `records`, the API list whose `count`
    equals `value` for the same caller. `weeks` (reporting by week, the weeks whose deadline had
    passed) and `scorecard` (per unit) give each cell the same way; `reports_due` counts weeks
    owed, not records: its `records` lists the unit's reports of those weeks. The scorecard
    comes a page at a time, as every list does (`page`, `page_size`: 50 rows, up to 200):
    `scorecard_count` is every unit's row, `scorecard_next` and `scorecard_previous` the other
    pages (null at either end); the headline, weeks and closures are whole on every page."""

    permission_classes = [permissions.IsAuthenticated, SeesDashboard]

    @extend_schema(
        parameters=[
            OpenApiParameter("campaign", int),
            OpenApiParameter("as_of", str),
            OpenApiParameter("page", int, description="The scorecard's page (1, 2, ...)."),
            OpenApiParameter("page_size", int, description="Scorecard rows a page: 50 unless asked, 200 at most."),
        ],
        responses={200: DashboardSerializer},
    )
    def list(self, request):
        campaign = chosen_campaign(request, remember=False)
        as_of = as_of_day(parse_day(request.query_params.get("as_of")))
        if campaign is None:  # no campaign yet: every part, empty
            empty = {"weeks": [], "closure_weeks": [], "scorecard_count": 0, "scorecard": [], "formula": formula()}
            empty.update(scorecard_next=None, scorecard_previous=None)
            return Response({"campaign": None, "as_of": as_of, "count": 0, "results": [], **empty})
        data = dashboard(user=request.user, campaign=campaign, today=as_of)
        results = [figure_json(request, row) for row in data["headline"]]
        weeks = [{"week": w["week"], "cells": _cells_json(request, w["cells"])} for w in data["weeks"]]
        closures = [
            {
                "week": w["week"],
                "value": w["n"],
                "records": request.build_absolute_uri(w["records"]),
                "url": request.build_absolute_uri(w["url"]),
            }
            for w in data["closure_weeks"]
        ]
        # 10,000 units' rows with six cells of two links each were 25 MB and two seconds of JSON.
        pages = Pagination()
        shown = pages.paginate_queryset(data["scorecard"], request, view=self)
        scorecard = [
            {
                "unit": row["unit_id"],
                "unit_name": row["unit"],
                "score": row["score"],
                "rank": row["rank"],
                "cells": _cells_json(request, row["cells"]),
            }
            for row in scorecard_cells(data["links"], shown)
        ]
        return Response(
            {
                "campaign": campaign.pk,
                "as_of": as_of,
                "count": len(results),
                "results": results,
                "weeks": weeks,
                "closure_weeks": closures,
                "scorecard_count": pages.page.paginator.count,
                "scorecard_next": pages.get_next_link(),
                "scorecard_previous": pages.get_previous_link(),
                "scorecard": scorecard,
                "formula": data["formula"],
            }
        )


class ClosureListSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = Closure
        fields = [
            "id",
            "measure",
            "special_task",
            "unit",
            "unit_name",
            "status",
            "result_percent",
            "due_on",
            "late",
            "requested_at",
            "decided_at",
            "reopened_at",
        ]


class ClosureViewSet(viewsets.ReadOnlyModelViewSet):
    """Closures of measures and special-rectification tasks, cut to the caller's units (the
    dashboard's closure numbers list them). Filters: `as_of` (signed off by the day and not
    reopened by then), `signed_off_in_week` (a day of the week), `unit`."""

    serializer_class = ClosureListSerializer
    permission_classes = [permissions.IsAuthenticated, SeesDashboard]
    list_filters = rect_selectors.LIST_FILTERS[Closure]
    campaign_path = "unit__campaign"

    def get_queryset(self):
        rows = access.cut_to_units(Closure.objects.all(), self.request.user, path="unit")
        return rows.select_related("unit").order_by("-decided_at", "-id")


def register(router) -> None:
    router.register("dashboard", DashboardViewSet, basename="dashboard")
    router.register("work-queue", WorkQueueViewSet, basename="work-queue")
    router.register("summaries", SummaryViewSet, basename="summary")
    router.register("bulletins", BulletinViewSet, basename="bulletin")
    router.register("figures", FigureViewSet, basename="figure")
    router.register("closures", ClosureViewSet, basename="closure")
