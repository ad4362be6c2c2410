"""The forwarded-visitor rules (backend/domain/visitor.py): signing, proxies, what one budget is counted under."""
import pytest

from backend.domain import visitor

NOW = 1_800_000_000


def test_signed_address_verifies_only_with_the_secret_and_while_fresh():
    header = visitor.sign("s3cret", "198.51.100.1", NOW)
    assert visitor.verify("s3cret", header, NOW + 10) == "198.51.100.1"
    assert visitor.verify("other", header, NOW) is None
    assert visitor.verify("s3cret", header, NOW + visitor.MAX_AGE + 1) is None
    assert visitor.verify("", header, NOW) is None  # no secret, no trust
    address, timestamp, mac = header.split(" ")
    assert visitor.verify("s3cret", f"198.51.100.2 {timestamp} {mac}", NOW) is None  # another address


@pytest.mark.parametrize("value", [None, "", "198.51.100.1", "198.51.100.1 x y", "a b c d", "x" * 300,
                                   "not-an-ip {t} {mac}"])
def test_malformed_headers_are_not_believed(value):
    if value and "{t}" in value:
        value = visitor.sign("k", "not-an-ip", NOW)
    assert visitor.verify("k", value, NOW) is None


@pytest.mark.parametrize("peer,forwarded,trusted,expected", [
    ("10.0.0.1", "203.0.113.5", 0, "10.0.0.1"),                 # no proxies: the header is the client's claim
    ("10.0.0.1", "203.0.113.5", 1, "203.0.113.5"),
    ("10.0.0.1", "6.6.6.6, 203.0.113.5", 1, "203.0.113.5"),     # what the client prepended is not believed
    ("10.0.0.1", "203.0.113.5, 10.0.0.2", 2, "203.0.113.5"),
    ("10.0.0.1", "203.0.113.5", 2, "10.0.0.1"),                 # fewer values than proxies: the peer
    ("10.0.0.1", None, 1, "10.0.0.1"),
])
def test_behind_proxies_reads_x_forwarded_for_as_proxyfix_does(peer, forwarded, trusted, expected):
    assert visitor.behind_proxies(peer, forwarded, trusted) == expected


def test_ipv6_addresses_share_a_budget_per_64():
    assert visitor.rate_key("2001:db8:1:2::1") == visitor.rate_key("2001:db8:1:2:ffff::9") == "2001:db8:1:2::/64"
    assert visitor.rate_key("2001:db8:1:3::1") != visitor.rate_key("2001:db8:1:2::1")
    assert visitor.rate_key("::ffff:198.51.100.1") == visitor.rate_key("198.51.100.1") == "198.51.100.1"


def test_loopback_is_the_whole_of_127_8_and_1():
    """One rule for the API's metrics and the UIs' diagnostics (ui_common/clients.py once knew only 127.0.0.1)."""
    assert all(visitor.is_loopback(a) for a in ("127.0.0.1", "127.1.2.3", "::1"))
    assert not any(visitor.is_loopback(a) for a in ("10.0.0.1", "192.168.1.1", "::2", "localhost", "", None))
