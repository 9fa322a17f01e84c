from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignConfig(AppConfig):
    name = "campaign"
    verbose_name = _("Campaign structure")

    def ready(self):
        from campaign import (
            importers,  # noqa: F401 - registers the roster import
            jobs,  # noqa: F401 - tells the office of the outbox's jobs given up
        )
