#!/usr/bin/python3
# Interoperability of the lightjwt command-line tool with PyJWT, in both directions.
# SPDX-License-Identifier: MIT
#
# Usage: /usr/bin/python3 pyjwt_interop_test.py PATH/TO/lightjwt
#   Needs Debian's python3-jwt (PyJWT 2.x) and, for the asymmetric algorithms,
#   python3-cryptography. Tests every algorithm of ALGORITHMS that `lightjwt --help` lists, prints
#   which ones, one line per check and, last, "N passed, M failed". Exits 1 when a check failed,
#   1 when PyJWT is missing (the project's set-up installs python3-jwt), 2 on bad arguments.
import base64
import datetime
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
import traceback

try:
    import jwt  # PyJWT
except ImportError as e:
    print("pyjwt_interop_test.py: PyJWT is not importable (%s); install python3-jwt and run "
          "this with /usr/bin/python3" % e)
    print("0 passed, 1 failed")
    sys.exit(1)

ISSUER = "https://auth.example.com"
AUDIENCE = "orders-api"
SUBJECT = "user-42"


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# ------------------------------------------------------------------------------------ keys
# Each maker returns a key set: the CLI's sign and verify key files, PyJWT's sign and verify keys,
# and optionally a certificate file (the CLI verifies with a certificate as well as a key).


def hmac_keys(size):
    def make(tmp, alg):
        while True:
            # lightjwt refuses secrets that look like PEM, a JWK or an OpenSSH key.
            secret = secrets.token_bytes(size)
            if secret[0] not in b" \t\r\n{-se":
                break
        path = write(tmp, alg + ".key", secret)
        return {"cli_sign": path, "cli_verify": path, "py_sign": secret, "py_verify": secret}
    return make


def asymmetric_keys(generate):
    def make(tmp, alg):
        from cryptography.hazmat.primitives import serialization
        private = generate()
        public = private.public_key()
        priv_pem = private.private_bytes(serialization.Encoding.PEM,
                                         serialization.PrivateFormat.PKCS8,
                                         serialization.NoEncryption())
        pub_pem = public.public_bytes(serialization.Encoding.PEM,
                                      serialization.PublicFormat.SubjectPublicKeyInfo)
        return {"cli_sign": write(tmp, alg + ".private.pem", priv_pem),
                "cli_verify": write(tmp, alg + ".public.pem", pub_pem),
                "cli_cert": write(tmp, alg + ".cert.pem", self_signed_certificate(private)),
                "py_sign": private, "py_verify": public}
    return make


def rsa():
    from cryptography.hazmat.primitives.asymmetric import rsa as r
    return r.generate_private_key(public_exponent=65537, key_size=2048)


def ec(curve_name):
    def generate():
        from cryptography.hazmat.primitives.asymmetric import ec as e
        return e.generate_private_key(getattr(e, curve_name)())
    return generate


def ed25519():
    from cryptography.hazmat.primitives.asymmetric import ed25519 as e
    return e.Ed25519PrivateKey.generate()


