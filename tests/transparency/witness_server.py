"""A minimal witness written from c2sp.org/tlog-witness (add-checkpoint) and tlog-cosignature (Ed25519, v1)."""

from __future__ import annotations

import base64
import hashlib
import struct
import threading
import time

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from registry.transparency.merkle import ProofError, verify_consistency

EMPTY = hashlib.sha256(b"").digest()


class MiniWitness:
    def __init__(self, name: str, logs: dict[str, str]) -> None:
        """`logs`: origin -> the log's verifier key."""
        self.name = name
        self.key = Ed25519PrivateKey.generate()
        self.public = self.key.public_key().public_bytes_raw()
        self.key_id = hashlib.sha256(name.encode() + b"\n\x04" + self.public).digest()[:4]
        self.logs = logs
        self.latest: dict[str, tuple[int, bytes]] = {}
        self.requests: list[tuple[int, int]] = []  # (old, size) of every accepted request
        self._lock = threading.Lock()

    @property
    def vkey(self) -> str:
        material = base64.b64encode(bytes([4]) + self.public).decode()
        return f"{self.name}+{self.key_id.hex()}+{material}"

    def _log_signed(self, origin: str, text: str, signatures: str) -> bool:
        name, key_id, material = self.logs[origin].split("+", 2)
        public = base64.b64decode(material)[1:]
        good = False
        for line in signatures.splitlines():
            signer, _, data = line.removeprefix("\u2014 ").partition(" ")
            raw = base64.b64decode(data)
            if signer == name and raw[:4].hex() == key_id:
                try:
                    Ed25519PublicKey.from_public_bytes(public).verify(raw[4:], text.encode())
                except InvalidSignature:
                    return False
                good = True
        return good

    def __call__(self, environ, start_response):  # type: ignore[no-untyped-def]
        request = Request(environ)
        if request.path != "/add-checkpoint" or request.method != "POST":
            return Response("not found", 404)(environ, start_response)
        return self.add_checkpoint(request.get_data(as_text=True))(environ, start_response)

    def add_checkpoint(self, body: str) -> Response:
        head, _, note = body.partition("\n\n")
        lines = head.split("\n")
        if not lines[0].startswith("old ") or not lines[0][4:].isdigit():
            return Response("bad old line", 400)
        old = int(lines[0][4:])
        proof = [base64.b64decode(x) for x in lines[1:]]
        cut = note.rindex("\n\n")
        text, signatures = note[: cut + 1], note[cut + 2 :]
        origin, size_line, root_line = text.split("\n")[:3]
        if origin not in self.logs:
            return Response("unknown log", 404)
        if not self._log_signed(origin, text, signatures):
            return Response("not signed by the log", 403)
        size, root = int(size_line), base64.b64decode(root_line)
        if old > size:
            return Response("old size is larger than the checkpoint", 400)
        with self._lock:  # the check and the update are one step
            known_size, known_root = self.latest.get(origin, (0, EMPTY))
            if old != known_size:
                return Response(f"{known_size}\n", 409, content_type="text/x.tlog.size")
            if size == 0 and root != EMPTY:
                return Response("empty tree with a non-empty root", 422)
            if old == 0 and proof:
                return Response("a proof from size 0 must be empty", 422)
            try:
                if old:
                    verify_consistency(old, size, known_root, root, proof)
            except ProofError:
                return Response("consistency proof does not verify", 422)
            self.latest[origin] = (size, root)
            self.requests.append((old, size))
        timestamp = int(time.time())
        signed = f"cosignature/v1\ntime {timestamp}\n".encode() + text.encode()
        payload = self.key_id + struct.pack(">Q", timestamp) + self.key.sign(signed)
        return Response(f"\u2014 {self.name} {base64.b64encode(payload).decode()}\n", 200)


class Serving:
    """Serve a WSGI app on 127.0.0.1:port in a thread."""

    def __init__(self, app, port: int) -> None:  # type: ignore[no-untyped-def]
        self.server = make_server("127.0.0.1", port, app, threaded=True)
        self.url = f"http://127.0.0.1:{port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Serving:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.thread.join()
