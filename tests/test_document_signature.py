"""The documents signed with the organisation's certificate (issue 14, PAdES): a reader that
trusts the certificate finds the signature intact, valid and over the whole file; a changed
byte breaks it; a wrong passphrase, no way to ask for it or no pyHanko are refused in French
and write nothing."""

from __future__ import annotations

import datetime
import io
import sys
import warnings
from pathlib import Path
from typing import Any

import pypdf
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from store.store import Store
from tui.cli import main
from tui.cli_documents import PASSPHRASE_VARIABLE

pytestmark = pytest.mark.slow  # pyHanko, and the layout process of each command
PASSPHRASE = "Phrase du secrétariat 2026"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, x509.Certificate]:
    """A document-signing certificate as an organisation's PKI hands it out (PKCS#12)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, "Secrétariat des CQP"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Ucanss"),
    ])  # fmt: skip
    now = datetime.datetime.now(datetime.UTC)
    usage = x509.KeyUsage(
        digital_signature=True, content_commitment=True, key_encipherment=False,
        data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=False,
        encipher_only=False, decipher_only=False,
    )  # fmt: skip
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .sign(key, hashes.SHA256())
    )
    data = pkcs12.serialize_key_and_certificates(
        b"secretariat", key, cert, None,
        serialization.BestAvailableEncryption(PASSPHRASE.encode()),
    )  # fmt: skip
    path = tmp_path_factory.mktemp("pki") / "secretariat.p12"
    path.write_bytes(data)
    return path, cert


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    data = tmp_path_factory.mktemp("demo") / "data"
    assert main(["demo", "--data", str(data), "--candidates", "3"]) == 0
    with Store.open(data, read_only=True) as store:
        candidate = next(c for c in store.candidate_ids() if store.snapshot(c).state.grids)
    return data, candidate


def _validate(pdf: bytes, cert: x509.Certificate) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from asn1crypto import x509 as asn1_x509
        from pyhanko.pdf_utils.reader import PdfFileReader
        from pyhanko.sign.validation import validate_pdf_signature
        from pyhanko_certvalidator import ValidationContext

    root = asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
    (signature,) = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    status = validate_pdf_signature(signature, ValidationContext(trust_roots=[root]))
    return signature, status


def test_a_signed_dossier_verifies_over_the_whole_file(
    certificate: tuple[Path, x509.Certificate],
    folder: tuple[Path, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    p12, cert = certificate
    data, candidate = folder
    monkeypatch.setenv(PASSPHRASE_VARIABLE, PASSPHRASE)
    out = tmp_path / "dossier.pdf"
    assert main(["dossier", candidate, "--data", str(data), "--out", str(out),
                 "--signer", str(p12)]) == 0  # fmt: skip
    pdf = out.read_bytes()
    signature, status = _validate(pdf, cert)
    assert status.intact and status.valid and status.trusted
    assert status.coverage.name == "ENTIRE_FILE"
    assert str(signature.sig_object["/SubFilter"]) == "/ETSI.CAdES.detached"
    assert str(signature.sig_object["/Reason"]).startswith("Dossier de certification — ")
    assert signature.signer_cert.subject.native["common_name"] == "Secrétariat des CQP"
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "Dossier de certification" in text
    # One byte of the signed document changed: the reader says so.
    tampered = bytearray(pdf)
    tampered[len(pdf) // 3] ^= 0x01  # inside the document as laid out, before the signature
    _, broken = _validate(bytes(tampered), cert)
    assert not broken.intact


@pytest.mark.parametrize("document", [["grille", "{c}", "1"], ["jury", "liste"]])
def test_the_grid_and_the_jury_list_are_signed_too(
    certificate: tuple[Path, x509.Certificate],
    folder: tuple[Path, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    document: list[str],
) -> None:
    p12, cert = certificate
    data, candidate = folder
    monkeypatch.setenv(PASSPHRASE_VARIABLE, PASSPHRASE)
    out = tmp_path / "signe.pdf"
    argv = [part.format(c=candidate) for part in document]
    assert main([*argv, "--data", str(data), "--out", str(out), "--signer", str(p12)]) == 0
    _, status = _validate(out.read_bytes(), cert)
    assert status.intact and status.valid and status.trusted


def test_a_wrong_passphrase_is_refused_and_nothing_written(
    certificate: tuple[Path, x509.Certificate],
    folder: tuple[Path, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    p12, _ = certificate
    data, candidate = folder
    monkeypatch.setenv(PASSPHRASE_VARIABLE, "pas la bonne")
    out = tmp_path / "dossier.pdf"
    argv = ["dossier", candidate, "--data", str(data), "--out", str(out), "--signer", str(p12)]
    assert main(argv) == 1
    assert "certificat secretariat.p12 refusé" in capsys.readouterr().err
    assert not out.exists()
    monkeypatch.delenv(PASSPHRASE_VARIABLE)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # a script: no terminal to ask on
    assert main(argv) == 1
    assert PASSPHRASE_VARIABLE in capsys.readouterr().err
    assert not out.exists()


def test_without_pyhanko_the_command_says_how_to_install_it(
    certificate: tuple[Path, x509.Certificate],
    folder: tuple[Path, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    p12, _ = certificate
    data, candidate = folder
    monkeypatch.setenv(PASSPHRASE_VARIABLE, PASSPHRASE)
    monkeypatch.setitem(sys.modules, "pyhanko.sign", None)  # as if not installed
    out = tmp_path / "dossier.pdf"
    argv = ["dossier", candidate, "--data", str(data), "--out", str(out), "--signer", str(p12)]
    assert main(argv) == 1
    assert "pip install 'carnet[signature]'" in capsys.readouterr().err
    assert not out.exists()


def test_a_spreadsheet_is_not_signed(
    certificate: tuple[Path, x509.Certificate],
    folder: tuple[Path, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    p12, _ = certificate
    data, _ = folder
    out = tmp_path / "liste.xlsx"
    argv = ["jury", "liste", "--data", str(data), "--out", str(out), "--signer", str(p12)]
    assert main(argv) == 1
    assert "un classeur .xlsx ne se signe pas" in capsys.readouterr().err
    assert not out.exists()