def self_signed_certificate(private):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519 as e
    from cryptography.x509.oid import NameOID
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "lightjwt interop test")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(private.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .sign(private, None if isinstance(private, e.Ed25519PrivateKey) else hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.PEM)


# name: the JOSE alg; make: builds its keys. Order is the order of the report.
ALGORITHMS = [
    ("HS256", hmac_keys(32)), ("HS384", hmac_keys(48)), ("HS512", hmac_keys(64)),
    ("RS256", asymmetric_keys(rsa)), ("RS384", asymmetric_keys(rsa)),
    ("RS512", asymmetric_keys(rsa)),
    ("PS256", asymmetric_keys(rsa)), ("PS384", asymmetric_keys(rsa)),
    ("PS512", asymmetric_keys(rsa)),
    ("ES256", asymmetric_keys(ec("SECP256R1"))), ("ES384", asymmetric_keys(ec("SECP384R1"))),
    ("ES512", asymmetric_keys(ec("SECP521R1"))),
    ("EdDSA", asymmetric_keys(ed25519)),
]


def write(tmp, name, data):
    path = os.path.join(tmp, name)
    with open(path, "wb") as f:
        f.write(data)
    return path


# ------------------------------------------------------------------------------------- CLI


class Cli:
    def __init__(self, exe):
        self.exe = exe

    def run(self, *args, stdin=None):
        r = subprocess.run([self.exe, *args], input=stdin, capture_output=True, timeout=60)
        return r.returncode, r.stdout.decode("utf-8"), r.stderr.decode("utf-8")

    def offered_algorithms(self):
        rc, out, err = self.run("--help")
        assert rc == 0, err
        for line in out.splitlines():
            if line.startswith("algorithms:"):
                return line.split(":", 1)[1].split()
        raise AssertionError("`lightjwt --help` lists no algorithms:\n" + out)

    def sign(self, alg, key, claims, *extra):
        rc, out, err = self.run("sign", "--alg", alg, "--key", key, "--claims", claims, *extra)
        assert rc == 0, "lightjwt sign: rc=%d %s" % (rc, err)
        return out.rstrip("\n")

    def verify(self, alg, key, token, *extra):
        return self.run("verify", "--alg", alg, "--key", key, "--iss", ISSUER, "--aud", AUDIENCE,
                        "--sub", SUBJECT, *extra, token)


def claims_now(**extra):
    now = int(time.time())
    c = {"iss": ISSUER, "sub": SUBJECT, "aud": AUDIENCE, "iat": now, "exp": now + 600,
         "jti": secrets.token_hex(16), "role": "admin",
         "profile": {"name": "Zo\u00eb", "langs": ["en", "fr"], "score": 4.5, "ok": True}}
    c.update(extra)
    return c


def expect_refused(result, name):
    rc, out, err = result
    assert rc == 1 and out == "" and err.startswith(name + ": "), (rc, out, err)


def pyjwt_decode(token, alg, key):
    return jwt.decode(token, key, algorithms=[alg], audience=AUDIENCE, issuer=ISSUER)


# ----------------------------------------------------------------------------------- checks
# Each check is check_<sentence>(cli, alg, keys).


def check_pyjwt_token_verifies_with_lightjwt(cli, alg, keys):
    claims = claims_now()
    token = jwt.encode(claims, keys["py_sign"], algorithm=alg)
    rc, out, err = cli.verify(alg, keys["cli_verify"], token)
    assert rc == 0, (rc, err)
    assert json.loads(out) == claims, out


def check_pyjwt_token_with_kid_and_list_audience_verifies_with_lightjwt(cli, alg, keys):
    claims = claims_now(aud=["billing", AUDIENCE])
    token = jwt.encode(claims, keys["py_sign"], algorithm=alg, headers={"kid": "key-2026"})
    rc, out, err = cli.verify(alg, keys["cli_verify"], token)
    assert rc == 0, (rc, err)
    assert json.loads(out) == claims, out


def check_lightjwt_token_verifies_with_pyjwt(cli, alg, keys):
    claims = claims_now()
    token = cli.sign(alg, keys["cli_sign"], json.dumps(claims))
    assert jwt.get_unverified_header(token) == {"alg": alg, "typ": "JWT"}
    assert pyjwt_decode(token, alg, keys["py_verify"]) == claims


def check_lightjwt_token_with_kid_verifies_with_pyjwt(cli, alg, keys):
    claims = claims_now()
    token = cli.sign(alg, keys["cli_sign"], json.dumps(claims), "--kid", "key-2026")
    assert jwt.get_unverified_header(token)["kid"] == "key-2026"
    assert pyjwt_decode(token, alg, keys["py_verify"]) == claims


def check_tampered_tokens_are_refused_both_ways(cli, alg, keys):
    claims = claims_now()
    forged_payload = b64url(json.dumps(claims_now(role="root")).encode())
    h, _, s = jwt.encode(claims, keys["py_sign"], algorithm=alg).split(".")
    expect_refused(cli.verify(alg, keys["cli_verify"], h + "." + forged_payload + "." + s),
                   "invalid_signature")
    h, _, s = cli.sign(alg, keys["cli_sign"], json.dumps(claims)).split(".")
    try:
        pyjwt_decode(h + "." + forged_payload + "." + s, alg, keys["py_verify"])
    except jwt.InvalidSignatureError:
        pass
    else:
        raise AssertionError("PyJWT accepted a tampered lightjwt token")


def check_expired_tokens_are_refused_both_ways(cli, alg, keys):
    now = int(time.time())
    claims = claims_now(iat=now - 7200, exp=now - 3600)
    expect_refused(cli.verify(alg, keys["cli_verify"],
                              jwt.encode(claims, keys["py_sign"], algorithm=alg)),
                   "token_expired")
    token = cli.sign(alg, keys["cli_sign"], json.dumps(claims))
    try:
        pyjwt_decode(token, alg, keys["py_verify"])
    except jwt.ExpiredSignatureError:
        pass
    else:
        raise AssertionError("PyJWT accepted an expired lightjwt token")


def check_pyjwt_token_verifies_with_a_certificate(cli, alg, keys):
    if "cli_cert" not in keys:
        return "not applicable"
    claims = claims_now()
    token = jwt.encode(claims, keys["py_sign"], algorithm=alg)
    rc, out, err = cli.verify(alg, keys["cli_cert"], token)
    assert rc == 0, (rc, err)
    assert json.loads(out) == claims, out
    return None


# ------------------------------------------------------------------------------------ runner


def main(argv):
    if len(argv) != 2:
        print("usage: pyjwt_interop_test.py PATH/TO/lightjwt", file=sys.stderr)
        return 2
    cli = Cli(os.path.abspath(argv[1]))
    offered = cli.offered_algorithms()
    tested = [(name, make) for name, make in ALGORITHMS if name in offered]
    print("PyJWT %s; algorithms tested: %s" % (jwt.__version__, " ".join(n for n, _ in tested)))
    untested = [name for name, _ in ALGORITHMS if name not in offered]
    if untested:
        print("not offered by this lightjwt (not tested): " + " ".join(untested))
    unknown = [name for name in offered if name not in dict(ALGORITHMS)]
    if unknown:
        print("offered by lightjwt but not in this test's table: " + " ".join(unknown))
    checks = [(n, f) for n, f in globals().items() if n.startswith("check_") and callable(f)]
    passed = failed = 0
    with tempfile.TemporaryDirectory(prefix="lightjwt_pyjwt_") as tmp:
        for alg, make in tested:
            try:
                keys = make(tmp, alg)
            except Exception:  # pylint: disable=broad-except
                failed += 1
                print("FAIL %s: making keys\n     %s" % (alg, traceback.format_exc().strip()))
                continue
            for name, fn in checks:
                title = "%s: %s" % (alg, name[len("check_"):].replace("_", " "))
                try:
                    note = fn(cli, alg, keys)
                except Exception:  # pylint: disable=broad-except
                    failed += 1
                    print("FAIL " + title)
                    print("     " + traceback.format_exc().strip().replace("\n", "\n     "))
                    continue
                if note:
                    print("--   %s (%s)" % (title, note))
                else:
                    passed += 1
                    print("ok   " + title)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed or not tested else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
