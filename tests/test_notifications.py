"""In-app notifications: one per person per occasion, mailed where there is an address."""

from django.core import mail

from campaign import services
from campaign.models import Notification


def test_a_person_gets_one_notification_per_occasion(world):
    services.notify(users=[world.liaison_a], key="reminder:w48", title="请提交本周进展")
    services.notify(users=[world.liaison_a, world.liaison_b], key="reminder:w48", title="请提交本周进展")
    assert Notification.objects.filter(user=world.liaison_a).count() == 1
    assert Notification.objects.filter(user=world.liaison_b).count() == 1


def test_notification_is_mailed_to_people_with_an_address(world):
    world.liaison_a.email = "a@example.org"
    world.liaison_a.save()
    services.notify(users=[world.liaison_a, world.liaison_b], key="k1", title="催办", body="请尽快提交")
    assert [m.to for m in mail.outbox] == [["a@example.org"]]
    assert Notification.objects.get(user=world.liaison_a).emailed_at is not None
    assert Notification.objects.get(user=world.liaison_b).emailed_at is None


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
