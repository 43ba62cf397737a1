"""The document-signing certificate and the PAdES signature, called in this process.

tests/test_document_signature.py checks them through the commands, which lay the documents
out in a second process and are slow; here ``load_signer`` and ``sign_pdf`` are called
directly on a one-page PDF, quickly enough for the fast loop: the exact French refusals, the
name the signature gives, and what the signature dictionary says.
"""

from __future__ import annotations

import datetime
import io
import sys
from pathlib import Path

import pypdf
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from store.documents.signature import load_signer, sign_pdf
from store.errors import StoreError

PASSPHRASE = "Phrase du secrétariat 2026"
_KEY = ec.generate_private_key(ec.SECP256R1())


def _p12(folder: Path, *attributes: x509.NameAttribute[str], name: str = "pki.p12") -> Path:
    subject = x509.Name(list(attributes))
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(_KEY.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(_KEY, hashes.SHA256())
    )
    data = pkcs12.serialize_key_and_certificates(
        b"secretariat", _KEY, cert, None,
        serialization.BestAvailableEncryption(PASSPHRASE.encode()),
    )  # fmt: skip
    path = folder / name
    path.write_bytes(data)
    return path


def _one_page_pdf() -> bytes:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


CN = x509.NameAttribute(NameOID.COMMON_NAME, "Secrétariat des CQP")
ORG = x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Ucanss")
TOWN = x509.NameAttribute(NameOID.LOCALITY_NAME, "Paris")


@pytest.mark.parametrize(
    ("attributes", "name"),
    [((CN, ORG), "Secrétariat des CQP"), ((ORG,), "Ucanss"), ((TOWN,), "organisme")],
    ids=["common-name", "organisation", "file-name"],
)
def test_the_signer_is_named_by_its_certificate_or_else_its_file(
    tmp_path: Path, attributes: tuple[x509.NameAttribute[str], ...], name: str
) -> None:
    signer = load_signer(_p12(tmp_path, *attributes, name="organisme.p12"), PASSPHRASE)
    assert signer.name == name
    assert signer.signer.signing_cert is not None


def test_a_signed_pdf_says_who_why_and_where_and_covers_the_whole_file(tmp_path: Path) -> None:
    signer = load_signer(_p12(tmp_path, CN, ORG), PASSPHRASE)
    original = _one_page_pdf()
    signed = sign_pdf(original, signer, reason="Grille d'évaluation", location="Lyon")
    assert signed.startswith(original)  # an incremental update: the document as written
    reader = pypdf.PdfReader(io.BytesIO(signed))
    (field,) = [f for f in reader.get_fields().values() if f.get("/FT") == "/Sig"]
    assert field["/T"] == "SignatureSecretariat"
    value = field["/V"].get_object()
    assert value["/SubFilter"] == "/ETSI.CAdES.detached"
    assert value["/Reason"] == "Grille d'évaluation"
    assert value["/Location"] == "Lyon"
    assert value["/Name"] == "Secrétariat des CQP"
    start, _, second, length = value["/ByteRange"]
    assert start == 0 and second + length == len(signed)


def test_a_wrong_passphrase_or_a_file_that_is_not_pkcs12_is_refused_in_french(
    tmp_path: Path,
) -> None:
    p12 = _p12(tmp_path, CN, name="secretariat.p12")
    refused = (
        "certificat {} refusé : ce n'est pas un fichier PKCS#12 (.p12, .pfx) lisible avec ce "
        "mot de passe"
    )
    with pytest.raises(StoreError) as wrong:
        load_signer(p12, "pas la bonne")
    assert str(wrong.value) == refused.format("secretariat.p12")
    other = tmp_path / "texte.pfx"
    other.write_text("pas un certificat")
    with pytest.raises(StoreError) as not_p12:
        load_signer(other, PASSPHRASE)
    assert str(not_p12.value) == refused.format("texte.pfx")


def test_a_pkcs12_file_without_a_certificate_is_refused(tmp_path: Path) -> None:
    data = pkcs12.serialize_key_and_certificates(
        b"cle-seule", _KEY, None, None,
        serialization.BestAvailableEncryption(PASSPHRASE.encode()),
    )  # fmt: skip
    path = tmp_path / "cle-seule.p12"
    path.write_bytes(data)
    with pytest.raises(StoreError) as caught:
        load_signer(path, PASSPHRASE)
    assert str(caught.value) == (
        "certificat cle-seule.p12 refusé : ce n'est pas un fichier PKCS#12 (.p12, .pfx) "
        "lisible avec ce mot de passe"
    )


def test_an_unreadable_certificate_file_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "absent.p12"
    with pytest.raises(StoreError) as caught:
        load_signer(missing, PASSPHRASE)
    assert str(caught.value) == f"certificat {missing} illisible : fichier ou dossier introuvable"


def test_without_pyhanko_the_refusal_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pyhanko.sign", None)  # as if not installed
    with pytest.raises(StoreError) as caught:
        load_signer(tmp_path / "absent.p12", PASSPHRASE)
    assert str(caught.value) == (
        "la signature des documents demande pyHanko, absent de cette installation : "
        "pip install 'carnet[signature]'"
    )
