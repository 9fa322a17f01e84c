import datetime as dt

from django.http import Http404

from campaign.exports import DOCX, XLSX, download  # noqa: F401 - the reporting views import them from here
from campaign.selectors import current_campaign


def campaign_or_404(user):
    campaign = current_campaign(user)
    if campaign is None:
        raise Http404
    return campaign


def parse_day(value: str | None, default: dt.date | None = None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        return default
