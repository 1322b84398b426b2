#!/usr/bin/python3
# JWK and JWKS interoperability with PyJWT: PyJWKSet over JWK Sets the lightjwt CLI exports,
# lightjwt `verify --jwks` over JWKs PyJWT exports, and PyJWKClient fetching the JWK Set that
# examples/jwks/jwks_server serves over real HTTP.
# SPDX-License-Identifier: MIT
#
# Usage: /usr/bin/python3 pyjwt_jwks_interop_test.py PATH/TO/lightjwt [PATH/TO/jwks_server]
#   Needs Debian's python3-jwt (PyJWT 2.x) and python3-cryptography. The PyJWKClient checks run
#   when the server is given (tests/cli_tests.cmake passes it whenever the examples are built).
#   Prints one line per check and, last, "N passed, M failed". Exits 1 when a check failed or
#   PyJWT is missing, 2 on bad arguments.
import base64
import hashlib
import json
import os
import select
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.request

try:
    import jwt  # PyJWT
    from jwt.algorithms import ECAlgorithm, OKPAlgorithm, RSAAlgorithm, RSAPSSAlgorithm
except ImportError as e:
    print("pyjwt_jwks_interop_test.py: PyJWT is not importable (%s); install python3-jwt and "
          "run this with /usr/bin/python3" % e)
    print("0 passed, 1 failed")
    sys.exit(1)

ISSUER = "https://auth.example.com"
AUDIENCE = "orders-api"
SERVER_ISSUER = "https://auth.example.test"  # what examples/jwks/jwks_server writes


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def rfc7638_thumbprint(jwk):
    """RFC 7638 §3, written independently of lightjwt: the required members, sorted, no spaces."""
    required = {"RSA": ("e", "kty", "n"), "EC": ("crv", "kty", "x", "y"),
                "OKP": ("crv", "kty", "x"), "oct": ("k", "kty")}[jwk["kty"]]
    canonical = json.dumps({m: jwk[m] for m in required}, separators=(",", ":"), sort_keys=True)
    return b64url(hashlib.sha256(canonical.encode()).digest())


# ------------------------------------------------------------------------------------ keys


def private_pem(key):
    from cryptography.hazmat.primitives import serialization
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def generate(alg):
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
    if alg[:2] in ("RS", "PS"):
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    if alg == "EdDSA":
        return ed25519.Ed25519PrivateKey.generate()
    curve = {"ES256": ec.SECP256R1, "ES384": ec.SECP384R1, "ES512": ec.SECP521R1}[alg]
    return ec.generate_private_key(curve())


COORDINATE_SIZE = {"P-256": 32, "P-384": 48, "P-521": 66}


def pyjwt_to_jwk(alg, public_key, pad=True):
    """PyJWT's own JWK export of a public key, as a dict. PyJWT 2.6 writes EC coordinates in as
    few octets as the number needs, where RFC 7518 §6.2.1.2 requires the full coordinate size
    (66 octets for P-521, whose first octet holds one bit: half its coordinates come out short;
    1 in 256 for the other curves); lightjwt refuses such a key (see the check below), so `pad`
    restores the full size."""
    algorithm = {"RS": RSAAlgorithm, "PS": RSAPSSAlgorithm, "ES": ECAlgorithm,
                 "Ed": OKPAlgorithm}[alg[:2]]
    jwk = json.loads(algorithm.to_jwk(public_key))
    if pad and jwk["kty"] == "EC":
        size = COORDINATE_SIZE[jwk["crv"]]
        for m in ("x", "y"):
            jwk[m] = b64url(b64url_decode(jwk[m]).rjust(size, b"\0"))
    return jwk


ALGORITHMS = ["RS256", "RS384", "PS256", "PS512", "ES256", "ES384", "ES512", "EdDSA"]


class Cli:
    def __init__(self, exe, tmp):
        self.exe = exe
        self.tmp = tmp
        self.count = 0

    def run(self, *args):
        r = subprocess.run([self.exe, *args], capture_output=True, timeout=60)
        return r.returncode, r.stdout.decode("utf-8"), r.stderr.decode("utf-8")

    def ok(self, *args):
        rc, out, err = self.run(*args)
        assert rc == 0, "lightjwt %s: rc=%d %s" % (" ".join(args[:2]), rc, err)
        return out

    def file(self, data, suffix=""):
        self.count += 1
        path = os.path.join(self.tmp, "f%d%s" % (self.count, suffix))
        with open(path, "wb") as f:
            f.write(data.encode("utf-8") if isinstance(data, str) else data)
        return path


