"""A verifier written from docs/transparency-log.md alone: no registry.transparency code is imported.

It re-derives the document's worked example, then checks a live log: the key, the signed
checkpoint, every tile and entry, the hash chain, and a certificate's proof.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

import rfc8785
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from tests.conftest import issue
from tests.transparency.helpers import issue_many

DOC = Path(__file__).resolve().parents[2] / "docs" / "transparency-log.md"


# -- the verifier ---------------------------------------------------------------------------------


def parse_vkey(vkey: str) -> tuple[str, bytes, bytes]:
    name, key_id, material = vkey.strip().split("+", 2)
    raw = base64.b64decode(material)
    assert raw[0] == 0x01 and len(raw) == 33
    assert hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4].hex() == key_id
    return name, bytes.fromhex(key_id), raw[1:]


def open_checkpoint(note: str, vkey: str) -> tuple[int, bytes]:
    name, key_id, public = parse_vkey(vkey)
    text, signatures = note[: note.rindex("\n\n") + 1], note[note.rindex("\n\n") + 2 :]
    mine = []
    for line in signatures.splitlines():
        assert line.startswith("\u2014 ")
        signer, data = line[2:].split(" ")
        raw = base64.b64decode(data)
        if signer == name and raw[:4] == key_id:
            Ed25519PublicKey.from_public_bytes(public).verify(raw[4:], text.encode())  # raises if forged
            mine.append(raw)
    assert mine, "no signature by the log key"
    origin, size, root_b64 = text.split("\n")[:3]
    assert origin == name
    return int(size), base64.b64decode(root_b64)


def h_leaf(entry: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + entry).digest()


def h_node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def mth(leaves: list[bytes]) -> bytes:
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    return h_node(mth(leaves[:k]), mth(leaves[k:]))


def check_chain(entries: list[bytes]) -> None:
    previous = "0" * 64
    for i, data in enumerate(entries):
        assert data == rfc8785.dumps(json.loads(data)), "not canonical JSON"
        doc = json.loads(data)
        assert doc["seq"] == i + 1 and doc["prev_hash"] == previous
        content = {k: v for k, v in doc.items() if k not in ("number", "prev_hash", "chain_hash")}
        content["certificate"] = doc["number"]
        digest = hashlib.sha256(doc["prev_hash"].encode() + b"\n" + rfc8785.dumps(content)).hexdigest()
        assert digest == doc["chain_hash"]
        previous = doc["chain_hash"]


def tile_name(n: int) -> str:
    groups = []
    while True:
        groups.append(f"{n % 1000:03d}")
        n //= 1000
        if not n:
            break
    groups.reverse()
    return "/".join(["x" + g for g in groups[:-1]] + [groups[-1]])


def unbundle(data: bytes) -> list[bytes]:
    out, pos = [], 0
    while pos < len(data):
        length = int.from_bytes(data[pos : pos + 2], "big")
        out.append(data[pos + 2 : pos + 2 + length])
        pos += 2 + length
    return out


def root_from_proof(index: int, size: int, leaf: bytes, proof: list[bytes]) -> bytes:
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        assert sn > 0
        if fn & 1 or fn == sn:
            r = h_node(p, r)
            while not fn & 1 and fn:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = h_node(r, p)
        fn, sn = fn >> 1, sn >> 1
    assert sn == 0
    return r


def verify_whole_log(get, vkey: str) -> tuple[int, bytes, list[bytes]]:  # type: ignore[no-untyped-def]
    size, root = open_checkpoint(get("checkpoint").decode(), vkey)
    entries: list[bytes] = []
    for n in range(-(-size // 256)):
        width = min(256, size - n * 256)
        suffix = "" if width == 256 else f".p/{width}"
        bundle = unbundle(get(f"tile/entries/{tile_name(n)}{suffix}"))
        assert len(bundle) == width
        assert get(f"tile/0/{tile_name(n)}{suffix}") == b"".join(h_leaf(e) for e in bundle)
        entries.extend(bundle)
    assert mth([h_leaf(e) for e in entries]) == root
    check_chain(entries)
    return size, root, entries


# -- the tests ------------------------------------------------------------------------------------


def example() -> tuple[dict[str, str], str]:
    section = DOC.read_text(encoding="utf-8").split("## Worked example", 1)[1]
    block = re.search(r"```text\n(.*?)```", section, re.S).group(1)
    note = re.search(r"```note\n(.*?)```", section, re.S).group(1)
    return dict(line.split(": ", 1) for line in block.strip().splitlines()), note


def test_the_worked_example():
    doc, note = example()
    key = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(doc["seed"]))
    public = key.public_key().public_bytes_raw()
    assert public.hex() == doc["public_key"]
    assert bytes.fromhex(doc["key_id_input"]) == doc["origin"].encode() + b"\n\x01" + public
    assert hashlib.sha256(bytes.fromhex(doc["key_id_input"])).digest()[:4].hex() == doc["key_id"]
    material = base64.b64encode(bytes([1]) + public).decode()
    assert doc["vkey"] == f"{doc['origin']}+{doc['key_id']}+{material}"
    entries = [doc["entry_0"].encode(), doc["entry_1"].encode()]
    assert [len(e) for e in entries] == [int(doc["entry_0_length"]), int(doc["entry_1_length"])]
    bundle = b"".join(len(e).to_bytes(2, "big") + e for e in entries)
    assert bundle[:8].hex() == doc["bundle_start"]
    check_chain(entries)
    leaves = [h_leaf(e) for e in entries]
    assert [x.hex() for x in leaves] == [doc["leaf_0"], doc["leaf_1"]]
    assert mth(leaves).hex() == doc["root"] and base64.b64encode(mth(leaves)).decode() == doc["root_base64"]
    assert open_checkpoint(note, doc["vkey"]) == (2, bytes.fromhex(doc["root"]))
    text = note[: note.rindex("\n\n") + 1]
    signature = key.sign(text.encode())
    assert note.endswith(base64.b64encode(bytes.fromhex(doc["key_id"]) + signature).decode() + "\n")
    proof = [base64.b64decode(doc["inclusion_proof_index_1"])]
    assert root_from_proof(1, 2, leaves[1], proof) == mth(leaves)


def test_a_live_log_checkpoint_tiles_and_proof(client, session, body, minter, log_key):
    issue_many(session, body, 257)
    cert = issue(session, body, minter)

    def get(path: str) -> bytes:
        response = client.get("/log/" + path)
        assert response.status_code == 200, path
        return response.data

    vkey = get("key").decode()
    size, root, entries = verify_whole_log(get, vkey)
    assert size == 258 and json.loads(entries[-1])["number"] == cert.number

    # Level 1: the root of full level-0 tile 0.
    assert get("tile/1/000.p/1") == mth([h_leaf(e) for e in entries[:256]])

    proof_text = client.get(f"/api/v1/certificates/{cert.number}/proof").get_data(as_text=True)
    head, checkpoint_note = proof_text.split("\n\n", 1)
    lines = head.split("\n")
    assert lines[0] == "c2sp.org/tlog-proof@v1"
    entry = base64.b64decode(lines[1].removeprefix("extra "))
    index = int(lines[2].removeprefix("index "))
    hashes = [base64.b64decode(x) for x in lines[3:]]
    proof_size, proof_root = open_checkpoint(checkpoint_note, vkey)
    assert index == 257 and json.loads(entry)["number"] == cert.number
    assert root_from_proof(index, proof_size, h_leaf(entry), hashes) == proof_root == root
