from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RectificationConfig(AppConfig):
    name = "rectification"
    verbose_name = _("Rectification")

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
