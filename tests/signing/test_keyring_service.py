"""The keyring over the database and the keys directory, as an operator uses it."""

from registry import create_app
from registry.db import commit, get_session
from registry.schemes.service import load_schemes, read_scheme_file
from registry.signing import service
from registry.signing.keyring import key_file_is_encrypted
from tests.conftest import issue


def test_a_passphrase_encrypts_keys_at_rest_and_signing_still_works(app_config, tmp_path, body):
    app = create_app({**app_config, "keys_dir": tmp_path / "keys", "key_passphrase": "correct horse"})
    with app.app_context():
        session = get_session()
        load_schemes(session, read_scheme_file())
        key = service.generate_key(session, app.config["SETTINGS"])
        commit(session)
        assert key_file_is_encrypted(tmp_path / "keys", key.kid)
        assert b"PRIVATE KEY" in (tmp_path / "keys" / f"{key.kid}.pem").read_bytes()
        cert = issue(session, session.merge(body), service.current_minter())
        assert cert.token


def test_keys_list_shows_status(runner):
    assert runner.invoke(args=["keys", "generate"]).exit_code == 0
    assert runner.invoke(args=["keys", "rotate"]).exit_code == 0
    listing = runner.invoke(args=["keys", "list"]).output
    assert "\tretired\t" in listing and "\tactive\t" in listing
    again = runner.invoke(args=["keys", "generate"])
    assert again.exit_code == 1 and "keys rotate" in again.output


def test_rotating_with_a_passphrase_encrypts_the_retired_dev_key(app, session, app_config, tmp_path):
    from registry.config import load_settings
    from registry.signing.keyring import key_file_is_encrypted, load_private_key
    from registry.signing.service import generate_key, rotate_key

    plain = load_settings({}, **{**app_config, "keys_dir": tmp_path / "keys"})
    dev = generate_key(session, plain)
    assert not key_file_is_encrypted(plain.keys_dir, dev.kid)
    protected = load_settings({}, **{**app_config, "keys_dir": tmp_path / "keys", "key_passphrase": "s3cret"})
    new, old = rotate_key(session, protected)
    assert old.kid == dev.kid
    for kid in (dev.kid, new.kid):
        assert key_file_is_encrypted(protected.keys_dir, kid)
        assert load_private_key(protected.keys_dir, kid, b"s3cret").public_key() is not None


def test_the_active_key_is_read_once_per_few_seconds_and_again_after_a_key_change(app, session, tmp_path, monkeypatch):
    from registry.db import utcnow
    from registry.signing.keyring import generate_key_file, public_key_to_b64
    from registry.signing.models import SigningKey
    from registry.signing.service import current_keyring, generate_key

    keyring = current_keyring()
    monkeypatch.setattr(keyring, "ttl", 3600.0)  # "a few seconds" that a slow test run cannot outlast
    first = generate_key(session, app.config["SETTINGS"])
    commit(session)
    assert keyring.active_kid(session) == first.kid
    # A key another process made (its own keyring forgot) shows here once the ttl passes.
    kid, public_key = generate_key_file(tmp_path, None)
    first.retired_at = utcnow()
    session.add(SigningKey(kid=kid, public_key=public_key_to_b64(public_key), created_at=utcnow()))
    commit(session)
    assert keyring.active_kid(session) == first.kid
    keyring.forget()
    assert keyring.active_kid(session) == kid
    service.revoke_key(session, kid)
    commit(session)
    assert keyring.active_kid(session) is None
