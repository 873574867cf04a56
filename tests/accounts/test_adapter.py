import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User

SIGNUP = {
    "email": "taro@example.com",
    "username": "docker_taro",
    "password1": "a-long-pass-phrase-2026",
    "password2": "a-long-pass-phrase-2026",
}


@pytest.mark.django_db
def test_signup_mail_is_enqueued_on_commit_not_sent_in_the_request(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("account_signup"), SIGNUP)

    assert response.status_code == 302
    assert User.objects.filter(email="taro@example.com").count() == 1
    assert len(mail.outbox) == 0  # nothing sent while the request runs
    for callback in callbacks:
        callback()
    assert [m.to for m in mail.outbox] == [["taro@example.com"]]
