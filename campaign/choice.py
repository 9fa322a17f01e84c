"""Which campaign a request is about: one rule for every page, export and API endpoint.

Cities run a campaign in batches, so several campaigns live side by side and each stays
readable after the next begins. The campaign a request answers for is, in this order:

1. the one asked for by `?campaign=<id>` (pages and API alike);
2. the person's remembered choice (the top bar's switcher stores it in the session);
3. the newest campaign the person can see that has begun (else the newest).

A campaign the person cannot see (or an id that is not one) answers 404, never another
campaign's records. Pages remember a campaign asked for by `?campaign=`, so the links of a page
opened for campaign A keep showing A; the API never writes the session.
"""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _

from campaign.models import Campaign, User
from campaign.selectors import campaigns_visible_to, current_campaign

SESSION_KEY = "chosen_campaign_id"
QUERY_PARAM = "campaign"
_CACHE_ATTR = "_chosen_campaign"


def campaign_visible(user: User, campaign_id) -> Campaign:
    """The campaign `campaign_id` if the user may see it; Http404 otherwise (a stranger's
    campaign and a missing one answer alike)."""
    try:
        pk = int(str(campaign_id).strip())
    except (TypeError, ValueError) as exc:
        raise Http404(_("Campaign “%(value)s” is not a campaign number.") % {"value": campaign_id}) from exc
    campaign = campaigns_visible_to(user).filter(pk=pk).first()
    if campaign is None:
        raise Http404(_("No campaign %(id)s that you may see.") % {"id": pk})
    return campaign


def _session(request):
    return getattr(request, "session", None)


def chosen_campaign(request, *, remember: bool = True) -> Campaign | None:
    """The campaign this request answers for (see the module's docstring), or None when the
    person can see no campaign at all. Computed once per request."""
    cached = getattr(request, _CACHE_ATTR, False)
    if cached is not False:
        return cached
    user = request.user
    asked = request.GET.get(QUERY_PARAM, "").strip()
    session = _session(request)
    if asked:
        campaign = campaign_visible(user, asked)
        if remember and session is not None and user.is_authenticated:
            session[SESSION_KEY] = campaign.pk
    else:
        campaign = None
        remembered = session.get(SESSION_KEY) if session is not None else None
        if remembered is not None:
            campaign = campaigns_visible_to(user).filter(pk=remembered).first()
        if campaign is None:
            campaign = current_campaign(user)
    setattr(request, _CACHE_ATTR, campaign)
    return campaign


def chosen_campaign_or_404(request, *, remember: bool = True) -> Campaign:
    campaign = chosen_campaign(request, remember=remember)
    if campaign is None:
        raise Http404(_("There is no campaign yet."))
    return campaign


def campaign_shown(request, *, campaign: Campaign) -> None:
    """A page about one record shows the record's campaign, whichever is chosen: the top bar
    names that campaign (the choice itself is not changed)."""
    setattr(request, _CACHE_ATTR, campaign)


def campaign_remember(request, *, campaign: Campaign) -> None:
    """Store the person's choice (the switcher); the caller has checked it is visible."""
    request.session[SESSION_KEY] = campaign.pk
    setattr(request, _CACHE_ATTR, campaign)
