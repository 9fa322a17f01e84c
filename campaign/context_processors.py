from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from campaign import selectors


def navigation(request):
    """The menu a person sees: only the rooms their role may enter."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    items = [(_("Home"), reverse("home"))]
    if selectors.is_liaison(user):
        unit = selectors.liaison_unit(user)
        if unit is not None:
            items.append((_("My unit"), reverse("unit-detail", args=[unit.pk])))
    else:
        items.append((_("Units"), reverse("unit-list")))
        items.append((_("Inspection groups"), reverse("inspection-groups")))
    if selectors.is_office(user):
        items.append((_("Roster import"), reverse("roster-import")))
        items.append((_("Admin"), reverse("admin:index")))
    return {"nav": items}
