"""In-app notifications: one per person per occasion, mailed where there is an address."""

from django.core import mail

from campaign import services
from campaign.models import Notification, OutboxMessage
from campaign.outbox import outbox_run


def test_a_person_gets_one_notification_per_occasion(world):
    services.notify(users=[world.liaison_a], key="reminder:w48", title="请提交本周进展")
    services.notify(users=[world.liaison_a, world.liaison_b], key="reminder:w48", title="请提交本周进展")
    assert Notification.objects.filter(user=world.liaison_a).count() == 1
    assert Notification.objects.filter(user=world.liaison_b).count() == 1


def test_notification_is_mailed_to_people_with_an_address_by_a_job_after_the_commit(world):
    world.liaison_a.email = "a@example.org"
    world.liaison_a.save()
    services.notify(users=[world.liaison_a, world.liaison_b], key="k1", title="催办", body="请尽快提交")
    assert mail.outbox == []  # the request does not wait on the mail server
    job = OutboxMessage.objects.get(task="campaign.tasks.mail_notifications")
    assert outbox_run(message_id=job.pk) is True
    assert [(m.to, m.subject, m.body) for m in mail.outbox] == [(["a@example.org"], "催办", "请尽快提交")]
    assert Notification.objects.get(user=world.liaison_a).emailed_at is not None
    assert Notification.objects.get(user=world.liaison_b).emailed_at is None


def test_a_mail_server_error_is_retried_and_sends_only_what_is_left(world, monkeypatch):
    for user, address in ((world.liaison_a, "a@example.org"), (world.liaison_b, "b@example.org")):
        user.email = address
        user.save()
    services.notify(users=[world.liaison_a, world.liaison_b], key="k4", title="催办")
    job = OutboxMessage.objects.get(task="campaign.tasks.mail_notifications")
    real_send = services.send_mail
    refused = []

    def send_mail_refusing_b(subject, message, sender, recipients):
        if recipients == ["b@example.org"] and not refused:
            refused.append(recipients)
            raise ConnectionRefusedError("SMTP server down")
        return real_send(subject, message, sender, recipients)

    monkeypatch.setattr(services, "send_mail", send_mail_refusing_b)
    assert outbox_run(message_id=job.pk) is False
    job.refresh_from_db()
    assert job.run_attempts == 1 and "SMTP server down" in job.last_error and job.done_at is None
    assert outbox_run(message_id=job.pk) is True  # the sweep sends it again
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.org", "b@example.org"]  # nobody twice


def test_bell_counts_unread_and_opening_marks_read(world, browser_as):
    services.notify(users=[world.liaison_a], key="k2", title="催办通知", url="/")
    client = browser_as(world.liaison_a)
    assert 'class="bell-count">1<' in client.get("/").content.decode()
    note = Notification.objects.get(user=world.liaison_a)
    assert client.get(f"/notifications/{note.pk}/").status_code == 302
    assert 'class="bell-count"' not in client.get("/").content.decode()


def test_a_person_cannot_open_someone_elses_notification(world, browser_as):
    services.notify(users=[world.liaison_b], key="k3", title="催办")
    note = Notification.objects.get(user=world.liaison_b)
    assert browser_as(world.liaison_a).get(f"/notifications/{note.pk}/").status_code == 404
    note.refresh_from_db()
    assert note.read_at is None
