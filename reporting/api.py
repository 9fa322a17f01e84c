"""The reporting app over HTTP: stored roll-ups, bulletins (with the Word file), the figures."""

from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from campaign import selectors as access
from campaign.api import query_int
from campaign.choice import chosen_campaign
from reporting.models import Bulletin, Summary
from reporting.selectors.figures import campaign_figures
from reporting.selectors.summaries import bulletins_visible_to, summary_list
from reporting.services.bulletins import bulletin_docx
from reporting.views.common import DOCX, parse_day


class SummarySerializer(serializers.ModelSerializer):
    # Plain strings in the schema: "daily", "weekly", "monthly" (no enum named after "kind",
    # which several apps use for different sets).
    kind = serializers.CharField(read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True, default=None)

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
        ]


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


class BulletinViewSet(viewsets.ReadOnlyModelViewSet):
    """Numbered weekly reports (周报) and briefings (简报): published ones for staff, drafts for
    the office. `GET bulletins/{id}/docx/` downloads the Word file. Filter: `kind`."""

    serializer_class = BulletinSerializer

    def get_queryset(self):
        bulletins = bulletins_visible_to(self.request.user).order_by("kind", "-number", "-pk")
        kind = self.request.query_params.get("kind")
        return bulletins.filter(kind=kind) if kind else bulletins

    @extend_schema(responses={(200, DOCX): bytes})
    @action(detail=True, methods=["get"])
    def docx(self, request, pk=None):
        bulletin = self.get_object()
        response = HttpResponse(bulletin_docx(bulletin), content_type=DOCX)
        response["Content-Disposition"] = (
            f'attachment; filename="bulletin-{bulletin.kind}-{bulletin.number or "draft"}.docx"'
        )
        return response


class ReadsEverything(permissions.BasePermission):
    message = "The campaign figures are for the office and leaders."

    def has_permission(self, request, view):
        return access.reads_everything(request.user)


class FigureViewSet(viewsets.ViewSet):
    """The campaign's summary figures (DOMAIN.md), as of `as_of` (YYYY-MM-DD, default today),
    grouped by line; `value` is null for a figure the system does not compute; `url` opens the
    records behind it."""

    permission_classes = [permissions.IsAuthenticated, ReadsEverything]

    @extend_schema(parameters=[OpenApiParameter("as_of", str)], responses={200: dict})
    def list(self, request):
        campaign = chosen_campaign(request, remember=False)
        as_of = parse_day(request.query_params.get("as_of"), timezone.localdate())
        if campaign is None:
            return Response({"as_of": as_of, "results": []})
        groups = campaign_figures(campaign=campaign, as_of=as_of)
        results = [
            {
                "key": f.key,
                "line": code,
                "label": f.label,
                "value": f.value,
                "computed": f.computed,
                "url": request.build_absolute_uri(f.url),
            }
            for code, _label, figures in groups
            for f in figures
        ]
        return Response({"campaign": campaign.pk, "as_of": as_of, "count": len(results), "results": results})


def register(router) -> None:
    router.register("summaries", SummaryViewSet, basename="summary")
    router.register("bulletins", BulletinViewSet, basename="bulletin")
    router.register("figures", FigureViewSet, basename="figure")
