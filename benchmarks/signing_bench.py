"""PAdES signing and verification speed of vanthu.signing, next to raw RSA-2048 in the same run.

    .venv/bin/python benchmarks/signing_bench.py [--seconds 2.5] [--rounds 1]

For a 1-page and a 50-page PDF: invisible signatures, visible ones (the personal signature's
PNG image, ``sign_personal``; the text block of an attachment, ``sign_attachment``) with the
PKCS#12 backend and with PKCS#11 on a SoftHSM2 token made for the run, pyHanko's plain
``SimpleSigner`` for reference, then verification. Every signature is B-B (no TSA), one
process, one thread. Each operation is timed on its own, in CPU time of the process (what
one core spends, however busy the machine) and in wall time: the table gives the CPU median
(p50), its inverse (ops/s), its ratio to one raw RSA-2048 signature timed the same way with
``cryptography`` in the same run (the physical floor; ``openssl speed`` is printed as well),
and the wall median. Each case runs
for about --seconds (5 to 200 operations) after one untimed warm-up; --rounds repeats the
whole matrix and pools the samples, so that a burst of load on a shared machine moves the
median less. Every produced PDF is checked once, untimed, with ``verify_pdf`` and, when it
is installed, poppler's ``pdfsig``. One round takes about a minute.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from common import ROOT, machine_label

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from cryptography.hazmat.primitives import hashes  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import padding, rsa  # noqa: E402
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter  # noqa: E402
from pyhanko.sign import fields, signers  # noqa: E402
from weasyprint import HTML  # noqa: E402

from vanthu.signing import pades  # noqa: E402
from vanthu.signing.backends import get_signer  # noqa: E402
from vanthu.signing.pki import DEFAULT_PASSWORD, DemoPki  # noqa: E402
from vanthu.signing.verify import verify_pdf  # noqa: E402

SOFTHSM_MODULE = "/usr/lib/softhsm/libsofthsm2.so"
PIN = "246810"
# Targets per operation on one core (docs/PERFORMANCE.md, "Signatures").
TARGET_MS = {"invisible": 40.0, "visible image": 120.0, "visible text": 120.0, "verify": 25.0}
# (operation, PDF, backend) -> [(wall ms, CPU ms)] per operation
SAMPLES: dict[tuple[str, str, str], list[tuple[float, float]]] = {}


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


def raw_rsa_ms(seconds: float = 1.0) -> float:
    """p50 CPU time of one RSA-2048 PKCS#1 v1.5 SHA-256 signature (``cryptography``), ms."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    data = b"x" * 64
    times: list[float] = []
    stop = time.perf_counter() + seconds
    while time.perf_counter() < stop or len(times) < 20:
        started = time.process_time()
        key.sign(data, padding.PKCS1v15(), hashes.SHA256())
        times.append(1000 * (time.process_time() - started))
    return statistics.median(times)


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


def measure(
    op: str, pages: str, backend: str, action: Callable[[], object], seconds: float
) -> None:
    samples = SAMPLES.setdefault((op, pages, backend), [])
    action()  # warm-up: imports, font reduction, token login
    stop = time.perf_counter() + seconds
    count = 0
    while count < 5 or (time.perf_counter() < stop and count < 200):
        wall, cpu = time.perf_counter(), time.process_time()
        action()
        samples.append((1000 * (time.perf_counter() - wall), 1000 * (time.process_time() - cpu)))
        count += 1
    wall_p50 = statistics.median(w for w, _ in samples)
    cpu_p50 = statistics.median(c for _, c in samples)
    print(
        f"  {op:<14} {pages:>8}  {backend:<28} {cpu_p50:8.1f} ms CPU {wall_p50:8.1f} ms wall",
        flush=True,
    )


