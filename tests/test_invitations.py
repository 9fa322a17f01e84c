"""Getting people in without the office setting their passwords: first-login codes handed over
on a printed sheet or by e-mail, the welcome page where the person chooses a password, and the
forgotten-password link by e-mail."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from campaign import invitations
from campaign.models import Invitation, User
from tests.factories import LiaisonFactory

CODE = re.compile(r"[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}")


def _never_logged_in(user: User) -> User:
    user.set_unusable_password()
    user.save()
    return user


def _sheet(world, *users) -> dict[str, str]:
    """The office prints a sheet for `users`: {username: code} read off the printed page."""
    client = Client()
    client.force_login(world.office)
    response = client.post("/invitations/", {"user": [u.pk for u in users], "channel": "sheet"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "no-store" in response["Cache-Control"]  # the codes are not kept by a browser's cache
    slips = page.split('<section class="slip">')[1:]
    return {re.search(r"<code>(.+?)</code>", s).group(1): CODE.search(s).group(0) for s in slips}


def _welcome(username, code, password="Liaison@2026x", again=None) -> Client:
    client = Client()
    client.post(
        "/welcome/",
        {"username": username, "code": code, "password": password, "password_again": again or password},
    )
    return client


def test_a_liaison_invited_on_a_printed_sheet_sets_a_password_and_writes_the_weekly_report(world):
    liaison = _never_logged_in(world.liaison_a)
    codes = _sheet(world, liaison)
    assert list(codes) == ["liaison_a"]
    stored = Invitation.objects.get(user=liaison)
    assert codes["liaison_a"] not in stored.digest and stored.channel == "sheet"  # only a digest is kept

    client = _welcome("liaison_a", codes["liaison_a"].lower().replace("-", " "))  # typed loosely
    liaison.refresh_from_db()
    assert liaison.check_password("Liaison@2026x")
    assert client.get("/progress/").status_code == 200  # logged in: the weekly report page opens
    assert Invitation.objects.get(user=liaison).used_at is not None
    # used once: the same code does not work again
    again = Client().post(
        "/welcome/",
        {
            "username": "liaison_a",
            "code": codes["liaison_a"],
            "password": "Other@2026xy",
            "password_again": "Other@2026xy",
        },
    )
    assert "用户名或登录码不正确" in again.content.decode()
    liaison.refresh_from_db()
    assert liaison.check_password("Liaison@2026x")


def test_a_new_code_withdraws_the_old_one(world):
    liaison = _never_logged_in(world.liaison_a)
    first = _sheet(world, liaison)["liaison_a"]
    second = _sheet(world, liaison)["liaison_a"]
    _welcome("liaison_a", first)
    liaison.refresh_from_db()
    assert not liaison.has_usable_password()
    _welcome("liaison_a", second)
    liaison.refresh_from_db()
    assert liaison.has_usable_password()
    assert Invitation.objects.filter(user=liaison, withdrawn_at__isnull=False).count() == 1


def test_five_wrong_codes_end_the_invitation_even_for_the_right_code(world):
    liaison = _never_logged_in(world.liaison_a)
    code = _sheet(world, liaison)["liaison_a"]
    for _ in range(invitations.MAX_TRIES):
        page = Client().post(
            "/welcome/",
            {
                "username": "liaison_a",
                "code": "AAAA-AAAA",
                "password": "Liaison@2026x",
                "password_again": "Liaison@2026x",
            },
        )
        assert "用户名或登录码不正确" in page.content.decode()
    _welcome("liaison_a", code)
    liaison.refresh_from_db()
    assert not liaison.has_usable_password()


def test_an_expired_code_is_refused(world):
    liaison = _never_logged_in(world.liaison_a)
    code = _sheet(world, liaison)["liaison_a"]
    with time_machine.travel(timezone.now() + dt.timedelta(days=invitations.INVITATION_DAYS, hours=1)):
        _welcome("liaison_a", code)
    liaison.refresh_from_db()
    assert not liaison.has_usable_password()


def test_a_password_the_rules_refuse_keeps_the_code_and_the_username(world):
    liaison = _never_logged_in(world.liaison_a)
    code = _sheet(world, liaison)["liaison_a"]
    response = Client().post(
        "/welcome/", {"username": "liaison_a", "code": code, "password": "12345678", "password_again": "12345678"}
    )
    page = response.content.decode()
    assert response.status_code == 200 and 'value="liaison_a"' in page and "密码" in page
    liaison.refresh_from_db()
    assert not liaison.has_usable_password() and Invitation.objects.get(user=liaison).used_at is None
    _welcome("liaison_a", code)
    liaison.refresh_from_db()
    assert liaison.has_usable_password()


def test_an_unknown_username_gets_the_same_answer_as_a_wrong_code(world):
    response = Client().post(
        "/welcome/", {"username": "nobody", "code": "ABCD-EFGH", "password": "x", "password_again": "x"}
    )
    assert "用户名或登录码不正确" in response.content.decode()


def test_invitations_by_email_need_every_address_and_carry_an_absolute_link(world):
    liaison = _never_logged_in(world.liaison_a)
    other = _never_logged_in(world.liaison_b)
    liaison.email = "a@example.org"
    liaison.save()
    client = Client()
    client.force_login(world.office)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.db.transaction.on_commit", lambda fn, using=None, robust=False: fn())
        response = client.post("/invitations/", {"user": [liaison.pk, other.pk], "channel": "email"}, follow=True)
        assert "没有电子邮箱" in response.content.decode() and not Invitation.objects.exists() and not mail.outbox
        client.post("/invitations/", {"user": [liaison.pk], "channel": "email"})
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["a@example.org"]
    body = mail.outbox[0].body
    assert "http://testserver/welcome/" in body
    _welcome("liaison_a", CODE.search(body).group(0))
    liaison.refresh_from_db()
    assert liaison.has_usable_password()


def test_the_office_invites_everyone_listed_who_never_logged_in(world):
    _never_logged_in(world.liaison_a)
    client = Client()
    client.force_login(world.office)
    page = client.get("/invitations/?state=no_password").content.decode()
    assert "liaison_a" in page and "liaison_b" not in page
    codes = client.post("/invitations/?state=no_password", {"all_without_password": "1", "channel": "sheet"})
    assert "liaison_a" in codes.content.decode() and "liaison_b" not in codes.content.decode()


@pytest.mark.parametrize("persona", ["liaison_a", "inspector", "leader"])
def test_only_the_office_invites(world, persona):
    client = Client()
    client.force_login(getattr(world, persona))
    assert client.get("/invitations/").status_code == 403
    assert client.post("/invitations/", {"user": [world.liaison_b.pk], "channel": "sheet"}).status_code == 403
    assert not Invitation.objects.exists()


def test_the_invitations_page_queries_do_not_grow_with_the_liaisons(world, django_assert_max_num_queries):
    client = Client()
    client.force_login(world.office)
    client.get("/invitations/")
    for _ in range(30):
        _never_logged_in(LiaisonFactory(unit=world.unit_c).user)
    with django_assert_max_num_queries(12):
        response = client.get("/invitations/")
    assert response.content.decode().count('name="user"') == 32


def test_a_forgotten_password_is_reset_through_a_link_by_email(world):
    world.liaison_a.email = "a@example.org"
    world.liaison_a.save()
    client = Client()
    response = client.post("/password/forgot/", {"email": "a@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and "liaison_a" in mail.outbox[0].body
    link = re.search(r"http://testserver(/password/reset/\S+/)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    new = form.redirect_chain[-1][0] if form.redirect_chain else link
    done = client.post(new, {"new_password1": "Fresh@2026pw", "new_password2": "Fresh@2026pw"})
    assert done.status_code == 302
    world.liaison_a.refresh_from_db()
    assert world.liaison_a.check_password("Fresh@2026pw")


def test_the_login_page_points_to_the_first_login_and_the_forgotten_password(db):
    page = Client().get("/login/").content.decode()
    assert 'href="/welcome/"' in page and 'href="/password/forgot/"' in page


def test_an_invitation_the_mail_server_refuses_is_not_issued_and_the_office_is_told(world, settings):
    from unittest import mock

    liaison, other = _never_logged_in(world.liaison_a), _never_logged_in(world.liaison_b)
    liaison.email, other.email = "a@example.org", "b@example.org"
    liaison.save()
    other.save()
    real = invitations.send_mail

    def refuse_b(subject, body, sender, to, **kwargs):
        if to == ["b@example.org"]:
            raise OSError("connection refused")
        return real(subject, body, sender, to, **kwargs)

    client = Client()
    client.force_login(world.office)
    with mock.patch.object(invitations, "send_mail", side_effect=refuse_b):
        page = client.post("/invitations/", {"user": [liaison.pk, other.pk], "channel": "email"}, follow=True)
    text = page.content.decode()
    assert "已向 1 人发送邀请邮件" in text and other.display_name in text
    assert list(Invitation.objects.values_list("user__username", flat=True)) == ["liaison_a"]
    assert [m.to for m in mail.outbox] == [["a@example.org"]]
