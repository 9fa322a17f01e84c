from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from campaign import demo


class Command(BaseCommand):
    help = "Load the demo campaign (idempotent). Refuses to run in production."

    def handle(self, *args, **options):
        if getattr(settings, "PRODUCTION", False):
            raise CommandError(
                "load_demo refuses to run with APP_ENV=production: it creates accounts with a known password."
            )
        campaign = demo.load()
        self.stdout.write(self.style.SUCCESS(f"Demo campaign ready: {campaign.name} ({campaign.units.count()} units)"))
        self.stdout.write(f"Demo logins (password {demo.PASSWORD}): office, liaison, inspector, leader")
