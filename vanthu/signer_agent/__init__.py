"""vanthu-signer: the small signing agent that runs on the signer's own computer.

It holds the PKCS#11 session with the USB token and signs the digest VanThu's server
prepared, so the private key never leaves the token and the PIN never reaches the server.
Pure Python, no Django: it ships to desktops on its own.

Protocol (JSON over HTTP on 127.0.0.1, port 8765 by default):

* ``GET /status`` → agent version, PKCS#11 module, tokens present;
* ``GET /certificates`` → the certificates on the tokens with their SHA-256 fingerprints
  (read without the PIN);
* ``POST /sign`` ``{digest, hash_algorithm, certificate_sha256, pin}`` → ``{signature,
  certificate, chain}`` (base64; the signature is PKCS#1 v1.5 over the DigestInfo for RSA,
  DER-encoded ECDSA for EC keys).

Errors are ``{"error": {"code": ..., "message": <Vietnamese>}}`` with a 4xx/5xx status.
"""

VERSION = "1.0.0"
DEFAULT_PORT = 8765
DEFAULT_MODULE = "/usr/lib/softhsm/libsofthsm2.so"
