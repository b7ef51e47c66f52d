"""Digital signatures (chữ ký số) of a PDF: intact or not, changed after signing, who signed, when.

Read with pyHanko from the file itself, per signature field:

- ``intact``: the bytes of the signed range hash to the digest in the signature, and the
  signature verifies with the certificate's public key;
- ``modified_after_signing``: from pyHanko's coverage of the signed byte range (the entire file,
  or only the revision signed, with incremental updates after it) and its difference analysis of
  those updates: adding another signature (or LTV material) is not a modification; new pages,
  changed text, annotations or anything pyHanko cannot explain are;
- the signer certificate's subject (O, CN and the whole subject) and the signing time: a
  signature timestamp token's time when the token is intact, else the signed ``signingTime``
  attribute, else the signature dictionary's ``/M`` (``signing_time_source`` says which).

Certificate trust is never checked: there is no trust list offline, and the validation context
has no roots and may not fetch anything. Every signature says ``trust: "not_verified"``.

Unsigned files cost nothing: the open pymupdf document's AcroForm (``/SigFlags``, else its
``/FT /Sig`` fields) decides whether pyHanko reads the file at all. Nothing raises: a file
pyHanko cannot read gives one :class:`Signature` with ``error``, and so does a broken signature.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
from concurrent.futures import ThreadPoolExecutor
from itertools import islice
from pathlib import Path

import pymupdf
from cryptography import x509 as cx509
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.crypt import AuthStatus
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import DiffResult, ModificationLevel
from pyhanko.sign.fields import enumerate_sig_fields
from pyhanko.sign.validation import SignatureCoverageLevel, validate_pdf_signature, validate_pdf_timestamp
from pyhanko.sign.validation.generic_cms import extract_self_reported_ts
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko_certvalidator import ValidationContext

from models.extraction import Signature

log = logging.getLogger(__name__)

MAX_SIGNATURES = 32  # a hostile file with thousands of signature fields is not read past this
_MAX_FIELD_NODES = 5000  # AcroForm nodes walked looking for /FT /Sig
_REF = re.compile(r"(\d+)\s+\d+\s+R")

# Offline, every certificate path fails to build (no trust roots, no fetching) and pyHanko logs a
# warning with a traceback for it, and for each difference analysis that finds a change: those are
# the results recorded here, not problems of the service. Quiet them unless configured otherwise.
for _name in ("pyhanko", "pyhanko_certvalidator"):
    if logging.getLogger(_name).level == logging.NOTSET:
        logging.getLogger(_name).setLevel(logging.ERROR)


def has_signature_fields(doc: pymupdf.Document) -> bool:
    """Does the (open) PDF have a signature field? ``/SigFlags`` first, else a walk of the AcroForm fields."""
    try:
        flags = doc.get_sigflags()
        if flags > 0 and flags & 1:  # SignaturesExist
            return True
        if not doc.is_form_pdf:
            return False
        return _sig_field_in_acroform(doc)
    except Exception:  # a broken AcroForm: let pyHanko look and say what is wrong
        return True


def _sig_field_in_acroform(doc: pymupdf.Document) -> bool:
    kind, value = doc.xref_get_key(doc.pdf_catalog(), "AcroForm/Fields")
    todo = [int(x) for x in _REF.findall(value)] if kind in ("array", "xref") else []
    if kind == "xref":  # the Fields array is an indirect object
        todo = [int(x) for x in _REF.findall(doc.xref_object(todo[0], compressed=True))] if todo else []
    seen: set[int] = set()
    while todo and len(seen) < _MAX_FIELD_NODES:
        xref = todo.pop()
        if xref in seen or not 0 < xref < doc.xref_length():
            continue
        seen.add(xref)
        if doc.xref_get_key(xref, "FT") == ("name", "/Sig"):
            return True
        kind, kids = doc.xref_get_key(xref, "Kids")
        if kind == "array":
            todo.extend(int(x) for x in _REF.findall(kids))
    return False


def read_signatures(path: Path | str, doc: pymupdf.Document | None = None) -> list[Signature]:
    """Every signature of the PDF at ``path`` (``[]`` when it has none). ``doc``: the same file,
    already open in pymupdf, for the cheap check; opened here when not given. Never raises."""
    try:
        if doc is None:
            with pymupdf.open(str(path), filetype="pdf") as d:
                if d.needs_pass and not d.authenticate(""):
                    return []  # ingest reports ENCRYPTED_PDF for such a file
                signed = has_signature_fields(d)
        else:
            signed = has_signature_fields(doc)
    except Exception:  # not a PDF pymupdf opens: ingest reports it
        return []
    if not signed:
        return []
    try:
        with open(path, "rb") as fh:
            reader = PdfFileReader(fh, strict=False)
            if reader.encrypted and reader.decrypt("").status == AuthStatus.FAILED:
                return [Signature(field_name="", error="encrypted PDF: the empty user password does not open it")]
            return _read_all(reader)
    except Exception as e:  # pyHanko could not read the file's structure
        log.info("signatures of %s not readable: %s: %s", path, type(e).__name__, e)
        return [Signature(field_name="", error=f"signatures not readable: {type(e).__name__}: {e}"[:500])]


def _read_all(reader: PdfFileReader) -> list[Signature]:
    names = {name for name, _, _ in islice(enumerate_sig_fields(reader), _MAX_FIELD_NODES)}
    filled = list(islice(enumerate_sig_fields(reader, filled_status=True), MAX_SIGNATURES + 1))
    if len(filled) > MAX_SIGNATURES:
        log.warning("PDF has more than %d signatures; the rest are not read", MAX_SIGNATURES)
    return [_read_one(reader, name, field, names) for name, _, field in filled[:MAX_SIGNATURES]]


def _read_one(reader: PdfFileReader, name: str, field, sig_fields: set[str]) -> Signature:
    try:
        emb = EmbeddedPdfSignature(reader, field, name)
    except Exception as e:
        return Signature(field_name=name, error=f"signature dictionary not readable: {type(e).__name__}: {e}"[:500])
    sig = Signature(field_name=name)
    try:
        _subject(sig, emb)
    except Exception as e:  # no signer certificate in the signature
        sig.error = f"signer certificate not readable: {type(e).__name__}: {e}"[:500]
    try:
        if emb.sig_object_type == "/DocTimeStamp":
            sig.kind = "document_timestamp"
            status = _sync(validate_pdf_timestamp, emb, validation_context=_offline_context())
        else:
            status = _sync(validate_pdf_signature, emb, _offline_context())
    except Exception as e:
        sig.error = f"signature not checkable: {type(e).__name__}: {e}"[:500]
        _self_reported_time(sig, emb)
        return sig
    sig.intact = bool(status.intact and status.valid)
    sig.coverage = status.coverage.name.lower() if status.coverage is not None else None
    level = status.modification_level
    sig.modification_level = level.name.lower() if level is not None else None
    sig.modified_after_signing = _modified(status, sig_fields)
    if sig.kind == "document_timestamp":
        _set_time(sig, status.timestamp, "timestamp_token")
    else:
        tst = status.timestamp_validity
        if tst is not None and tst.intact and tst.valid:
            _set_time(sig, tst.timestamp, "timestamp_token")
        else:
            _self_reported_time(sig, emb)
    return sig


def _modified(status, sig_fields: set[str]) -> bool:
    """Changed after signing: anything beyond other signatures and LTV updates, or unclear coverage."""
    if status.coverage == SignatureCoverageLevel.ENTIRE_FILE:
        return False
    if status.coverage != SignatureCoverageLevel.ENTIRE_REVISION:
        return True  # the signature does not even cover its own revision
    diff = status.diff_result
    if not isinstance(diff, DiffResult):  # SuspiciousModification, or no analysis
        return True
    if diff.modification_level in (ModificationLevel.NONE, ModificationLevel.LTA_UPDATES):
        return False
    if diff.modification_level == ModificationLevel.FORM_FILLING and set(diff.changed_form_fields) <= sig_fields:
        return False  # later signatures only (the usual: signer, then the agency, then a SAO Y copy)
    return True


def _subject(sig: Signature, emb: EmbeddedPdfSignature) -> None:
    cert = emb.signer_cert
    try:
        c = cx509.load_der_x509_certificate(cert.dump())
        sig.signer_subject = c.subject.rfc4514_string()
        sig.certificate_issuer = c.issuer.rfc4514_string()
        org = c.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
        cn = c.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        sig.signer_organization = str(org[0].value) if org else None
        sig.signer_name = str(cn[0].value) if cn else None
    except ValueError:  # a certificate cryptography will not parse strictly: asn1crypto's reading
        native = cert.subject.native
        sig.signer_subject = cert.subject.human_friendly
        sig.certificate_issuer = cert.issuer.human_friendly
        sig.signer_organization = _first(native.get("organization_name"))
        sig.signer_name = _first(native.get("common_name"))


def _first(value) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    return str(value) if value is not None else None


def _self_reported_time(sig: Signature, emb: EmbeddedPdfSignature) -> None:
    try:
        t = extract_self_reported_ts(emb.signer_info)
        if t is not None:
            _set_time(sig, t, "signed_attribute")
            return
        t = emb.self_reported_timestamp  # the signature dictionary's /M
        if t is not None:
            _set_time(sig, t, "signature_dictionary")
    except Exception:  # an unparsable date: no time
        pass


def _set_time(sig: Signature, t: dt.datetime | None, source: str) -> None:
    if t is not None:
        sig.signing_time = t.isoformat()
        sig.signing_time_source = source


def _offline_context() -> ValidationContext:
    """No trust roots, no fetching (CRL, OCSP, AIA): integrity only, trust stays unverified."""
    return ValidationContext(trust_roots=[], allow_fetching=False)


def _sync(fn, *args, **kwargs):
    """pyHanko's synchronous API runs its own event loop: in a thread that already runs one (an
    async caller), run it on a helper thread instead."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return fn(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn, *args, **kwargs).result()


__all__ = ["MAX_SIGNATURES", "has_signature_fields", "read_signatures"]
