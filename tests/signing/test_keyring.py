import base64
import hashlib
import json
import stat

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ec import SECP256R1, generate_private_key
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from registry.signing.keyring import (
    InMemorySigner,
    KeyFileError,
    KeyFileSigner,
    generate_key_file,
    jwk_thumbprint,
    key_file_is_encrypted,
    list_key_files,
    load_private_key,
    public_jwk,
    public_key_from_b64,
    public_key_to_b64,
    short_key_id,
)


def _independent_thumbprint(public_key) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    x = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    members = json.dumps({"kty": "OKP", "x": x, "crv": "Ed25519"}, sort_keys=True, separators=(",", ":"))
    return base64.urlsafe_b64encode(hashlib.sha256(members.encode()).digest()).decode().rstrip("=")


def test_thumbprint_matches_rfc7638():
    public_key = Ed25519PrivateKey.generate().public_key()
    kid = jwk_thumbprint(public_key)
    assert kid == _independent_thumbprint(public_key)
    assert len(kid) == 43


def test_thumbprint_of_rfc8037_example_key():
    # RFC 8037 appendix A.3 gives this Ed25519 key's RFC 7638 thumbprint.
    public_key = public_key_from_b64("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo")
    assert jwk_thumbprint(public_key) == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"


# Key ids computed by the registry before thumbprints came from the JOSE library: a kid names
# a key in every mark and receipt already issued, so the same key must keep the same kid.
STORED_KIDS = [
    (
        "08539a2280b89dcefdfe5a631f7a6770f1d3ac8e189e55fbdb7cb04a98454595",
        "5hwo3e3VxBFxagu_Cchh9fdxkS0UK1nbvoLryLqcCNY",
        "6q-5_7FrvdJIa1IRNHIXRs1YXb3pQdoJ0DL-Yf3qT40",
    ),
    (
        "fb43ebe3398d2acdb5a33e72e8f1733e8fca9558d36b5f4ab8d39b83823d9cc9",
        "NPdshfH-OBD9CydooOPUFNNyblr1KqVyegNN0Jw7C1A",
        "wH5r5O9KsVLBJysYt2jSJX4d-Eq09J-tKKbSvP3LIVE",
    ),
    (
        "c16e6fba54224de1532c75526ecc7286562b77c79070984ad84eb929c0214351",
        "CpAHriX8pB0kyltFxN6VJgGAqKWAj6oIB0fBBgHYjHg",
        "oiYcmTuaaQZj0mjdMIykpEq6gDLzhu-2B9SdFAqYGLI",
    ),
]


@pytest.mark.parametrize(("seed", "x", "kid"), STORED_KIDS)
def test_kids_stay_byte_for_byte_the_same(seed, x, kid):
    signer = InMemorySigner(Ed25519PrivateKey.from_private_bytes(bytes.fromhex(seed)))
    assert public_jwk(signer.public_key) == {"kty": "OKP", "crv": "Ed25519", "x": x}
    assert jwk_thumbprint(signer.public_key) == kid == signer.kid


def test_public_jwk_shape():
    public_key = Ed25519PrivateKey.generate().public_key()
    jwk = public_jwk(public_key)
    assert jwk == {"kty": "OKP", "crv": "Ed25519", "x": public_key_to_b64(public_key)}
    assert len(base64.urlsafe_b64decode(jwk["x"] + "=")) == 32


def test_short_key_id_is_first_two_digest_bytes():
    kid = jwk_thumbprint(Ed25519PrivateKey.generate().public_key())
    digest = base64.urlsafe_b64decode(kid + "=")
    assert short_key_id(kid) == digest[:2]


@pytest.mark.parametrize("bad", ["", "abc", "!" * 43, "A" * 44])
def test_short_key_id_rejects_non_thumbprints(bad):
    with pytest.raises(ValueError):
        short_key_id(bad)


def test_public_key_b64_round_trip():
    public_key = Ed25519PrivateKey.generate().public_key()
    text = public_key_to_b64(public_key)
    assert "=" not in text
    assert public_key_to_b64(public_key_from_b64(text)) == text