def claims_now(sub="user-42", **extra):
    now = int(time.time())
    c = {"iss": ISSUER, "sub": sub, "aud": AUDIENCE, "iat": now, "exp": now + 600}
    c.update(extra)
    return c


def expect_refused(result, name):
    rc, out, err = result
    assert rc == 1 and out == "" and err.startswith(name + ": "), (rc, out, err)


# ------------------------------------------------------------- PyJWKSet over lightjwt's JWKS


def make_keys(cli):
    """One key per algorithm: its PEM file, kid, and its JWK as `lightjwt jwk from-pem` gives it."""
    keys = {}
    for alg in ALGORITHMS:
        key = generate(alg)
        pem = cli.file(private_pem(key), ".pem")
        kid = "lightjwt-" + alg.lower()
        jwk_text = cli.ok("jwk", "from-pem", pem, "--kid", kid, "--alg", alg)
        keys[alg] = {"key": key, "pem": pem, "kid": kid, "jwk": json.loads(jwk_text),
                     "jwk_file": cli.file(jwk_text, ".jwk")}
    return keys


def check_lightjwt_exports_public_jwks_that_pyjwkset_loads(cli, keys):
    jwks_text = cli.ok("jwk", "set", *[k["jwk_file"] for k in keys.values()])
    jwks = json.loads(jwks_text)
    assert [k["kid"] for k in jwks["keys"]] == [k["kid"] for k in keys.values()], jwks
    for k in jwks["keys"]:
        assert not {"d", "p", "q", "dp", "dq", "qi"} & set(k), k
    pyset = jwt.PyJWKSet.from_json(jwks_text)
    assert len(pyset.keys) == len(ALGORITHMS), pyset.keys
    keys["__set__"] = pyset


def check_lightjwt_tokens_verify_with_pyjwkset_keys_found_by_kid(cli, keys):
    pyset = keys["__set__"]
    for alg in ALGORITHMS:
        k = keys[alg]
        claims = claims_now(sub="sub-" + alg)
        token = cli.ok("sign", "--alg", alg, "--key", k["pem"], "--claims", json.dumps(claims),
                       "--kid", k["kid"]).strip()
        kid = jwt.get_unverified_header(token)["kid"]
        key = pyset[kid]
        assert key.key_id == k["kid"], (key.key_id, alg)
        got = jwt.decode(token, key.key, algorithms=[alg], audience=AUDIENCE, issuer=ISSUER)
        assert got == claims, (alg, got)
        # A tampered token is refused by PyJWT with the same key.
        h, _, s = token.split(".")
        forged = h + "." + b64url(json.dumps(claims_now(sub="root")).encode()) + "." + s
        try:
            jwt.decode(forged, key.key, algorithms=[alg], audience=AUDIENCE, issuer=ISSUER)
        except jwt.InvalidSignatureError:
            pass
        else:
            raise AssertionError("PyJWT accepted a tampered %s token" % alg)


def check_lightjwt_public_jwks_match_pyjwts_own_export(cli, keys):
    for alg in ALGORITHMS:
        mine = keys[alg]["jwk"]
        theirs = pyjwt_to_jwk(alg, keys[alg]["key"].public_key())
        if mine["kty"] == "EC":
            for m in ("x", "y"):
                assert len(b64url_decode(mine[m])) == COORDINATE_SIZE[mine["crv"]], mine
        members = {"RSA": ("kty", "n", "e"), "EC": ("kty", "crv", "x", "y"),
                   "OKP": ("kty", "crv", "x")}[mine["kty"]]
        assert {m: mine[m] for m in members} == {m: theirs[m] for m in members}, (alg, mine,
                                                                                 theirs)
        assert mine["alg"] == alg and mine["kid"] == keys[alg]["kid"], mine


def check_jwk_thumbprints_match_an_independent_rfc7638_implementation(cli, keys):
    for alg in ALGORITHMS:
        out = cli.ok("jwk", "thumbprint", keys[alg]["jwk_file"])
        assert out == rfc7638_thumbprint(keys[alg]["jwk"]) + "\n", (alg, out)
        # The PEM file gives the same thumbprint: kid and alg are not part of it.
        assert cli.ok("jwk", "thumbprint", keys[alg]["pem"]) == out, alg


