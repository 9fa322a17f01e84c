"""Scheduled jobs of the rectification app: thin wrappers around services, safe to run twice."""

from celery import shared_task
from django.utils import timezone

from campaign.models import Campaign
from rectification.services.dispatch import dispatch_run


@shared_task(name="rectification.tasks.run_dispatch")
def run_dispatch() -> list[dict]:
    """Daily: for every running campaign, open the dispatch round, record misses, remind."""
    today = timezone.localdate()
    return [
        dispatch_run(campaign=campaign, today=today)
        for campaign in Campaign.objects.filter(start_date__lte=today, end_date__gte=today)
    ]
