"""Who did what: Ed25519 signing keys, passphrase-protected private keys, signed payloads.

Every user has an Ed25519 key pair (``cryptography``). The private key is kept encrypted under
the user's passphrase: scrypt (n=2**15, r=8, p=1) derives a 256-bit key, AES-256-GCM encrypts
the raw private key, with the public key as associated data (a blob cannot be moved to another
identity). Acting as a user means unlocking that key into a :class:`Keychain`; what is signed
can then be checked by anyone holding the public key registered in the audit log.

A workspace also has its own key (``identity/workspace.key`` beside the database, readable by
whoever holds the folder). It signs what no person does (fetches, imports, exports by the
command line) and the checkpoints of the audit log that leave the database.

No SQL and no Qt here: the same signing serves the SQLite file and a team database.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from orm_desktop.errors import UsageError

KDF_N = 2**15
KEY_FORMAT = "orm-desktop-key"
PASSPHRASE_ENV = "ORM_DESKTOP_PASSPHRASE"
MIN_PASSPHRASE = 8


class IdentityError(UsageError):
    """A missing, locked or wrong key, or a signature that does not verify."""


def canonical(obj: Any) -> bytes:
    """The one byte form of a JSON value that is signed and hashed."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _b64(b: bytes) -> str:
    return base64.b64encode(b).decode("ascii")


def _unb64(s: str) -> bytes:
    try:
        return base64.b64decode(s.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError, AttributeError):
        raise IdentityError("a key or signature is not valid base64") from None


def public_raw(priv: Ed25519PrivateKey) -> bytes:
    from cryptography.hazmat.primitives import serialization as s

    return priv.public_key().public_bytes(s.Encoding.Raw, s.PublicFormat.Raw)


def key_id_of(public_b64: str) -> str:
    """A short, stable name for a public key: the first 32 hex digits of its SHA-256."""
    return hashlib.sha256(_unb64(public_b64)).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class KeyPair:
    """A key pair as stored: the public key, its id, and the private key encrypted (``blob``)."""

    private: Ed25519PrivateKey
    public_key: str  # base64 raw 32 bytes
    key_id: str
    blob: str  # JSON text: the encrypted private key


def passphrase_problem(passphrase: str) -> str:
    """'' when ``passphrase`` may protect a new key, else what is wrong with it (one line)."""
    return "" if len(passphrase) >= MIN_PASSPHRASE else f"a passphrase needs at least {MIN_PASSPHRASE} characters"


def create_key(passphrase: str, *, kdf_n: int = KDF_N) -> KeyPair:
    """A new key pair, its private key encrypted under ``passphrase``."""
    if problem := passphrase_problem(passphrase):
        raise IdentityError(problem)
    priv = Ed25519PrivateKey.generate()
    return KeyPair(priv, _b64(public_raw(priv)), key_id_of(_b64(public_raw(priv))),
                   encrypt_private_key(priv, passphrase, kdf_n=kdf_n))


def _kdf(passphrase: str, salt: bytes, n: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=8, p=1).derive(passphrase.encode("utf-8"))


def encrypt_private_key(priv: Ed25519PrivateKey, passphrase: str, *, kdf_n: int = KDF_N) -> str:
    from cryptography.hazmat.primitives import serialization as s

    salt, nonce = os.urandom(16), os.urandom(12)
    pub = public_raw(priv)
    raw = priv.private_bytes(s.Encoding.Raw, s.PrivateFormat.Raw, s.NoEncryption())
    ct = AESGCM(_kdf(passphrase, salt, kdf_n)).encrypt(nonce, raw, pub)
    return json.dumps({"format": KEY_FORMAT, "version": 1, "kdf": "scrypt", "n": kdf_n, "r": 8, "p": 1,
                       "salt": _b64(salt), "nonce": _b64(nonce), "public_key": _b64(pub),
                       "ciphertext": _b64(ct)}, sort_keys=True)


def decrypt_private_key(blob: str, passphrase: str, *, who: str = "this key") -> Ed25519PrivateKey:
    """The private key in ``blob``; IdentityError for a wrong passphrase or a damaged blob."""
    try:
        d = json.loads(blob)
        if d.get("format") != KEY_FORMAT or d.get("kdf") != "scrypt":
            raise ValueError
        n = int(d["n"])
        if not 2**10 <= n <= 2**20 or n & (n - 1):
            raise ValueError
        pub = _unb64(d["public_key"])
        raw = AESGCM(_kdf(passphrase, _unb64(d["salt"]), n)).decrypt(_unb64(d["nonce"]),
                                                                     _unb64(d["ciphertext"]), pub)
    except InvalidTag:
        raise IdentityError(f"wrong passphrase for {who}") from None
    except (ValueError, KeyError, TypeError, AttributeError):
        raise IdentityError(f"the key of {who} is damaged or not an ORM Desktop key") from None
    priv = Ed25519PrivateKey.from_private_bytes(raw)
    if public_raw(priv) != pub:
        raise IdentityError(f"the key of {who} does not match its public key")
    return priv


