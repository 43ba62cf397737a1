"""A PDF signed with the secretariat's document-signing certificate (PAdES baseline B-B).

The certificate is the organisation's, from its PKI, as a PKCS#12 file (``.p12``/``.pfx``)
protected by a passphrase: a PDF reader shows the signature as valid, and whose, once it trusts
that PKI. The signature is an incremental update, covering the whole document as written.
pyHanko (the optional dependency ``carnet[signature]``) does the CMS and the PDF structure; it
is imported only when a document is signed.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from store.errors import StoreError, os_reason

INSTALL = "pip install 'carnet[signature]'"


@dataclass(frozen=True)
class DocumentSigner:
    """The certificate and its key, unlocked; ``name`` is the certificate's holder."""

    signer: Any  # pyhanko.sign.signers.SimpleSigner
    name: str


def load_signer(path: Path, passphrase: str) -> DocumentSigner:
    """The PKCS#12 file unlocked with its passphrase; a French StoreError otherwise."""
    try:
        with warnings.catch_warnings():
            # pyHanko still imports DSA, which cryptography warns about on every import.
            warnings.simplefilter("ignore")
            from pyhanko.sign import signers
    except ImportError:
        raise StoreError(
            f"la signature des documents demande pyHanko, absent de cette installation : {INSTALL}"
        ) from None
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise StoreError(f"certificat {path} illisible : {os_reason(exc)}") from None
    try:
        signer = signers.SimpleSigner.load_pkcs12_data(
            data, other_certs=[], passphrase=passphrase.encode()
        )
    except Exception:  # pyHanko raises what its parsers raise (ValueError, asn1crypto…)
        signer = None
    if signer is None or getattr(signer, "signing_cert", None) is None:
        raise StoreError(
            f"certificat {path.name} refusé : ce n'est pas un fichier PKCS#12 (.p12, .pfx) "
            "lisible avec ce mot de passe"
        )
    subject = signer.signing_cert.subject.native
    name = str(subject.get("common_name") or subject.get("organization_name") or path.stem)
    return DocumentSigner(signer, name)


def sign_pdf(data: bytes, signer: DocumentSigner, *, reason: str, location: str) -> bytes:
    """The PDF with one signature over all of it (PAdES B-B, no time stamp: carnet works
    offline), its reason and place as the reader shows them."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.sign.fields import SigSeedSubFilter

    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    meta = signers.PdfSignatureMetadata(
        field_name="SignatureSecretariat",
        subfilter=SigSeedSubFilter.PADES,
        reason=reason,
        location=location,
        name=signer.name,
    )
    return bytes(signers.sign_pdf(writer, meta, signer=signer.signer).getvalue())
