"""PAdES signing and verification throughput of vanthu.signing, next to raw RSA speed.

    .venv/bin/python benchmarks/signing_bench.py [--seconds 1.5]

Prints OpenSSL's raw RSA-2048 signatures per second (`openssl speed -seconds 2 rsa2048`), then
signatures per second on a 1-page and a 50-page PDF, invisible and visible, with the PKCS#12
backend (cached key), pyHanko's plain SimpleSigner for comparison, and PKCS#11 on a SoftHSM2
token made for the run; then verifications per second. Every figure is B-B (no TSA), one
process, one thread. Each case runs for about --seconds (at least 3 operations), so the whole
script takes about a minute.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from common import ROOT, machine_label

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter  # noqa: E402
from pyhanko.sign import fields, signers  # noqa: E402
from weasyprint import HTML  # noqa: E402

from vanthu.signing import pades  # noqa: E402
from vanthu.signing.backends import get_signer  # noqa: E402
from vanthu.signing.pki import DEFAULT_PASSWORD, DemoPki  # noqa: E402
from vanthu.signing.verify import verify_pdf  # noqa: E402

SOFTHSM_MODULE = "/usr/lib/softhsm/libsofthsm2.so"
PIN = "246810"
ROWS: list[tuple[str, str, int, float]] = []


def openssl_rsa2048() -> str:
    openssl = shutil.which("openssl")
    if openssl is None:
        return "openssl not installed"
    out = subprocess.run(
        [openssl, "speed", "-seconds", "2", "rsa2048"], capture_output=True, text=True, timeout=60
    ).stdout
    match = re.search(r"rsa\s+2048 bits\s+([\d.]+)s\s+([\d.]+)s\s+([\d.]+)\s+([\d.]+)", out)
    if match is None:
        return "could not parse `openssl speed` output"
    sign_s = float(match.group(3))
    return (
        f"{sign_s:,.0f} sign/s ({1000 / sign_s:.3f} ms/op), {float(match.group(4)):,.0f} verify/s"
    )


def make_pdf(pages: int) -> bytes:
    body = "".join(
        f"<div style='page-break-after: always'><h2>Trang {n}</h2><p>Ủy ban nhân dân tỉnh "
        "Thử nghiệm ban hành kế hoạch chuyển đổi số, bảo đảm an toàn thông tin và phát triển "
        "chính quyền số trên địa bàn tỉnh.</p></div>"
        for n in range(1, pages + 1)
    )
    return HTML(
        string=f"<html><body style='font-family: Noto Serif'>{body}</body></html>"
    ).write_pdf()


def png(colour: tuple[int, int, int, int]) -> bytes:
    from PIL import Image, ImageDraw

    img = Image.new("RGBA", (400, 160), (0, 0, 0, 0))
    ImageDraw.Draw(img).line([(20, 130), (200, 30), (380, 120)], fill=colour, width=8)
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def sign_invisible(pdf: bytes, signer: signers.Signer) -> bytes:
    meta = signers.PdfSignatureMetadata(
        field_name="ChuKy", md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES
    )
    out = io.BytesIO()
    signers.PdfSigner(meta, signer).sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)), output=out)
    return out.getvalue()


def measure(case: str, pages: str, action: Callable[[], object], seconds: float) -> None:
    action()  # warm-up: imports, font loading, token login
    count, started = 0, time.perf_counter()
    while count < 3 or (time.perf_counter() - started < seconds and count < 200):
        action()
        count += 1
    elapsed = time.perf_counter() - started
    ROWS.append((case, pages, count, elapsed))
    print(f"  {case:<52} {pages:>8} {1000 * elapsed / count:8.1f} ms", flush=True)


def softhsm_token(pki: DemoPki, workdir: Path) -> dict[str, object] | None:
    util, tool = shutil.which("softhsm2-util"), shutil.which("pkcs11-tool")
    if not (util and tool and Path(SOFTHSM_MODULE).exists()):
        print("  PKCS#11: softhsm2-util / pkcs11-tool / libsofthsm2 missing, skipped")
        return None
    (workdir / "tokens").mkdir()
    conf = workdir / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {workdir / 'tokens'}\n")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    person = pki.leaves["bench-person"]
    (workdir / "key.pem").write_bytes(person.key_pkcs8_pem())
    (workdir / "cert.der").write_bytes(person.cert_der)
    for args in (
        [util, "--init-token", "--free", "--label", "bench", "--pin", PIN, "--so-pin", "97531975"],
        [
            util,
            "--import",
            str(workdir / "key.pem"),
            "--token",
            "bench",
            "--label",
            "k",
            "--id",
            "01",
            "--pin",
            PIN,
        ],  # fmt: skip
        [
            tool,
            "--module",
            SOFTHSM_MODULE,
            "--token-label",
            "bench",
            "--login",
            "--pin",
            PIN,
            "--write-object",
            str(workdir / "cert.der"),
            "--type",
            "cert",
            "--id",
            "01",
            "--label",
            "k",
        ],  # fmt: skip
    ):
        subprocess.run(args, check=True, capture_output=True, timeout=60)
    return {"module": SOFTHSM_MODULE, "token_label": "bench", "key_label": "k", "pin": PIN}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=1.5, help="time budget per case")
    seconds = parser.parse_args().seconds

    print(f"Machine: {machine_label()}")
    print(f"OpenSSL raw RSA-2048: {openssl_rsa2048()}")
    workdir = Path(tempfile.mkdtemp(prefix="vanthu-signing-bench-"))
    try:
        pki = DemoPki()
        pki.issue_person("bench-person", "Nguyễn Văn An", agency="UBND", citizen_id="001085012345")
        pki.write(workdir / "pki")
        pdfs = {"1 page": make_pdf(1), "50 pages": make_pdf(50)}
        blue = png((20, 45, 190, 255))
        p12 = get_signer(
            "pkcs12", path=workdir / "pki" / "bench-person.p12", password=DEFAULT_PASSWORD
        )
        simple = signers.SimpleSigner.load_pkcs12(
            str(workdir / "pki" / "bench-person.p12"), passphrase=DEFAULT_PASSWORD.encode()
        )
        token_params = softhsm_token(pki, workdir)
        backends = [("PKCS#12, cached key", p12)]
        if token_params is not None:
            backends.append(("PKCS#11 SoftHSM2", get_signer("pkcs11", **token_params)))

        print(f"\n  {'case (B-B)':<52} {'pages':>8} {'per op':>11}")
        for label, pdf in pdfs.items():
            measure("invisible, pyHanko SimpleSigner (re-parses key)", label,
                    lambda pdf=pdf: sign_invisible(pdf, simple), seconds)  # fmt: skip
            for name, loaded in backends:
                measure(f"invisible, {name}", label,
                        lambda pdf=pdf, s=loaded: sign_invisible(pdf, s.signer), seconds)  # fmt: skip
                measure(f"visible image (sign_personal), {name}", label,
                        lambda pdf=pdf, s=loaded: pades.sign_personal(
                            pdf, s, image_png=blue, box=(350, 120, 530, 190)), seconds)  # fmt: skip
                measure(f"visible text (sign_attachment), {name}", label,
                        lambda pdf=pdf, s=loaded: pades.sign_attachment(
                            pdf, s, reference="05/QĐ-UBND"), seconds)  # fmt: skip
        for label, pdf in pdfs.items():
            signed = sign_invisible(pdf, p12.signer)
            measure("verify_pdf (one signature)", label,
                    lambda signed=signed: verify_pdf(signed, trust_roots=[pki.root.cert]),
                    seconds)  # fmt: skip
        for _, loaded in backends:
            loaded.close()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    print("\n| case (B-B, no TSA) | PDF | ops | ms/op | ops/s |")
    print("|---|---|---:|---:|---:|")
    for case, pages, count, elapsed in ROWS:
        print(
            f"| {case} | {pages} | {count} | {1000 * elapsed / count:.1f} | {count / elapsed:.1f} |"
        )


if __name__ == "__main__":
    main()
