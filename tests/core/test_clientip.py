import pytest
from django.test import RequestFactory

from core.clientip import client_ip


def _request(remote="203.0.113.7", forwarded=None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


def test_client_ip_without_trusted_proxies_is_the_peer(settings):
    settings.MEETUP_TRUSTED_PROXIES = []
    assert client_ip(_request(forwarded="198.51.100.1")) == "203.0.113.7"


def test_client_ip_from_untrusted_peer_ignores_forwarded_for(settings):
    settings.MEETUP_TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_ip(_request(forwarded="198.51.100.1")) == "203.0.113.7"


@pytest.mark.parametrize(
    ("forwarded", "client"),
    [
        ("198.51.100.1", "198.51.100.1"),
        # The client claimed an address; the trusted proxy appended what it saw.
        ("192.0.2.66, 198.51.100.1", "198.51.100.1"),
        # Two trusted proxies in a row.
        ("198.51.100.1, 10.0.0.5", "198.51.100.1"),
        ("2001:db8::1", "2001:db8::1"),
        ("not-an-address", "10.0.0.2"),
        ("", "10.0.0.2"),
    ],
)
def test_client_ip_through_trusted_proxy(settings, forwarded, client):
    settings.MEETUP_TRUSTED_PROXIES = ["10.0.0.0/8", "127.0.0.1"]
    assert client_ip(_request(remote="10.0.0.2", forwarded=forwarded)) == client


def test_client_ip_all_hops_trusted_is_the_first(settings):
    settings.MEETUP_TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_ip(_request(remote="10.0.0.2", forwarded="10.1.1.1, 10.0.0.5")) == "10.1.1.1"