def check_pyjwt_exported_jwks_verify_pyjwt_tokens_in_lightjwt(cli, keys):
    entries = []
    for alg in ALGORITHMS:
        jwk = pyjwt_to_jwk(alg, keys[alg]["key"].public_key())
        jwk.update({"kid": "pyjwt-" + alg.lower(), "alg": alg})
        entries.append(jwk)
    jwks_file = cli.file(json.dumps({"keys": entries}), ".json")
    for alg in ALGORITHMS:
        claims = claims_now(sub="py-" + alg)
        token = jwt.encode(claims, keys[alg]["key"], algorithm=alg,
                           headers={"kid": "pyjwt-" + alg.lower()})
        rc, out, err = cli.run("verify", "--jwks", jwks_file, "--iss", ISSUER, "--aud", AUDIENCE,
                               token)
        assert rc == 0, (alg, rc, err)
        assert json.loads(out) == claims, (alg, out)
        # The kid of another key: its alg is not the token's.
        other = "pyjwt-es256" if alg != "ES256" else "pyjwt-rs256"
        token = jwt.encode(claims, keys[alg]["key"], algorithm=alg, headers={"kid": other})
        expect_refused(cli.run("verify", "--jwks", jwks_file, "--iss", ISSUER, "--aud", AUDIENCE,
                               token), "algorithm_not_allowed")
        token = jwt.encode(claims, keys[alg]["key"], algorithm=alg, headers={"kid": "nobody"})
        expect_refused(cli.run("verify", "--jwks", jwks_file, "--iss", ISSUER, "--aud", AUDIENCE,
                               token), "key_not_found")


def check_an_ec_jwk_with_a_short_coordinate_is_refused_as_invalid_key(cli, keys):
    from cryptography.hazmat.primitives.asymmetric import ec
    for _ in range(64):
        key = ec.generate_private_key(ec.SECP521R1())
        jwk = pyjwt_to_jwk("ES512", key.public_key(), pad=False)
        if min(len(b64url_decode(jwk[m])) for m in ("x", "y")) < 66:
            break
    else:
        raise AssertionError("64 P-521 keys without a short coordinate in PyJWT's export")
    jwk.update({"kid": "short", "alg": "ES512"})
    token = jwt.encode(claims_now(), key, algorithm="ES512", headers={"kid": "short"})
    rc, out, err = cli.run("verify", "--jwks", cli.file(json.dumps({"keys": [jwk]})), token)
    assert rc == 2 and out == "" and err.startswith("invalid_key: "), (rc, out, err)
    rc, out, err = cli.run("jwk", "thumbprint", cli.file(json.dumps(jwk)))
    assert rc == 2 and err.startswith("invalid_key: "), (rc, out, err)
    # Padded to 66 octets, the same key verifies.
    jwk = pyjwt_to_jwk("ES512", key.public_key())
    jwk.update({"kid": "short", "alg": "ES512"})
    rc, out, err = cli.run("verify", "--jwks", cli.file(json.dumps({"keys": [jwk]})), "--iss",
                           ISSUER, "--aud", AUDIENCE, token)
    assert rc == 0, (rc, err)


def check_a_private_jwk_from_lightjwt_signs_with_pyjwt(cli, keys):
    for alg in ("RS256", "ES384", "EdDSA"):
        private = json.loads(cli.ok("jwk", "from-pem", keys[alg]["pem"], "--private", "--kid",
                                    keys[alg]["kid"], "--alg", alg))
        assert "d" in private, private
        signer = jwt.PyJWK.from_dict(private)
        claims = claims_now(sub="private-" + alg)
        token = jwt.encode(claims, signer.key, algorithm=alg, headers={"kid": keys[alg]["kid"]})
        rc, out, err = cli.run("verify", "--jwks", keys[alg]["jwk_file"], "--iss", ISSUER,
                               "--aud", AUDIENCE, token)
        assert rc == 0 and json.loads(out) == claims, (alg, rc, err)


CLI_CHECKS = [(n, f) for n, f in list(globals().items()) if n.startswith("check_")]

# ------------------------------------------------------- PyJWKClient against jwks_server


def start_server(exe):
    proc = subprocess.Popen([exe, "0"], stdout=subprocess.PIPE)
    line = b""
    deadline = time.monotonic() + 60
    while not line.endswith(b"\n"):
        ready, _, _ = select.select([proc.stdout], [], [], max(deadline - time.monotonic(), 0))
        chunk = os.read(proc.stdout.fileno(), 1) if ready else b""
        if not chunk:
            proc.kill()
            proc.wait()
            raise AssertionError("jwks_server did not print 'listening <port>'")
        line += chunk
    return proc, "http://127.0.0.1:%d" % int(line.split()[1])


