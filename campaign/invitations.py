"""Invitations: how a person gets into the app without the office setting 300 passwords.

The office issues a one-time first-login code per person (`invitations_issue`), handed over by
e-mail or on a printed sheet; the person enters their username and the code on the welcome page
and sets their own password (`invitation_accept`). Only a digest of each code is stored, so the
codes are shown once, when issued. A newer invitation withdraws the person's older one; a code
stops working once used, after `INVITATION_DAYS` days, or after `MAX_TRIES` wrong codes."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from campaign.models import Invitation, User
from campaign.services import require_office

logger = logging.getLogger(__name__)

INVITATION_DAYS = 14
MAX_TRIES = 5
# No 0/O, 1/I/L: a code read off paper or a phone screen is typed without doubt.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8


@dataclass(frozen=True)
class IssuedCode:
    user: User
    code: str
    expires_at: dt.datetime


def _new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:4]}-{raw[4:]}"


def _normal(code: str) -> str:
    """What the person typed, as issued: case, spaces and dashes do not matter."""
    plain = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    return f"{plain[:4]}-{plain[4:]}" if len(plain) == CODE_LENGTH else plain


def _digest(code: str) -> str:
    return salted_hmac("campaign.invitation", _normal(code), algorithm="sha256").hexdigest()


@transaction.atomic
def invitations_issue(*, by: User, users: list[User], channel: str, welcome_url: str = "") -> Issued:
    """A fresh code for each person (withdrawing any open one). By e-mail, everyone must have an
    address (nothing is issued otherwise); the codes are returned to be shown once (the printed
    sheet) and are not kept."""
    require_office(by, _("invite people"))
    if channel not in Invitation.Channel.values:
        raise ValidationError(_("Choose how the codes are handed over."))
    people = [user for user in users if user.is_active]
    if not people:
        raise ValidationError(_("Choose at least one active person to invite."))
    if channel == Invitation.Channel.EMAIL:
        without = [user.display_name for user in people if not user.email]
        if without:
            raise ValidationError(
                _("No e-mail address for: %(names)s. Add their addresses, or print a sheet of codes instead.")
                % {"names": "、".join(without)}
            )
    now = timezone.now()
    expires = now + dt.timedelta(days=INVITATION_DAYS)
    Invitation.objects.filter(user__in=people, used_at__isnull=True, withdrawn_at__isnull=True).update(withdrawn_at=now)
    issued, unsent = [], []
    for user in people:
        item = IssuedCode(user=user, code=_new_code(), expires_at=expires)
        if channel == Invitation.Channel.EMAIL and not _mailed(item, welcome_url):
            unsent.append(user.display_name)  # no code issued: the old one stays withdrawn
            continue
        Invitation.objects.create(
            user=user, digest=_digest(item.code), channel=channel, created_by=by, expires_at=expires
        )
        issued.append(item)
    if unsent and not issued:
        raise ValidationError(
            _(
                "The mail server refused the invitations; nothing was issued. "
                "Try again later, or print a sheet of codes."
            )
        )
    return Issued(codes=issued, unsent=unsent)


@dataclass(frozen=True)
class Issued:
    """The codes issued (to print, or mailed), and the people whose mail could not be sent (no
    code was issued to them)."""

    codes: list[IssuedCode]
    unsent: list[str]


def _mailed(item: IssuedCode, welcome_url: str) -> bool:
    """Send the invitation now, in the request: the code is not kept anywhere it could wait to be
    sent (only its digest is), so a code the mail server did not take is not issued."""
    from django.conf import settings

    subject, body = _invitation_mail(item, welcome_url)
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [item.user.email], fail_silently=False)
    except (OSError, smtplib.SMTPException):
        logger.warning("invitation mail to %s failed", item.user.username, exc_info=True)
        return False
    return True


def _invitation_mail(item: IssuedCode, welcome_url: str) -> tuple[str, str]:
    subject = _("Your account for the campaign tracker")
    body = _(
        "%(name)s, the leading-group office has opened an account for you.\n\n"
        "Username: %(username)s\nFirst-login code: %(code)s (valid until %(until)s)\n\n"
        "Open %(url)s , enter your username and the code, and choose your password."
    ) % {
        "name": item.user.display_name,
        "username": item.user.username,
        "code": item.code,
        "until": timezone.localtime(item.expires_at).strftime("%Y-%m-%d %H:%M"),
        "url": welcome_url,
    }
    return subject, body


def invitation_accept(*, username: str, code: str, password: str, password_again: str) -> User:
    """The person's first login: the username and the code they were given, and the password
    they choose (the project's password rules apply). One message for any wrong username or
    code, so the page does not tell which accounts exist; a wrong code counts against the
    invitation (and is kept, though the request is refused)."""
    wrong = ValidationError(_("The username or the code is not right, or the code is no longer valid."))
    user = User.objects.filter(username=(username or "").strip(), is_active=True).first()
    if user is None:
        raise wrong
    open_ = Invitation.objects.filter(
        user=user, used_at__isnull=True, withdrawn_at__isnull=True, expires_at__gt=timezone.now()
    )
    invitation = open_.first()
    if invitation is None:
        raise wrong
    if not constant_time_compare(invitation.digest, _digest(code)):
        open_.filter(pk=invitation.pk).update(failed_tries=F("failed_tries") + 1)
        open_.filter(pk=invitation.pk, failed_tries__gte=MAX_TRIES).update(withdrawn_at=timezone.now())
        raise wrong
    if password != password_again:
        raise ValidationError({"password_again": _("The two passwords differ.")})
    validate_password(password, user)
    with transaction.atomic():
        # Used once: a second request with the same code finds it used and is refused.
        if not open_.filter(pk=invitation.pk).update(used_at=timezone.now()):
            raise wrong
        user.set_password(password)
        user.save(update_fields=["password"])
    return user


def invitation_states(users: Iterable[User] | QuerySet[User]) -> dict[int, Invitation]:
    """Each person's latest invitation (one query)."""
    latest: dict[int, Invitation] = {}
    for invitation in Invitation.objects.filter(user__in=users).order_by("user_id", "-created_at"):
        latest.setdefault(invitation.user_id, invitation)
    return latest
