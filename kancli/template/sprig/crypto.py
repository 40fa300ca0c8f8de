"""sprig v2.22's crypto functions as Kanister exposes them (``crypto.go`` + ``pkg/ksprig``).

Kanister replaces the FIPS-incompatible ones (reference §3.2): ``derivePassword`` always fails,
and ``genPrivateKey`` accepts only ``rsa``, ``ecdsa`` and ``ed25519`` (which sprig v2.22 itself
does not know, so it returns the text ``Unknown type ed25519``, as in Kanister). Certificates are
built as sprig builds them (RSA 2048, SHA-256, 128-bit random serial, server+client auth) and
returned as a ``certificate`` struct with ``.Cert`` and ``.Key`` PEM fields. ``encryptAES`` uses
sprig's exact scheme: the password zero-padded or cut to 32 bytes as an AES-256 key, PKCS#7
padding, CBC with a random IV prepended, base64.

Runtime dependency: the ``cryptography`` package (imported lazily, only by these functions).
"""

from __future__ import annotations

import base64
import ipaddress
import os
import secrets
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from kancli.template.gofmt import format_value
from kancli.template.sprig.encoding import CorruptInputError, b64_decode
from kancli.template.sprig.goconv import go_bytes_text
from kancli.template.sprig.registry import FuncTable, go_panic
from kancli.template.values import FuncError, GoStruct

__all__ = ["FUNCS", "Certificate"]

FUNCS = FuncTable()
_S = "string"
_CERT = "sprig.certificate"
_FIPS = "sprig usage of '{}' is not allowed by kanister as it is not FIPS compatible"


class Certificate(GoStruct):
    """sprig's ``certificate{Cert, Key string}`` (PEM text)."""

    go_type = _CERT

    def __init__(self, cert: str = "", key: str = "") -> None:
        self.cert = cert
        self.key = key

    def go_fields(self) -> Mapping[str, Any]:
        return {"Cert": self.cert, "Key": self.key}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Certificate) and (self.cert, self.key) == (other.cert, other.key)

    def __hash__(self) -> int:
        return hash((self.cert, self.key))


@FUNCS.define("derivePassword", ("int", _S, _S, _S, _S), _S, returns_error=True)
def derive_password(counter: int, password_type: str, password: str, user: str, site: str) -> str:
    raise FuncError(_FIPS.format("derivePassword"))


def _pem_private_key(key: Any) -> str:
    from cryptography.hazmat.primitives import serialization

    return str(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        ).decode("ascii")
    )


@FUNCS.define("genPrivateKey", (_S,), _S, returns_error=True)
def gen_private_key(key_type: str) -> str:
    if key_type == "rsa":
        from cryptography.hazmat.primitives.asymmetric import rsa

        return _pem_private_key(rsa.generate_private_key(public_exponent=65537, key_size=4096))
    if key_type == "ecdsa":
        from cryptography.hazmat.primitives.asymmetric import ec

        return _pem_private_key(ec.generate_private_key(ec.SECP256R1()))
    if key_type == "ed25519":
        return "Unknown type ed25519"
    raise FuncError(_FIPS.format(f"genPrivateKey for {key_type}"))


def _net_ips(ips: list[Any]) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    out = []
    for ip in ips:
        if not isinstance(ip, str):
            raise FuncError(f"error parsing ip: {format_value(ip)} is not a string")
        try:
            if "%" in ip:
                raise ValueError(ip)
            out.append(ipaddress.ip_address(ip))
        except ValueError:
            raise FuncError(f"error parsing ip: {ip}") from None
    return out


def _dns_names(names: list[Any]) -> list[str]:
    out = []
    for name in names:
        if not isinstance(name, str):
            raise FuncError(
                f"error processing alternate dns name: {format_value(name)} is not a string"
            )
        out.append(name)
    return out


def _issue(
    cn: str, ips: list[Any], dns: list[Any], days: int, ca: tuple[Any, Any] | None, *, is_ca: bool
) -> Certificate:
    """sprig's ``getBaseCertTemplate`` + ``getCertAndKey``; ``ca`` is (cert, key) or self-signed."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import Encoding
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    addresses, names = _net_ips(ips), _dns_names(dns)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)]) if cn else x509.Name([])
    issuer_cert, issuer_key = ca if ca is not None else (None, key)
    now = datetime.now(UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_cert.subject if issuer_cert is not None else subject)
        .public_key(key.public_key())
        .serial_number(secrets.randbits(128) or 1)
        .not_valid_before(now)
        .not_valid_after(now + timedelta(days=days))
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=True,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=is_ca,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage(
                [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=is_ca, path_length=None), critical=True)
    )
    if is_ca:
        builder = builder.add_extension(
            x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False
        )
    if issuer_cert is not None:
        try:
            skid = issuer_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier)
            builder = builder.add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(skid.value),
                critical=False,
            )
        except x509.ExtensionNotFound:
            pass
    sans: list[x509.GeneralName] = [x509.DNSName(n) for n in names]
    sans += [x509.IPAddress(a) for a in addresses]
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName(sans), critical=False)
    cert = builder.sign(issuer_key, hashes.SHA256())
    return Certificate(cert.public_bytes(Encoding.PEM).decode("ascii"), _pem_private_key(key))


@FUNCS.define("genCA", (_S, "int"), _CERT, returns_error=True)
def gen_ca(cn: str, days_valid: int) -> Certificate:
    return _issue(cn, [], [], days_valid, None, is_ca=True)


@FUNCS.define(
    "genSelfSignedCert", (_S, "[]interface{}", "[]interface{}", "int"), _CERT, returns_error=True
)
def gen_self_signed_cert(cn: str, ips: list[Any], dns: list[Any], days_valid: int) -> Certificate:
    return _issue(cn, ips, dns, days_valid, None, is_ca=False)


def _load_pair(cert_pem: bytes, key_pem: bytes, what: str) -> tuple[Any, Any]:
    """Parse a PEM certificate and a PKCS#1 RSA key with sprig's error texts."""
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import load_der_private_key

    cert_block = _pem_block(cert_pem)
    if cert_block is None:
        raise FuncError("unable to decode certificate")
    try:
        cert = x509.load_der_x509_certificate(cert_block)
    except ValueError as exc:
        raise FuncError(f"error parsing certificate: {what}Cert.Bytes: {exc}") from None
    key_block = _pem_block(key_pem)
    if key_block is None:
        raise FuncError("unable to decode key")
    problem = _pkcs1_problem(key_block)
    if problem is None:
        try:
            key = load_der_private_key(key_block, password=None)
        except ValueError as exc:
            problem = str(exc)
    if problem is not None:
        raise FuncError(f"error parsing prive key: {what}Key.Bytes: {problem}")
    return cert, key


