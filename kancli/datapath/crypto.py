"""Keys and sealing for the backup repository: scrypt, AES-256-GCM and keyed BLAKE3.

A repository has one random master key set (an encryption key, an ID key and a chunker seed),
stored in the ``config`` object encrypted under a key derived from the user's password with
scrypt. Everything else is sealed with AES-256-GCM under the encryption key, with a fresh random
96-bit nonce per object and associated data that says what kind of object it is (so an index can
never be passed off as a snapshot). Chunk and file IDs are BLAKE3 keyed hashes under the ID key,
so equal plaintexts deduplicate without revealing their hashes to someone who only sees the
store. No primitive here is hand-written: ``cryptography`` and ``blake3`` supply them.
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass
from typing import Any

import blake3
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from kancli.datapath.errors import CorruptionError, WrongPasswordError

NONCE_SIZE = 12
TAG_SIZE = 16
KEY_SIZE = 32
SEAL_OVERHEAD = NONCE_SIZE + TAG_SIZE
MASTER_KEY_AAD = b"kancli master key v1:"


def b64e(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def b64d(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


@dataclass(frozen=True)
class KdfParams:
    """scrypt cost parameters and salt, stored in plain text in the repository config."""

    salt: bytes
    n: int = 1 << 15
    r: int = 8
    p: int = 1

    def to_json(self) -> dict[str, Any]:
        return {
            "algorithm": "scrypt",
            "n": self.n,
            "r": self.r,
            "p": self.p,
            "salt": b64e(self.salt),
        }

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> KdfParams:
        if obj.get("algorithm") != "scrypt":
            raise CorruptionError(f"unsupported key derivation {obj.get('algorithm')!r}")
        return cls(salt=b64d(obj["salt"]), n=int(obj["n"]), r=int(obj["r"]), p=int(obj["p"]))

    @classmethod
    def fresh(cls, n: int = 1 << 15) -> KdfParams:
        return cls(salt=os.urandom(32), n=n)


def derive_password_key(password: str, params: KdfParams) -> bytes:
    """The key-encryption key: scrypt(password, salt) -> 32 bytes."""
    kdf = Scrypt(salt=params.salt, length=KEY_SIZE, n=params.n, r=params.r, p=params.p)
    return kdf.derive(password.encode("utf-8"))


def seal(key: bytes, plaintext: bytes | memoryview, aad: bytes) -> bytes:
    """``nonce || AES-256-GCM(key, nonce, plaintext, aad)`` (ciphertext then 16-byte tag)."""
    nonce = os.urandom(NONCE_SIZE)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def unseal(key: bytes, sealed: bytes | memoryview, aad: bytes, what: str) -> bytes:
    """Inverse of :func:`seal`; a failed tag check is corruption (or tampering) of ``what``."""
    view = memoryview(sealed)
    if len(view) < SEAL_OVERHEAD:
        raise CorruptionError(f"{what} is truncated ({len(view)} bytes)")
    try:
        return AESGCM(key).decrypt(view[:NONCE_SIZE], view[NONCE_SIZE:], aad)
    except InvalidTag as exc:
        raise CorruptionError(f"{what} failed authentication (corrupted or tampered)") from exc


@dataclass(frozen=True)
class MasterKeys:
    """The repository's secret keys. Never stored unencrypted, never printed."""

    encryption: bytes
    ids: bytes
    chunker_seed: int

    def __repr__(self) -> str:
        return "MasterKeys(<secret>)"

    @classmethod
    def generate(cls) -> MasterKeys:
        seed = int.from_bytes(os.urandom(8), "little") or 1
        return cls(encryption=os.urandom(KEY_SIZE), ids=os.urandom(KEY_SIZE), chunker_seed=seed)

    def blob_id(self, data: bytes | memoryview) -> bytes:
        """The 32-byte content address of a chunk: BLAKE3 keyed with the ID key."""
        return blake3.blake3(data, key=self.ids).digest()

    def hasher(self) -> blake3.blake3:
        """An incremental keyed BLAKE3 for whole-file checksums."""
        return blake3.blake3(key=self.ids)

    def wrap(self, password: str, params: KdfParams, repo_id: str) -> str:
        """The master keys sealed under the password-derived key, base64 for the config."""
        payload = json.dumps(
            {
                "encryption": b64e(self.encryption),
                "ids": b64e(self.ids),
                "chunkerSeed": self.chunker_seed,
            }
        ).encode()
        kek = derive_password_key(password, params)
        return b64e(seal(kek, payload, MASTER_KEY_AAD + repo_id.encode()))

    @classmethod
    def unwrap(cls, wrapped: str, password: str, params: KdfParams, repo_id: str) -> MasterKeys:
        kek = derive_password_key(password, params)
        sealed = b64d(wrapped)
        try:
            payload = AESGCM(kek).decrypt(
                sealed[:NONCE_SIZE], sealed[NONCE_SIZE:], MASTER_KEY_AAD + repo_id.encode()
            )
        except InvalidTag as exc:
            raise WrongPasswordError(
                "wrong password: the encryption key does not open this repository",
                hint="use the encryptionKey the backups were made with",
            ) from exc
        obj = json.loads(payload)
        return cls(
            encryption=b64d(obj["encryption"]),
            ids=b64d(obj["ids"]),
            chunker_seed=int(obj["chunkerSeed"]),
        )
