"""Signed notes, verifier keys and cosignatures as the C2SP specifications give them; tile paths and widths."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from registry.notes import (
    COSIGNATURE,
    Checkpoint,
    NoteError,
    NoteSigner,
    Verifier,
    open_checkpoint,
    open_note,
)
from registry.transparency.tiles import encode_index, parse_tile_path, tile_path, tiles_for

# From c2sp.org/signed-note: this verifier key verifies this note.
SPEC_VKEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
SPEC_NOTE = (
    "This is an example message.\n\n"
    "\u2014 example.com/foo "
    "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n"
)


def test_the_signed_note_specification_example_verifies():
    verifier = Verifier.parse(SPEC_VKEY)
    assert verifier.vkey == SPEC_VKEY
    text, signatures = open_note(SPEC_NOTE, [verifier])
    assert text == "This is an example message.\n" and signatures[0].name == "example.com/foo"
    with pytest.raises(NoteError):
        open_note(SPEC_NOTE.replace("example message", "exemplary message"), [verifier])


def test_unknown_signatures_are_ignored_but_one_known_is_required():
    signer = NoteSigner("example.com/log", Ed25519PrivateKey.generate())
    other = NoteSigner("example.com/other", Ed25519PrivateKey.generate())
    note = signer.sign("hello\n") + other.signature_line("hello\n")
    text, verified = open_note(note, [signer.verifier])
    assert text == "hello\n" and [s.name for s in verified] == ["example.com/log"]
    with pytest.raises(NoteError):
        open_note(note, [Verifier("example.com/log", 1, bytes(32))])


def test_a_key_id_that_does_not_match_the_key_is_refused():
    with pytest.raises(NoteError):
        Verifier.parse(SPEC_VKEY.replace("530d903a", "530d903b"))


def test_checkpoint_with_a_witness_cosignature():
    log = NoteSigner("registry.example.cn/log", Ed25519PrivateKey.generate())
    witness = NoteSigner("witness.example/w1", Ed25519PrivateKey.generate(), COSIGNATURE)
    body = Checkpoint("registry.example.cn/log", 20852163, bytes(range(32))).text
    assert body == "registry.example.cn/log\n20852163\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n"
    note = log.sign(body) + witness.signature_line(body, 1679315147)
    checkpoint, cosigs = open_checkpoint(note, log.verifier, [witness.verifier])
    assert checkpoint.size == 20852163 and [c.name for c in cosigs] == ["witness.example/w1"]
    assert cosigs[0].payload[:8] == (1679315147).to_bytes(8, "big")
    forged = note.replace("20852163", "20852164")
    with pytest.raises(NoteError):
        open_checkpoint(forged, log.verifier, [witness.verifier])
    with pytest.raises(NoteError):  # a note signed by another key under the log's name
        open_checkpoint(NoteSigner("registry.example.cn/log", Ed25519PrivateKey.generate()).sign(body), log.verifier)


def test_tile_paths():
    assert encode_index(1234067) == "x001/x234/067"
    assert encode_index(5) == "005" and encode_index(1000) == "x001/000"
    assert tile_path(0, 1234067) == "tile/0/x001/x234/067"
    assert tile_path(-1, 5, 17) == "tile/entries/005.p/17"
    assert parse_tile_path("2/x001/x234/067.p/255") == (2, 1234067, 255)
    assert parse_tile_path("entries/000") == (-1, 0, 256)
    for bad in ("0/5", "0/x000/005", "0/005.p/0", "0/005.p/256", "64/000", "01/000", "0/005.p/07", "x/000"):
        assert parse_tile_path(bad) is None, bad


def test_tiles_of_the_specification_example():
    tiles = tiles_for(70_000)
    level0 = [t for t in tiles if t[0] == 0]
    assert len([t for t in level0 if t[2] == 256]) == 273 and level0[-1] == (0, 273, 112)
    assert [t for t in tiles if t[0] == 1] == [(1, 0, 256), (1, 1, 17)]
    assert [t for t in tiles if t[0] == 2] == [(2, 0, 1)]
    assert [t for t in tiles_for(256) if t[0] == 1] == [(1, 0, 1)]
