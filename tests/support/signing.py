"""Digitally signed PDFs for tests: a self-signed CA, a signer and a timestamping authority made
with ``cryptography``, PDFs signed with pyHanko, and the ways a signed file gets changed.

    keys = make_keys()                       # once per module: RSA key generation takes a moment
    signed = sign(pdf_bytes, keys)           # signingTime = now
    signed = sign(pdf_bytes, keys, at=when)  # plus a timestamp token at ``when``
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pymupdf
from asn1crypto import keys as akeys
from asn1crypto import x509 as ax509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import copy_into_new_writer
from pyhanko.sign import signers
from pyhanko.sign.timestamps import DummyTimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore

ORG = "UBND TỈNH ĐỒNG NAI"
PERSON = "Nguyễn Văn A"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"


@dataclass(frozen=True)
class Keys:
    signer: signers.SimpleSigner
    tsa_cert: ax509.Certificate
    tsa_key: akeys.PrivateKeyInfo
    ca_cert: ax509.Certificate


def _der_cert(c: x509.Certificate) -> ax509.Certificate:
    return ax509.Certificate.load(c.public_bytes(serialization.Encoding.DER))


def _der_key(k) -> akeys.PrivateKeyInfo:
    return akeys.PrivateKeyInfo.load(k.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                                     serialization.NoEncryption()))


def _cert(subject: x509.Name, issuer: x509.Name, key, issuer_key, serial: int, *, ca=False, eku=None):
    now = dt.datetime.now(dt.UTC)
    b = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(key.public_key())
         .serial_number(serial).not_valid_before(dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
         .not_valid_after(now + dt.timedelta(days=3650))
         .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if eku:
        b = b.add_extension(x509.ExtendedKeyUsage(eku), critical=True)
    return b.sign(issuer_key, hashes.SHA256())


def make_keys(org: str = ORG, person: str = PERSON) -> Keys:
    """A self-signed CA, a signer certificate (O=org, CN=person) and a TSA, all issued by the CA."""
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca_name = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                         x509.NameAttribute(NameOID.COMMON_NAME, "Test CA kiemchung")])
    ca = _cert(ca_name, ca_name, ca_key, ca_key, 1, ca=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
                      x509.NameAttribute(NameOID.COMMON_NAME, person)])
    cert = _cert(name, ca_name, key, ca_key, 2)
    tsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    tsa = _cert(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test TSA kiemchung")]), ca_name, tsa_key, ca_key,
                3, eku=[ExtendedKeyUsageOID.TIME_STAMPING])
    signer = signers.SimpleSigner(signing_cert=_der_cert(cert), signing_key=_der_key(key),
                                  cert_registry=SimpleCertificateStore.from_certs([_der_cert(ca)]))
    return Keys(signer=signer, tsa_cert=_der_cert(tsa), tsa_key=_der_key(tsa_key), ca_cert=_der_cert(ca))


def text_pdf(pages: list[str], *, fontsize: float = 10) -> bytes:
    """Born-digital pages, one line of text per line of each string (DejaVu Serif: Vietnamese)."""
    doc = pymupdf.open()
    for text in pages:
        page = doc.new_page()
        page.insert_font(fontname="dv", fontfile=FONT)
        y = 60.0
        for line in text.split("\n"):
            page.insert_text((40, y), line, fontname="dv", fontsize=fontsize)
            y += fontsize * 1.6
    data = doc.tobytes()
    doc.close()
    return data


def sign(pdf: bytes, keys: Keys, *, field: str = "Signature1", at: dt.datetime | None = None,
         encrypted: bool = False) -> bytes:
    """Sign ``pdf`` incrementally; ``at``: also embed a signature timestamp token with that time;
    ``encrypted``: the input is encrypted with an empty user password."""
    w = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    if encrypted:
        w.encrypt("")
    stamper = DummyTimeStamper(tsa_cert=keys.tsa_cert, tsa_key=keys.tsa_key, fixed_dt=at) if at else None
    out = io.BytesIO()
    signers.sign_pdf(w, signers.PdfSignatureMetadata(field_name=field), signer=keys.signer, timestamper=stamper,
                     output=out)
    return out.getvalue()


def encrypt_empty_password(pdf: bytes) -> bytes:
    """The same document encrypted (AES) with an owner password and an empty user password."""
    w = copy_into_new_writer(PdfFileReader(io.BytesIO(pdf)))
    w.encrypt("owner-secret", "")
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


def _incremental(pdf: bytes, change) -> bytes:
    """Apply ``change(doc)`` and save it as an incremental update (the signed bytes stay as they are)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "doc.pdf"
        path.write_bytes(pdf)
        doc = pymupdf.open(str(path))
        change(doc)
        doc.saveIncr()
        doc.close()
        return path.read_bytes()


def append_page(pdf: bytes, text: str = "Trang bổ sung sau khi ký") -> bytes:
    def change(doc):
        page = doc.new_page()
        page.insert_font(fontname="dv", fontfile=FONT)
        page.insert_text((40, 60), text, fontname="dv", fontsize=10)
    return _incremental(pdf, change)


def add_text(pdf: bytes, text: str = "Số: 99/KH-STP") -> bytes:
    """Write more text on page 1 (a changed number, say) as an incremental update."""
    def change(doc):
        page = doc[0]
        page.insert_font(fontname="dv", fontfile=FONT)
        page.insert_text((300, 60), text, fontname="dv", fontsize=10)
    return _incremental(pdf, change)
