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
