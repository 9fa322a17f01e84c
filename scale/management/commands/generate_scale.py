"""Build a synthetic province-scale campaign for benchmarks (see scale/generate/__init__.py)."""

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from scale.generate import Progress, generate


class Command(BaseCommand):
    help = "Generate a synthetic campaign of N units and W weeks of data, written in bulk (never in production)."

    def add_arguments(self, parser):
        parser.add_argument("--units", type=int, required=True)
        parser.add_argument("--weeks", type=int, default=26)
        parser.add_argument("--campaign-name", default="")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--password",
            default=None,
            help="One password for every generated user (hashed once); default: an unusable password.",
        )
        parser.add_argument("--quiet", action="store_true", help="No progress bar.")
        parser.add_argument(
            "--no-bands", action="store_true", help="Do not write the copy-paste index of the generated reports."
        )

    def handle(self, *args, units, weeks, campaign_name, seed, password, quiet, no_bands=False, **options):
        if getattr(settings, "PRODUCTION", False) or getattr(settings, "APP_ENV", "") == "production":
            raise CommandError("generate_scale refuses to run with APP_ENV=production.")
        if units < 1 or weeks < 1:
            raise CommandError("--units and --weeks must be at least 1.")
        result = generate(
            units=units,
            weeks=weeks,
            campaign_name=campaign_name,
            seed=seed,
            password=password,
            progress=Progress(enabled=not quiet),
            bands=not no_bands,
        )
        rows = result["rows"]
        width = max(len(k) for k in rows)
        for model, count in rows.items():
            self.stdout.write(f"{model:<{width}}  {count:>10,}")
        self.stdout.write(f"{'total':<{width}}  {sum(rows.values()):>10,}  in {result['seconds']} s")
        self.stdout.write(json.dumps({"generate_scale": {"units": units, "weeks": weeks, **result}}))
