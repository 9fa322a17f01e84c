from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RectificationConfig(AppConfig):
    name = "rectification"
    verbose_name = _("Rectification")

    def ready(self):
        from rectification import importers  # noqa: F401 - registers the problem-list import
        from rectification.services import versions

        versions.connect()

    def nav_items(self, user):
        """Menu entries (order, label, url) for the roles that may enter."""
        from django.urls import reverse

        from campaign import selectors

        if not user.is_authenticated:
            return []
        items = [(40, _("Problems"), reverse("rect-problem-list"))]
        items.append(
            (41, _("My measures") if selectors.is_liaison(user) else _("Measures"), reverse("rect-measure-list"))
        )
        if selectors.is_office(user) or selectors.is_inspector(user):
            items.append((42, _("Review"), reverse("rect-review")))
        items.append((43, _("Rectification work"), reverse("rect-hub")))
        return items

    def week_records(self, unit, start, end):
        """Measure progress and closures the unit recorded in a week, for its weekly report."""
        import datetime as dt

        from django.urls import reverse
        from django.utils import timezone

        from rectification.models import Closure, MeasureProgress

        since = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
        until = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))
        url = reverse("rect-measure-list")
        return [
            {
                "label": _("Measure progress updates"),
                "count": MeasureProgress.objects.filter(
                    measure__responsible_unit=unit, reported_on__range=(start, end)
                ).count(),
                "url": url,
            },
            {
                "label": _("Closures requested"),
                "count": Closure.objects.filter(
                    measure__responsible_unit=unit, requested_at__gte=since, requested_at__lt=until
                ).count(),
                "url": url,
            },
            {
                "label": _("Closures signed off"),
                "count": Closure.objects.filter(
                    measure__responsible_unit=unit,
                    status=Closure.Status.SIGNED_OFF,
                    decided_at__gte=since,
                    decided_at__lt=until,
                ).count(),
                "url": url,
            },
        ]