def http(method, url):
    req = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


def server_token(base, alg, sub):
    return http("GET", "%s/token?alg=%s&sub=%s" % (base, alg, sub))["token"]


def server_decode(client, token):
    key = client.get_signing_key_from_jwt(token)
    return jwt.decode(token, key.key, algorithms=["RS256", "ES256"], audience=AUDIENCE,
                      issuer=SERVER_ISSUER)


def server_check_pyjwkclient_verifies_rs256_and_es256_tokens_over_http(base, state):
    client = jwt.PyJWKClient(base + "/.well-known/jwks.json")
    for alg in ("RS256", "ES256"):
        token = server_token(base, alg, "alice-" + alg)
        assert server_decode(client, token)["sub"] == "alice-" + alg
        state[alg] = token
    state["client"] = client


def server_check_pyjwkclient_refetches_for_the_new_kid_after_a_rotation(base, state):
    kid = http("POST", base + "/rotate?alg=ES256")["kid"]
    token = server_token(base, "ES256", "bob")
    assert jwt.get_unverified_header(token)["kid"] == kid
    assert server_decode(state["client"], token)["sub"] == "bob"


def server_check_tokens_of_a_retired_key_find_no_key(base, state):
    old_kid = jwt.get_unverified_header(state["ES256"])["kid"]
    assert http("POST", base + "/retire/" + old_kid)["retired"] is True
    try:
        server_decode(jwt.PyJWKClient(base + "/.well-known/jwks.json"), state["ES256"])
    except jwt.PyJWKClientError as e:
        assert "Unable to find a signing key" in str(e), e
    else:
        raise AssertionError("PyJWKClient found a key for a retired kid")
    assert server_decode(state["client"], state["RS256"])["sub"] == "alice-RS256"


def server_check_a_tampered_server_token_is_refused_by_pyjwt(base, state):
    h, _, s = server_token(base, "RS256", "carol").split(".")
    forged = h + "." + b64url(json.dumps({"iss": SERVER_ISSUER, "sub": "admin", "aud": AUDIENCE,
                                          "exp": int(time.time()) + 600}).encode()) + "." + s
    try:
        server_decode(state["client"], forged)
    except jwt.InvalidSignatureError:
        pass
    else:
        raise AssertionError("PyJWT accepted a tampered server token")


SERVER_CHECKS = [(n, f) for n, f in list(globals().items()) if n.startswith("server_check_")]

# ------------------------------------------------------------------------------------ runner


def run_checks(checks, prefix, arg, state):
    passed = failed = 0
    for name, fn in checks:
        title = name[len(prefix):].replace("_", " ")
        try:
            fn(arg, state)
        except Exception:  # pylint: disable=broad-except
            failed += 1
            print("FAIL " + title)
            print("     " + traceback.format_exc().strip().replace("\n", "\n     "))
        else:
            passed += 1
            print("ok   " + title)
    return passed, failed


def main(argv):
    if len(argv) not in (2, 3):
        print("usage: pyjwt_jwks_interop_test.py PATH/TO/lightjwt [PATH/TO/jwks_server]",
              file=sys.stderr)
        return 2
    print("PyJWT %s; algorithms: %s" % (jwt.__version__, " ".join(ALGORITHMS)))
    passed = failed = 0
    with tempfile.TemporaryDirectory(prefix="lightjwt_pyjwt_jwks_") as tmp:
        cli = Cli(os.path.abspath(argv[1]), tmp)
        try:
            keys = make_keys(cli)
        except Exception:  # pylint: disable=broad-except
            print("FAIL making keys with `lightjwt jwk from-pem`\n     "
                  + traceback.format_exc().strip().replace("\n", "\n     "))
            print("0 passed, %d failed" % (len(CLI_CHECKS) + 1))
            return 1
        p, f = run_checks(CLI_CHECKS, "check_", cli, keys)
        passed, failed = passed + p, failed + f
    if len(argv) == 3:
        server = None
        try:
            server, base = start_server(os.path.abspath(argv[2]))
            p, f = run_checks(SERVER_CHECKS, "server_check_", base, {})
            passed, failed = passed + p, failed + f
        except Exception:  # pylint: disable=broad-except
            failed += 1
            print("FAIL starting jwks_server\n     " + traceback.format_exc().strip())
        finally:
            if server is not None:
                server.kill()
                server.wait()
    else:
        print("--   PyJWKClient checks not run: no jwks_server given (examples not built)")
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