def public_key_of_blob(blob: str) -> str:
    try:
        return str(json.loads(blob)["public_key"])
    except (ValueError, KeyError, TypeError):
        raise IdentityError("not an ORM Desktop key file") from None


def sign(priv: Ed25519PrivateKey, domain: str, payload: Any) -> str:
    """Signature (base64) over ``domain`` and the canonical form of ``payload``."""
    return _b64(priv.sign(domain.encode("ascii") + b"\n" + canonical(payload)))


@functools.lru_cache(maxsize=256)
def _public_key(public_b64: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(_unb64(public_b64))


def verify(public_b64: str, domain: str, payload: Any, signature: str) -> bool:
    try:
        _public_key(public_b64).verify(
            _unb64(signature), domain.encode("ascii") + b"\n" + canonical(payload))
        return True
    except (InvalidSignature, IdentityError, ValueError, TypeError):
        return False


class Keychain:
    """The private keys unlocked in this process, by key id (thread-safe)."""

    def __init__(self) -> None:
        self._keys: dict[str, Ed25519PrivateKey] = {}
        self._lock = threading.Lock()

    def add(self, priv: Ed25519PrivateKey) -> str:
        kid = key_id_of(_b64(public_raw(priv)))
        with self._lock:
            self._keys[kid] = priv
        return kid

    def get(self, key_id: str) -> Ed25519PrivateKey | None:
        with self._lock:
            return self._keys.get(key_id)

    def forget(self, key_id: str) -> None:
        with self._lock:
            self._keys.pop(key_id, None)

    def clear(self) -> None:
        with self._lock:
            self._keys.clear()


SESSION = Keychain()
"""The keys unlocked by the person using this process (CLI `--as`, GUI "Working as")."""


def unlock(blob: str, passphrase: str, *, who: str, expected_key_id: str,
           keychain: Keychain = SESSION) -> str:
    """Decrypt a stored key with the passphrase and keep it in the keychain; returns its id."""
    priv = decrypt_private_key(blob, passphrase, who=who)
    kid = key_id_of(_b64(public_raw(priv)))
    if kid != expected_key_id:
        raise IdentityError(f"the stored key of {who} is not the one registered for {who}")
    return keychain.add(priv)


# -- the workspace's own key --------------------------------------------------------------------
_ws_keys: dict[str, Ed25519PrivateKey] = {}
_ws_lock = threading.Lock()


def workspace_key(root: Path) -> Ed25519PrivateKey:
    """The workspace's key, created on first use in ``root/identity/workspace.key`` (mode 0600)."""
    from cryptography.hazmat.primitives import serialization as s

    path = Path(root) / "identity" / "workspace.key"
    with _ws_lock:
        cached = _ws_keys.get(str(path))
        if cached is not None and path.exists():
            return cached
        if path.exists():
            try:
                priv = s.load_pem_private_key(path.read_bytes(), password=None)
            except ValueError:
                raise IdentityError(f"{path} is damaged; restore it from a backup") from None
            if not isinstance(priv, Ed25519PrivateKey):
                raise IdentityError(f"{path} is not an Ed25519 key")
        else:
            priv = Ed25519PrivateKey.generate()
            path.parent.mkdir(parents=True, exist_ok=True)
            pem = priv.private_bytes(s.Encoding.PEM, s.PrivateFormat.PKCS8, s.NoEncryption())
            # several processes may create it at once (the GUI, a CLI, `fetch --loop`): each writes
            # its own temporary file and links it into place only if no key is there yet; the
            # losers use the winner's key, so there is only ever one
            tmp = path.with_suffix(f".tmp{os.getpid()}-{threading.get_ident()}")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(pem)
                    f.flush()
                    os.fsync(f.fileno())
                os.link(tmp, path)
            except FileExistsError:
                priv = s.load_pem_private_key(path.read_bytes(), password=None)
            finally:
                tmp.unlink(missing_ok=True)
        _ws_keys[str(path)] = priv
        return priv


def public_b64(priv: Ed25519PrivateKey) -> str:
    return _b64(public_raw(priv))
