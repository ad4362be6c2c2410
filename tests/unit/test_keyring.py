"""The keyring of backend/keyring.py: encryption, the keyed hash, rotation, the embedded default's key file."""
from __future__ import annotations

import stat

import pytest

from backend.config import Config
from backend.keyring import InvalidToken, Keyring, load_keys, new_key


def test_encrypts_without_the_value_in_clear_and_decrypts():
    ring = Keyring([new_key()])
    token = ring.encrypt("whsec_test_abc123")
    assert "whsec_test_abc123" not in token and ring.decrypt(token) == "whsec_test_abc123"
    assert ring.encrypt("x") != ring.encrypt("x")  # random IV: equal secrets do not look equal


def test_the_secret_hash_is_keyed_and_verified_in_full():
    a, b = Keyring([new_key()]), Keyring([new_key()])
    digest = a.secret_hash("secret_test_xyz789")
    assert digest != b.secret_hash("secret_test_xyz789")  # not a plain hash: a dump alone cannot test guesses
    assert a.verify("secret_test_xyz789", digest)
    assert not a.verify("secret_test_xyz78", digest) and not a.verify("secret_test_xyz789 ", digest)
    assert not b.verify("secret_test_xyz789", digest)


def test_rotation_old_rows_readable_during_it_and_after_it_under_the_new_key_only():
    old, new = new_key(), new_key()
    before = Keyring([old])
    token, digest = before.encrypt("whsec_1"), before.secret_hash("secret_1")

    during = Keyring([new, old])  # the new key first, the old one still listed
    assert during.decrypt(token) == "whsec_1" and during.verify("secret_1", digest)
    rotated, rehashed = during.rotate(token), during.secret_hash("secret_1")

    after = Keyring([new])  # the old key removed
    assert after.decrypt(rotated) == "whsec_1" and after.verify("secret_1", rehashed)
    with pytest.raises(InvalidToken):
        after.decrypt(token)
    assert not after.verify("secret_1", digest)


def test_the_embedded_default_makes_its_key_once_owner_only(tmp_path):
    config = Config(database_url="sqlite://", redis_url=None, huey_sqlite_path=str(tmp_path / "huey.db"),
                    encryption_key_file=str(tmp_path / "var" / "encryption.key"))
    (first,) = load_keys(config.encryption_keys, config.encryption_key_file)
    (again,) = load_keys(config.encryption_keys, config.encryption_key_file)
    assert first == again
    mode = stat.S_IMODE((tmp_path / "var" / "encryption.key").stat().st_mode)
    assert mode == 0o600
    assert config.keyring.decrypt(Keyring([first]).encrypt("v")) == "v"


def test_keys_from_the_environment_come_newest_first():
    old, new = new_key(), new_key()
    config = Config.from_env({"ENCRYPTION_KEYS": f" {new} , {old} "})
    assert config.encryption_keys == (new, old)
    assert config.keyring.decrypt(Keyring([old]).encrypt("v")) == "v"


def test_each_configuration_has_its_own_keyring(tmp_path):
    """The keyring is state of the configuration that names its keys, not of the process."""
    one, two = (Config.from_env({"ENCRYPTION_KEYS": new_key()}) for _ in range(2))
    assert one.keyring is one.keyring and one.keyring is not two.keyring
    with pytest.raises(InvalidToken):
        two.keyring.decrypt(one.keyring.encrypt("v"))
