from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from campaign import choice, contributions, selectors
from campaign.models import Notification


def navigation(request):
    """The menu a person sees: only the rooms their role may enter.

    Other apps add their rooms through `campaign.contributions.nav`, as (order, label, url)
    tuples, so this app imports none of them."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": [], "unread_notifications": 0, "campaign_switch": None}
    items = [(0, _("Home"), reverse("home"))]
    if selectors.is_liaison(user):
        unit = selectors.liaison_unit(user)
        if unit is not None:
            items.append((10, _("My unit"), reverse("unit-detail", args=[unit.pk])))
    else:
        # Inspection groups and the roster import are reached from the units page.
        items.append((10, _("Units"), reverse("unit-list")))
    if selectors.is_office(user):
        items.append((99, _("Admin"), reverse("admin:index")))
    items.extend(contributions.nav_items(user))
    items.sort(key=lambda item: item[0])
    unread = Notification.objects.filter(user=user, read_at__isnull=True).count()
    return {
        "nav": [(label, url) for _order, label, url in items],
        "unread_notifications": unread,
        "campaign_switch": campaign_switch(request),
    }


def campaign_switch(request) -> dict | None:
    """The campaign the page shows, named in the top bar, and the others the person may switch
    to (a switcher only when there is more than one)."""
    try:
        shown = choice.chosen_campaign(request)
    except Http404:  # the page itself answers 404 for a campaign not to be seen
        shown = None
    if shown is None:
        return None
    others = list(selectors.campaigns_visible_to(request.user).order_by("-start_date", "-batch")[:50])
    return {"shown": shown, "choices": others if len(others) > 1 else []}
