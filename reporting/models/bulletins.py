"""Numbered weekly reports (周报) and briefings (简报)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from campaign.models import Campaign, User


class Bulletin(models.Model):
    class Kind(models.TextChoices):
        WEEKLY = "weekly", _("Weekly bulletin")
        BRIEFING = "briefing", _("Briefing")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="bulletins")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    number = models.PositiveIntegerField(_("number"), null=True, blank=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    body = models.TextField(_("text"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bulletin")
        verbose_name_plural = _("bulletins")
        ordering = ["-period_start", "kind", "-number"]
        constraints = [
            # Numbers are per kind and never reused; a draft has none until it is published.
            models.UniqueConstraint(fields=["campaign", "kind", "number"], name="bulletin_unique_number"),
            # One issue per kind and week (drafts too, refused by the service).
            models.UniqueConstraint(
                fields=["campaign", "kind", "period_start"],
                condition=Q(status="published"),
                name="bulletin_one_per_kind_and_week",
                violation_error_message=_("This week's bulletin of this kind is already published."),
            ),
            models.CheckConstraint(
                condition=Q(status="draft", number__isnull=True, published_at__isnull=True)
                | Q(status="published", number__isnull=False, published_at__isnull=False),
                name="bulletin_number_when_published",
                violation_error_message=_("Number: a published bulletin has its number and date; a draft has neither."),
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="bulletin_period_order",
                violation_error_message=_("Period end: the period ends on or after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.heading

    @property
    def heading(self) -> str:
        name = {"weekly": "周报", "briefing": "简报"}[self.kind]
        if self.number:
            return f"主题教育{name} 第{self.number}期"
        return f"主题教育{name}（草稿）"
