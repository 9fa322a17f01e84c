from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, transaction


class Command(BaseCommand):
    help = "Load the demo campaign (idempotent). Refuses to run in production."

    def handle(self, *args, **options):
        if getattr(settings, "PRODUCTION", False):
            raise CommandError(
                "load_demo refuses to run with APP_ENV=production: it creates accounts with a known password."
            )
        # Each app may bring its part of the demo in `<app>/demo.py` with a `load()`;
        # they run in INSTALLED_APPS order, so campaign's structure comes first.
        try:
            with transaction.atomic():
                for app in apps.get_app_configs():
                    if app.name.startswith("django.") or find_spec(f"{app.name}.demo") is None:
                        continue
                    summary = import_module(f"{app.name}.demo").load()
                    self.stdout.write(f"{app.verbose_name}: {summary}")
        except IntegrityError as exc:
            if "frozen row" not in str(exc):
                raise
            # The database refuses to rewrite closed or submitted records (campaign/db_guard.py), and
            # this database holds a demo loaded by an earlier version whose closed records differ.
            raise CommandError(
                "This database holds a demo loaded by an earlier version, and its closed or submitted "
                "records cannot be rewritten (nothing was changed). Load the demo into a fresh database: "
                "delete var/db.sqlite3 (or drop and create the PostgreSQL database), then run again."
            ) from exc
        self.stdout.write(self.style.SUCCESS("Demo campaign ready."))
        self.stdout.write("Demo logins (password Demo@2026): office, liaison, inspector, leader")
