import io
import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import User

pytestmark = pytest.mark.django_db(transaction=True)


def test_signup_verify_login_and_switch_language(site):
    page = site.open("/accounts/signup/")
    page.get_by_label("Email").fill("hanako@example.com")
    page.get_by_label("Nickname").fill("hanako")
    page.get_by_label("Display name").fill("Hanako")
    page.get_by_label("Password", exact=True).fill("a-Strong-passphrase-42")
    page.get_by_label("Password (again)").fill("a-Strong-passphrase-42")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_text("Confirmation email sent to hanako@example.com.")).to_be_visible()

    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", mail.outbox[-1].body).group(0)
    page.goto(link.replace("http://testserver", site.live_url))
    page.get_by_role("button", name="Confirm").click()
    assert User.objects.get(email="hanako@example.com").emailaddress_set.get().verified

    page.get_by_text("Hanako").first.click()
    page.get_by_role("button", name="Log out").click()
    page = site.open("/accounts/login/")
    page.get_by_label("Email").fill("hanako@example.com")
    page.get_by_label("Password").fill("a-Strong-passphrase-42")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("summary", has_text="Hanako")).to_be_visible()

    page.get_by_role("link", name="日本語").click()
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.get_by_role("link", name="English")).to_be_visible()


def test_demo_home_and_healthz_answer(site):
    from django.core.management import call_command

    call_command("seed_demo", stdout=io.StringIO())
    page = site.open("/")
    expect(page.get_by_role("link", name="Meetup home")).to_be_visible()
    response = page.request.get(site.live_url + "/healthz")
    assert response.status == 200
    assert response.json() == {"status": "ok"}