def check(label: str, signed: bytes, root: object, workdir: Path) -> None:
    """Untimed: the output must verify, with ours and with poppler's pdfsig."""
    report = verify_pdf(signed, trust_roots=[root])
    problems = [] if report["verdict"] == "valid" else [f"verify_pdf: {report['verdict']}"]
    pdfsig = shutil.which("pdfsig")
    if pdfsig is not None:
        path = workdir / "check.pdf"
        path.write_bytes(signed)
        out = subprocess.run(
            [pdfsig, "-nocert", str(path)], capture_output=True, text=True, timeout=60
        ).stdout
        if "Signature is Valid." not in out:
            problems.append("pdfsig: " + " / ".join(out.split("\n")[-4:]))
    if problems:
        raise SystemExit(f"{label}: output does not verify: {'; '.join(problems)}")


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
    return {
        "module": SOFTHSM_MODULE,
        "token_label": "bench",
        "key_label": "k",
        "pin": PIN,
        "ca_chain": [pki.ca.cert],  # the token holds only the signer's certificate
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=2.5, help="time budget per case")
    parser.add_argument("--rounds", type=int, default=1, help="repeat the matrix, pool samples")
    parser.add_argument("--no-openssl", action="store_true", help="skip `openssl speed` (4 s)")
    args = parser.parse_args()
    began = time.perf_counter()

    print(f"Machine: {machine_label()}, load average {os.getloadavg()[0]:.1f}")
    if not args.no_openssl:
        print(f"OpenSSL raw RSA-2048 (`openssl speed -seconds 2 rsa2048`): {openssl_rsa2048()}")
    rsa_ms = [raw_rsa_ms()]
    print(f"cryptography raw RSA-2048 sign: {rsa_ms[0]:.3f} ms CPU p50")
    workdir = Path(tempfile.mkdtemp(prefix="vanthu-signing-bench-"))
    try:
        pki = DemoPki()
        pki.issue_person("bench-person", "Nguyễn Văn An", agency="UBND", citizen_id="001085012345")
        pki.write(workdir / "pki")
        pdfs = {"1 page": make_pdf(1), "50 pages": make_pdf(50)}
        blue = png((20, 45, 190, 255))
        p12_path = workdir / "pki" / "bench-person.p12"
        p12 = get_signer("pkcs12", path=p12_path, password=DEFAULT_PASSWORD)
        simple = signers.SimpleSigner.load_pkcs12(
            str(p12_path), passphrase=DEFAULT_PASSWORD.encode()
        )
        token_params = softhsm_token(pki, workdir)
        backends = [("PKCS#12", p12)]
        if token_params is not None:
            backends.append(("PKCS#11 SoftHSM2", get_signer("pkcs11", **token_params)))
        root = pki.root.cert

        operations: dict[str, Callable[[bytes, object], bytes]] = {
            "invisible": lambda pdf, s: sign_invisible(pdf, s.signer),
            "visible image": lambda pdf, s: pades.sign_personal(
                pdf, s, image_png=blue, box=(350, 120, 530, 190)
            ),
            "visible text": lambda pdf, s: pades.sign_attachment(pdf, s, reference="05/QĐ-UBND"),
        }
        for name, loaded in backends:
            for op, sign in operations.items():
                check(f"{op}, {name}", sign(pdfs["1 page"], loaded), root, workdir)
        signed = {label: sign_invisible(pdf, p12.signer) for label, pdf in pdfs.items()}

        print(f"\n  {'operation':<14} {'pages':>8}  {'backend':<28} p50 so far")
        for _ in range(args.rounds):
            for label, pdf in pdfs.items():
                for name, loaded in backends:
                    for op, sign in operations.items():
                        measure(op, label, name,
                                lambda pdf=pdf, s=loaded, f=sign: f(pdf, s), args.seconds)  # fmt: skip
                measure("invisible", label, "pyHanko SimpleSigner (ref.)",
                        lambda pdf=pdf: sign_invisible(pdf, simple), args.seconds)  # fmt: skip
                measure("verify", label, "verify_pdf",
                        lambda data=signed[label]: verify_pdf(data, trust_roots=[root]),
                        args.seconds)  # fmt: skip
            rsa_ms.append(raw_rsa_ms())
        for _, loaded in backends:
            loaded.close()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    floor = statistics.median(rsa_ms)
    print(
        f"\nRaw RSA-2048 sign (cryptography, same run): {floor:.3f} ms CPU p50 = "
        f"{1000 / floor:,.0f} signatures/s. Load average now {os.getloadavg()[0]:.1f}; "
        f"total {time.perf_counter() - began:.0f} s."
    )
    print(
        "ms/op p50 is the CPU time of the process per operation (one core, whatever the "
        "machine's load); wall is elapsed time, which includes waiting for a shared core.\n"
    )
    print(
        "| operation | PDF | backend | ops | ms/op p50 (CPU) | ops/s | × raw RSA "
        "| wall p50 | target | met |"
    )
    print("|---|---|---|---:|---:|---:|---:|---:|---:|---|")
    for (op, pages, backend), samples in SAMPLES.items():
        p50 = statistics.median(c for _, c in samples)
        wall = statistics.median(w for w, _ in samples)
        target = TARGET_MS[op]
        met = "yes" if p50 < target else "**no**"
        print(
            f"| {op} | {pages} | {backend} | {len(samples)} | {p50:.1f} | {1000 / p50:.1f} "
            f"| {p50 / floor:,.0f} | {wall:.1f} | < {target:.0f} ms "
            f"| {'(reference)' if 'SimpleSigner' in backend else met} |"
        )


if __name__ == "__main__":
    main()
