import datetime as dt

from campaign.choice import chosen_campaign_or_404
from campaign.exports import DOCX, XLSX, download  # noqa: F401 - the reporting views import them from here


def campaign_or_404(request):
    """The campaign the page was asked for (`campaign.choice`), or 404."""
    return chosen_campaign_or_404(request)


def parse_day(value: str | None, default: dt.date | None = None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        return default