@pytest.mark.parametrize("bad", ["", "AAAA", "not base64!", "A" * 42 + "="])
def test_public_key_from_b64_rejects_garbage(bad):
    with pytest.raises(ValueError):
        public_key_from_b64(bad)


def test_unencrypted_key_file_round_trip(tmp_path):
    keys_dir = tmp_path / "keys"
    kid, public_key = generate_key_file(keys_dir, None)
    path = keys_dir / f"{kid}.pem"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert b"BEGIN PRIVATE KEY" in path.read_bytes()
    assert not key_file_is_encrypted(keys_dir, kid)
    private_key = load_private_key(keys_dir, kid, None)
    assert public_key_to_b64(private_key.public_key()) == public_key_to_b64(public_key)
    assert list_key_files(keys_dir) == [kid]


def test_encrypted_key_file_round_trip(tmp_path):
    kid, public_key = generate_key_file(tmp_path, b"correct horse")
    assert b"BEGIN ENCRYPTED PRIVATE KEY" in (tmp_path / f"{kid}.pem").read_bytes()
    assert key_file_is_encrypted(tmp_path, kid)
    signer = KeyFileSigner.from_file(tmp_path, kid, b"correct horse")
    signature = signer.sign(b"message")
    public_key.verify(signature, b"message")
    assert signer.kid == kid
    assert jwk_thumbprint(signer.public_key) == kid


def test_wrong_passphrase_is_a_key_file_error(tmp_path):
    kid, _ = generate_key_file(tmp_path, b"correct horse")
    with pytest.raises(KeyFileError, match=kid):
        load_private_key(tmp_path, kid, b"battery staple")


def test_encrypted_key_without_passphrase_is_a_key_file_error(tmp_path):
    kid, _ = generate_key_file(tmp_path, b"correct horse")
    with pytest.raises(KeyFileError, match="no passphrase"):
        load_private_key(tmp_path, kid, None)


def test_unencrypted_key_loads_even_with_a_passphrase(tmp_path):
    kid, _ = generate_key_file(tmp_path, None)
    assert load_private_key(tmp_path, kid, b"set for new keys") is not None


def test_missing_key_file_is_a_key_file_error(tmp_path):
    kid = jwk_thumbprint(Ed25519PrivateKey.generate().public_key())
    with pytest.raises(KeyFileError, match=kid):
        load_private_key(tmp_path, kid, None)


def test_kid_cannot_escape_keys_dir(tmp_path):
    with pytest.raises(KeyFileError):
        load_private_key(tmp_path, "../../etc/passwd", None)


def test_non_ed25519_key_is_a_key_file_error(tmp_path):
    kid = jwk_thumbprint(Ed25519PrivateKey.generate().public_key())
    pem = generate_private_key(SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    (tmp_path / f"{kid}.pem").write_bytes(pem)
    with pytest.raises(KeyFileError, match="not an Ed25519 key"):
        load_private_key(tmp_path, kid, None)


def test_garbage_key_file_is_a_key_file_error(tmp_path):
    kid = jwk_thumbprint(Ed25519PrivateKey.generate().public_key())
    (tmp_path / f"{kid}.pem").write_bytes(b"not a key")
    with pytest.raises(KeyFileError):
        load_private_key(tmp_path, kid, None)


def test_key_file_under_the_wrong_name_is_a_key_file_error(tmp_path):
    kid, _ = generate_key_file(tmp_path, None)
    other = jwk_thumbprint(Ed25519PrivateKey.generate().public_key())
    (tmp_path / f"{kid}.pem").rename(tmp_path / f"{other}.pem")
    with pytest.raises(KeyFileError, match="different key"):
        load_private_key(tmp_path, other, None)


def test_in_memory_signer_signs_with_its_kid():
    signer = InMemorySigner()
    signer.public_key.verify(signer.sign(b"x"), b"x")
    assert signer.kid == jwk_thumbprint(signer.public_key)
    assert InMemorySigner().kid != signer.kid


def test_list_key_files_of_missing_dir_is_empty(tmp_path):
    assert list_key_files(tmp_path / "absent") == []
