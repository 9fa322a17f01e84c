"""Sending a notice: one interface, several channels.

The rules (who is told what, once) call `send`; `send` records the notice in-app — the bell,
whose one row per person and occasion (`key`) is what makes a notice go "exactly once" — and
hands the fresh rows to every delivery channel in `settings.NOTICE_CHANNELS`. E-mail is one;
a government SMS or WeChat Work gateway is one more class with a `deliver` method, added to
the setting, without touching the rules.

Links in notices are site paths; a channel that leaves the site (mail, SMS) makes them
absolute with `absolute_url` (settings.SITE_URL).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from campaign.models import Notification, User


@dataclass(frozen=True)
class Notice:
    key: str  # the occasion: one notice per person and key, ever
    title: str
    body: str = ""
    path: str = ""  # a site path ("/rectification/measures/7/")


class Channel(Protocol):
    """A way to reach people besides the bell. `deliver` gets the notifications just recorded
    (each new to its person); it must not raise for one person's bad address, and should hand
    slow work to a worker (the outbox) rather than block the caller."""

    def deliver(self, *, notice: Notice, notifications: list[Notification]) -> None: ...


def absolute_url(path: str) -> str:
    """A site path as a link that works outside the site (a mail client, a phone)."""
    if not path or "://" in path:
        return path
    return settings.SITE_URL.rstrip("/") + "/" + path.lstrip("/")


class EmailChannel:
    """Mail, sent by a worker after the commit (campaign.services.notifications_mail), to the
    people who have an address."""

    def deliver(self, *, notice: Notice, notifications: list[Notification]) -> None:
        from campaign.outbox import outbox_enqueue

        user_ids = sorted({note.user_id for note in notifications if note.user.email})
        if user_ids:
            outbox_enqueue(task="campaign.tasks.mail_notifications", key=notice.key, user_ids=user_ids)


@cache
def channels() -> list[Channel]:
    return [import_string(path)() for path in settings.NOTICE_CHANNELS]


def record(*, users: Iterable[User | None], key: str, title: str, body: str = "", url: str = "") -> list[Notification]:
    """The bell: one notification per active person for an occasion (`key`); a person who already
    has one for that key gets nothing new. Returns the notifications created."""
    users = [u for u in users if u is not None and u.is_active]
    already = set(Notification.objects.filter(key=key, user__in=users).values_list("user_id", flat=True))
    fresh = [Notification(user=u, key=key, title=title[:200], body=body, url=url) for u in users if u.pk not in already]
    return Notification.objects.bulk_create(fresh, ignore_conflicts=True)


def send(*, notice: Notice, users: Iterable[User | None]) -> list[Notification]:
    """Tell `users` (each once per `notice.key`) in-app and through every channel. Returns the
    notifications created (none for people who already had this one)."""
    created = record(users=users, key=notice.key, title=notice.title, body=notice.body, url=notice.path)
    if created:
        for channel in channels():
            channel.deliver(notice=notice, notifications=created)
    return created


def withdraw(*, key_prefix: str) -> int:
    """Withdraw the unread notices whose occasion starts with `key_prefix` (their cause is
    gone); read ones stay as the record of what was said. Returns how many were withdrawn."""
    deleted, _ = Notification.objects.filter(key__startswith=key_prefix, read_at__isnull=True).delete()
    return deleted