def _der_skip(der: bytes, i: int) -> int:
    """The index after the DER element starting at ``i``."""
    length = der[i + 1]
    i += 2
    if length & 0x80:
        n = length & 0x7F
        length = int.from_bytes(der[i : i + n], "big")
        i += n
    return i + length


def _pkcs1_problem(der: bytes) -> str | None:
    """Why ``x509.ParsePKCS1PrivateKey`` would reject ``der`` (None if it is PKCS#1 RSA)."""
    hint = "x509: failed to parse private key (use {} instead for this key format)"
    try:
        if der[0] != 0x30:
            return "asn1: structure error: tags don't match"
        body = 2 + (der[1] & 0x7F if der[1] & 0x80 else 0)
        after_version = _der_skip(der, body)
        second = der[after_version]
    except IndexError:
        return "asn1: syntax error: data truncated"
    if der[body] == 0x02 and second == 0x30:
        return hint.format("ParsePKCS8PrivateKey")
    if der[body] == 0x02 and second == 0x04:
        return hint.format("ParseECPrivateKey")
    if der[body] != 0x02 or second != 0x02:
        return "asn1: structure error: tags don't match"
    return None


def _pem_block(data: bytes) -> bytes | None:
    """``pem.Decode``: the DER bytes of the first PEM block, or None."""
    text = data.decode("latin-1")
    start = text.find("-----BEGIN ")
    if start < 0:
        return None
    header_end = text.find("-----", start + 11)
    end = text.find("-----END ", header_end + 5)
    if header_end < 0 or end < 0:
        return None
    body = text[header_end + 5 : end]
    lines = [ln.strip() for ln in body.strip().splitlines() if ln.strip() and ":" not in ln]
    try:
        return base64.b64decode("".join(lines), validate=True)
    except ValueError:
        return None


@FUNCS.define(
    "genSignedCert",
    (_S, "[]interface{}", "[]interface{}", "int", _CERT),
    _CERT,
    returns_error=True,
)
def gen_signed_cert(
    cn: str, ips: list[Any], dns: list[Any], days_valid: int, ca: Certificate
) -> Certificate:
    pair = _load_pair(ca.cert.encode(), ca.key.encode(), "decodedSigner")
    return _issue(cn, ips, dns, days_valid, pair, is_ca=False)


@FUNCS.define("buildCustomCert", (_S, _S), _CERT, returns_error=True)
def build_custom_cert(b64cert: str, b64key: str) -> Certificate:
    try:
        cert = b64_decode(b64cert)
    except CorruptInputError:
        raise FuncError("unable to decode base64 certificate") from None
    try:
        key = b64_decode(b64key)
    except CorruptInputError:
        raise FuncError("unable to decode base64 private key") from None
    _load_pair(cert, key, "decoded")
    return Certificate(go_bytes_text(cert), go_bytes_text(key))


def _aes_key(password: str) -> bytes:
    return password.encode("utf-8", "surrogatepass")[:32].ljust(32, b"\0")


@FUNCS.define("encryptAES", (_S, _S), _S, returns_error=True)
def encrypt_aes(password: str, plaintext: str) -> str:
    if plaintext == "":
        return ""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    content = plaintext.encode("utf-8", "surrogatepass")
    pad = 16 - len(content) % 16
    content += bytes([pad]) * pad
    iv = os.urandom(16)
    enc = Cipher(algorithms.AES(_aes_key(password)), modes.CBC(iv)).encryptor()
    return base64.b64encode(iv + enc.update(content) + enc.finalize()).decode("ascii")


@FUNCS.define("decryptAES", (_S, _S), _S, returns_error=True)
def decrypt_aes(password: str, crypt64: str) -> str:
    if crypt64 == "":
        return ""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    try:
        crypt = b64_decode(crypt64)
    except CorruptInputError as exc:
        raise FuncError(str(exc)) from None
    if len(crypt) < 16:
        capacity = len(crypt64.encode("utf-8", "surrogatepass")) // 4 * 3
        raise go_panic(f"runtime error: slice bounds out of range [:16] with capacity {capacity}")
    iv, body = crypt[:16], crypt[16:]
    if len(body) % 16:
        raise go_panic("crypto/cipher: input not full blocks")
    dec = Cipher(algorithms.AES(_aes_key(password)), modes.CBC(iv)).decryptor()
    plain = dec.update(body) + dec.finalize()
    if not plain:
        raise go_panic("runtime error: index out of range [-1]")
    end = len(plain) - plain[-1]
    if end < 0:
        raise go_panic(f"runtime error: slice bounds out of range [:{end}]")
    return go_bytes_text(plain[:end])


@FUNCS.define("uuidv4", (), _S)
def uuidv4() -> str:
    return str(uuid.uuid4())
