#!/usr/bin/python3
# Drives the lightjwt command-line tool: exit codes, stderr error names, sign/verify/decode.
# SPDX-License-Identifier: MIT
#
# Usage: /usr/bin/python3 cli_test.py PATH/TO/lightjwt [TESTDATA_DIR]
#   TESTDATA_DIR defaults to $LIGHTJWT_TESTDATA_DIR (shared/testdata). Prints one line per test
#   and, last, "N passed, M failed"; exits 1 when a test failed, 2 on bad arguments.
import base64
import hashlib
import hmac
import json
import os
import secrets
import subprocess
import sys
import tempfile
import traceback

NOW = 1_700_000_000
HASH_SIZE = {"HS256": 32, "HS384": 48, "HS512": 64}


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def make_secret(size):
    """Random bytes that cannot be mistaken for PEM, a JWK or an OpenSSH key (which lightjwt
    refuses as HMAC secrets): the first byte is never whitespace, '{', '-', 's' or 'e'."""
    while True:
        s = secrets.token_bytes(size)
        if s[0] not in b" \t\r\n{-se":
            return s


def load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def hs256_token(secret, header, claims):
    """Signs a token in Python: header and claims are dicts or exact JSON text."""
    def text(x):
        return (x if isinstance(x, str) else json.dumps(x)).encode("utf-8")
    signing_input = b64url(text(header)) + "." + b64url(text(claims))
    mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + b64url(mac)


class Cli:
    def __init__(self, exe, tmp):
        self.exe = exe
        self.tmp = tmp
        self.count = 0

    def run(self, *args, stdin=None):
        r = subprocess.run([self.exe, *args], input=stdin, capture_output=True, timeout=60)
        return r.returncode, r.stdout.decode("utf-8"), r.stderr.decode("utf-8")

    def file(self, data, suffix=""):
        self.count += 1
        path = os.path.join(self.tmp, "f%d%s" % (self.count, suffix))
        with open(path, "wb") as f:
            f.write(data.encode("utf-8") if isinstance(data, str) else data)
        return path

    def sign(self, alg, key_path, claims, *extra):
        text = claims if isinstance(claims, str) else json.dumps(claims)
        rc, out, err = self.run("sign", "--alg", alg, "--key", key_path, "--claims", text, *extra)
        assert rc == 0, "sign failed: rc=%d stderr=%r" % (rc, err)
        assert out.endswith("\n") and out.count("\n") == 1, repr(out)
        return out[:-1]


def offered_algorithms(help_text):
    """Returns the algorithms on the "algorithms:" line of `lightjwt --help`."""
    for line in help_text.splitlines():
        if line.startswith("algorithms:"):
            return line.split(":", 1)[1].split()
    raise AssertionError("no algorithms line in --help:\n" + help_text)


def expect_refused(result, name):
    rc, out, err = result
    assert rc == 1, "expected exit 1 (%s), got %d; stderr=%r" % (name, rc, err)
    assert out == "", "nothing may be printed on stdout when refused: %r" % out
    assert err.startswith(name + ": "), "stderr should start with %r: %r" % (name, err)
    assert err.endswith("\n") and err.count("\n") == 1, "one stderr line: %r" % err


def expect_usage(result, prefix):
    rc, out, err = result
    assert rc == 2, "expected exit 2, got %d; stderr=%r" % (rc, err)
    assert out == "", repr(out)
    assert err.startswith(prefix), "stderr should start with %r: %r" % (prefix, err)


# ------------------------------------------------------------------------------------- tests
# Each test is a function test_<sentence>(cli, env); env holds keys and the testdata dir.


def test_sign_then_verify_round_trips_for_every_hmac_algorithm(cli, env):
    for alg in ("HS256", "HS384", "HS512"):
        claims = {"iss": "https://issuer.example", "sub": "user-1", "exp": NOW + 60, "n": [1, 2.5]}
        token = cli.sign(alg, env["key64"], claims)
        header = json.loads(b64url_decode(token.split(".")[0]))
        assert header == {"alg": alg, "typ": "JWT"}, header
        rc, out, err = cli.run("verify", "--alg", alg, "--key", env["key64"], "--now", str(NOW),
                               "--iss", "https://issuer.example", "--sub", "user-1", token)
        assert rc == 0, (alg, rc, err)
        assert err == "", err
        assert json.loads(out) == claims, out
        assert out == json.dumps(claims, separators=(",", ":")) + "\n", out


def test_sign_signs_the_claims_text_byte_for_byte(cli, env):
    text = '{"sub":"x",\r\n "exp": %d, "z": 1.50, "a": "\\u00e9"}' % (NOW + 60)
    token = cli.sign("HS256", env["key64"], text)
    assert b64url_decode(token.split(".")[1]).decode("utf-8") == text
    rc, out, err = cli.run("verify", "--alg", "HS256", "--key", env["key64"], "--now", str(NOW),
                           token)
    assert rc == 0, err
    # Whitespace between tokens is dropped; number spelling and escapes are kept.
    assert out == '{"sub":"x","exp":%d,"z":1.50,"a":"\\u00e9"}\n' % (NOW + 60), out


def test_sign_reads_claims_from_a_file_given_with_at(cli, env):
    path = cli.file(json.dumps({"sub": "from-file", "exp": NOW + 60}))
    token = cli.sign("HS384", env["key64"], "@" + path)
    rc, out, _ = cli.run("verify", "--alg", "HS384", "--key", env["key64"], "--now", str(NOW),
                         token)
    assert rc == 0 and json.loads(out)["sub"] == "from-file", out


def test_sign_writes_kid_and_typ_and_verify_accepts_the_kid(cli, env):
    token = cli.sign("HS256", env["key64"], {"exp": NOW + 60}, "--kid", "2026-11", "--typ",
                     "at+jwt")
    header = json.loads(b64url_decode(token.split(".")[0]))
    assert header == {"alg": "HS256", "typ": "at+jwt", "kid": "2026-11"}, header
    ok = cli.run("verify", "--alg", "HS256", "--key", env["key64"], "--now", str(NOW), "--typ",
                 "at+jwt", token)
    assert ok[0] == 0, ok
    expect_refused(cli.run("verify", "--alg", "HS256", "--key", env["key64"], "--now", str(NOW),
                           "--typ", "JWT", token), "invalid_type")


def test_sign_refuses_claims_that_are_not_one_json_object(cli, env):
    for bad, name in (("[1,2]", "malformed_token"), ('{"a":1', "malformed_token"),
                      ('{"a":1,"a":2}', "duplicate_member")):
        expect_usage(cli.run("sign", "--alg", "HS256", "--key", env["key64"], "--claims", bad),
                     name + ": ")


def test_a_tampered_token_is_refused_as_invalid_signature(cli, env):
    token = cli.sign("HS256", env["key64"], {"role": "user", "exp": NOW + 60})
    h, _, s = token.split(".")
    forged = h + "." + b64url(json.dumps({"role": "admin", "exp": NOW + 60}).encode()) + "." + s
    result = cli.run("verify", "--alg", "HS256", "--key", env["key64"], "--now", str(NOW), forged)
    expect_refused(result, "invalid_signature")
    # SECURITY-CATALOG principle 7: the error line never echoes the token's bytes.
    for segment in forged.split("."):
        assert segment not in result[2], result[2]


def test_a_token_signed_with_another_key_is_refused(cli, env):
    token = cli.sign("HS256", env["other64"], {"exp": NOW + 60})
    expect_refused(cli.run("verify", "--alg", "HS256", "--key", env["key64"], "--now", str(NOW),
                           token), "invalid_signature")


def test_an_expired_token_is_refused_and_leeway_tolerates_skew(cli, env):
    token = cli.sign("HS256", env["key64"], {"exp": NOW})
    expect_refused(cli.run("verify", "--alg", "HS256", "--key", env["key64"], "--now", str(NOW),
                           token), "token_expired")
    rc, _, err = cli.run("verify", "--alg", "HS256", "--key", env["key64"], "--now", str(NOW),
                         "--leeway", "30", token)
    assert rc == 0, err
    expect_refused(cli.run("verify", "--alg", "HS256", "--key", env["key64"], "--now",
                           str(NOW + 30), "--leeway", "30", token), "token_expired")


def test_a_token_not_yet_valid_is_refused(cli, env):
    token = cli.sign("HS256", env["key64"], {"nbf": NOW + 100, "exp": NOW + 200})
    expect_refused(cli.run("verify", "--alg", "HS256", "--key", env["key64"], "--now", str(NOW),
                           token), "token_not_yet_valid")
    rc, _, err = cli.run("verify", "--alg", "HS256", "--key", env["key64"], "--now",
                         str(NOW + 100), token)
    assert rc == 0, err


def test_a_token_without_exp_is_refused_unless_no_exp_is_given(cli, env):
    token = cli.sign("HS256", env["key64"], {"sub": "x"})
    expect_refused(cli.run("verify", "--alg", "HS256", "--key", env["key64"], token),
                   "missing_claim")
    rc, out, err = cli.run("verify", "--alg", "HS256", "--key", env["key64"], "--no-exp", token)
    assert rc == 0 and json.loads(out) == {"sub": "x"}, (rc, out, err)


def test_a_wrong_issuer_is_refused_as_invalid_issuer(cli, env):
    token = cli.sign("HS256", env["key64"], {"iss": "https://a.example", "exp": NOW + 60})
    expect_refused(cli.run("verify", "--alg", "HS256", "--key", env["key64"], "--now", str(NOW),
                           "--iss", "https://b.example", token), "invalid_issuer")
    # --iss may be repeated: any one of them matches.
    rc, _, err = cli.run("verify", "--alg", "HS256", "--key", env["key64"], "--now", str(NOW),
                         "--iss", "https://b.example", "--iss", "https://a.example", token)
    assert rc == 0, err


def test_a_wrong_subject_is_refused_as_invalid_subject(cli, env):
    token = cli.sign("HS256", env["key64"], {"sub": "alice", "exp": NOW + 60})
    expect_refused(cli.run("verify", "--alg", "HS256", "--key", env["key64"], "--now", str(NOW),
                           "--sub", "bob", token), "invalid_subject")


def test_audience_must_match_and_is_refused_when_not_expected(cli, env):
    token = cli.sign("HS256", env["key64"], {"aud": ["api-1", "api-2"], "exp": NOW + 60})
    base = ("verify", "--alg", "HS256", "--key", env["key64"], "--now", str(NOW))
    expect_refused(cli.run(*base, "--aud", "api-3", token), "invalid_audience")
    assert cli.run(*base, "--aud", "api-2", token)[0] == 0
    # No --aud: a token carrying aud is refused (CLM-8) unless --ignore-aud is given.
    expect_refused(cli.run(*base, token), "invalid_audience")
    assert cli.run(*base, "--ignore-aud", token)[0] == 0
    expect_usage(cli.run(*base, "--aud", "api-1", "--ignore-aud", token), "lightjwt: ")


def test_alg_none_is_refused_in_any_case_with_exit_2(cli, env):
    token = cli.sign("HS256", env["key64"], {"exp": NOW + 60})
    for alg in ("none", "None", "NONE", "hs256", "RS1", ""):
        expect_usage(cli.run("verify", "--alg", alg, "--key", env["key64"], token),
                     "algorithm_not_allowed: ")
        expect_usage(cli.run("sign", "--alg", alg, "--key", env["key64"], "--claims", "{}"),
                     "algorithm_not_allowed: ")


def test_an_unsecured_token_is_refused(cli, env):
    header = b64url(b'{"alg":"none","typ":"JWT"}')
    token = header + "." + b64url(b'{"exp":%d}' % (NOW + 60)) + "."
    expect_refused(cli.run("verify", "--alg", "HS256", "--key", env["key64"], "--now", str(NOW),
                           token), "algorithm_not_allowed")


def test_a_token_whose_alg_differs_from_the_option_is_refused(cli, env):
    token = cli.sign("HS384", env["key64"], {"exp": NOW + 60})
    expect_refused(cli.run("verify", "--alg", "HS256", "--key", env["key64"], "--now", str(NOW),
                           token), "algorithm_not_allowed")
    expect_refused(cli.run("verify", "--alg", "HS512", "--key", env["key64"], "--now", str(NOW),
                           token), "algorithm_not_allowed")


def test_a_short_key_file_is_refused_as_key_too_weak(cli, env):
    short = cli.file(b"0123456789abcdef")  # 16 bytes
    expect_usage(cli.run("sign", "--alg", "HS256", "--key", short, "--claims", "{}"),
                 "key_too_weak: ")
    expect_usage(cli.run("verify", "--alg", "HS256", "--key", short, "x.y.z"), "key_too_weak: ")
    # 48 bytes are enough for HS384 but not for HS512 (RFC 7518 §3.2).
    key48 = cli.file(make_secret(48))
    assert cli.run("sign", "--alg", "HS384", "--key", key48, "--claims", "{}")[0] == 0
    expect_usage(cli.run("sign", "--alg", "HS512", "--key", key48, "--claims", "{}"),
                 "key_too_weak: ")
    empty = cli.file(b"")
    expect_usage(cli.run("sign", "--alg", "HS256", "--key", empty, "--claims", "{}"),
                 "key_too_weak: ")


def test_a_pem_file_is_refused_as_an_hmac_secret(cli, env):
    pem = cli.file("-----BEGIN PUBLIC KEY-----\n" + "A" * 64 + "\n-----END PUBLIC KEY-----\n")
    expect_usage(cli.run("verify", "--alg", "HS256", "--key", pem, "x.y.z"), "invalid_key: ")
    expect_usage(cli.run("sign", "--alg", "HS256", "--key", pem, "--claims", "{}"),
                 "invalid_key: ")


def test_a_missing_key_file_is_a_usage_error(cli, env):
    expect_usage(cli.run("verify", "--alg", "HS256", "--key", os.path.join(cli.tmp, "absent"),
                         "x.y.z"), "lightjwt: cannot open key file")


def test_a_leeway_above_300_seconds_is_refused_as_insecure(cli, env):
    token = cli.sign("HS256", env["key64"], {"exp": NOW + 60})
    expect_usage(cli.run("verify", "--alg", "HS256", "--key", env["key64"], "--leeway", "301",
                         token), "insecure_configuration: ")


def test_decode_prints_header_and_payload_and_warns(cli, env):
    claims = {"sub": "x", "exp": NOW + 60}
    token = cli.sign("HS512", env["key64"], claims, "--kid", "k1")
    rc, out, err = cli.run("decode", token)
    assert rc == 0, err
    assert out.count("\n") == 1 and out.endswith("\n"), repr(out)
    doc = json.loads(out)
    assert doc == {"header": {"alg": "HS512", "typ": "JWT", "kid": "k1"}, "payload": claims}, doc
    assert err == "warning: decoded WITHOUT verification; nothing here is trusted\n", err


def test_decode_prints_a_multiline_token_on_one_line(cli, env):
    token = load_json(env["rfc_a1"])["token"]
    rc, out, err = cli.run("decode", token)
    assert rc == 0, err
    assert out == ('{"header":{"typ":"JWT","alg":"HS256"},"payload":{"iss":"joe",'
                   '"exp":1300819380,"http://example.com/is_root":true}}\n'), out


def test_decode_refuses_what_is_not_a_token(cli, env):
    for bad in ("abc", "a.b", "a.b.c.d", "e30.e30.!!"):
        expect_refused(cli.run("decode", bad), "malformed_token")


def test_decode_writes_control_characters_in_strings_as_escapes(cli, env):
    payload = '{"x":"a\x7fb\u0085c\u00e9"}'.encode("utf-8")
    token = b64url(b'{"alg":"HS256"}') + "." + b64url(payload) + ".AAAA"
    rc, out, err = cli.run("decode", token)
    assert rc == 0, err
    assert '"x":"a\\u007fb\\u0085c\u00e9"' in out, repr(out)
    assert json.loads(out)["payload"]["x"] == "a\x7fb\u0085c\u00e9"


def test_a_token_is_read_from_stdin_with_dash(cli, env):
    token = cli.sign("HS256", env["key64"], {"exp": NOW + 60})
    base = ("verify", "--alg", "HS256", "--key", env["key64"], "--now", str(NOW), "-")
    for suffix in (b"", b"\n", b"\r\n"):
        rc, out, err = cli.run(*base, stdin=token.encode() + suffix)
        assert rc == 0 and json.loads(out) == {"exp": NOW + 60}, (suffix, rc, err)
    # Only one line ending is removed: nothing else is repaired.
    for suffix in (b"\n\n", b" \n", b"\r", b"\t"):
        expect_refused(cli.run(*base, stdin=token.encode() + suffix), "malformed_token")
    rc, out, err = cli.run("decode", "-", stdin=token.encode() + b"\n")
    assert rc == 0 and json.loads(out)["payload"] == {"exp": NOW + 60}, err


def test_an_oversized_token_is_refused_as_too_large(cli, env):
    # Sign refuses to make a token over the verifier's default 16 KiB limit.
    expect_usage(cli.run("sign", "--alg", "HS256", "--key", env["key64"], "--claims",
                         json.dumps({"exp": NOW + 60, "pad": "x" * 12300})), "token_too_large: ")
    assert cli.run("sign", "--alg", "HS256", "--key", env["key64"], "--claims",
                   json.dumps({"exp": NOW + 60, "pad": "x" * 12000}))[0] == 0
    token = hs256_token(env["key64_bytes"], {"alg": "HS256"},
                        {"exp": NOW + 60, "pad": "x" * 20000})
    expect_refused(cli.run("verify", "--alg", "HS256", "--key", env["key64"], "-",
                           stdin=token.encode()), "token_too_large")


def test_a_kid_written_with_escapes_still_finds_the_key(cli, env):
    header = '{"alg":"HS256","kid":"k\\u0031"}'
    token = hs256_token(env["key64_bytes"], header, {"exp": NOW + 60})
    rc, out, err = cli.run("verify", "--alg", "HS256", "--key", env["key64"], "--now", str(NOW),
                           token)
    assert rc == 0, (rc, err)


def test_rfc7515_a1_verifies_before_exp_and_is_expired_at_exp(cli, env):
    vec = load_json(env["rfc_a1"])
    key = cli.file(b64url_decode(vec["jwk"]["k"]))
    base = ("verify", "--alg", "HS256", "--key", key, "--iss", "joe")
    rc, out, err = cli.run(*base, "--now", "1300819379", vec["token"])
    assert rc == 0, err
    assert json.loads(out) == vec["claims"], out
    assert out == '{"iss":"joe","exp":1300819380,"http://example.com/is_root":true}\n', out
    # RFC 7519 §4.1.4: expired on or after exp.
    expect_refused(cli.run(*base, "--now", "1300819380", vec["token"]), "token_expired")
    # With the real clock it is long expired.
    expect_refused(cli.run(*base, vec["token"]), "token_expired")
    # The CLI's MAC over its own header and the RFC's payload bytes matches Python's.
    token = cli.sign("HS256", key, vec["payload"])
    assert token.split(".")[1] == vec["payload_b64"], token
    mac = hmac.new(b64url_decode(vec["jwk"]["k"]), token.rsplit(".", 1)[0].encode(),
                   hashlib.sha256).digest()
    assert token.split(".")[2] == b64url(mac), token


def test_usage_errors_exit_2_with_a_usage_message(cli, env):
    cases = [
        (), ("frobnicate",), ("sign",), ("sign", "--alg", "HS256", "--key", env["key64"]),
        ("sign", "--alg", "HS256", "--claims", "{}"),
        ("verify", "--alg", "HS256", "--key", env["key64"]),
        ("verify", "--alg", "HS256", "--key", env["key64"], "a", "b"),
        ("verify", "--alg", "HS256", "--key", env["key64"], "--bogus", "x.y.z"),
        ("verify", "--alg", "HS256", "--key", env["key64"], "--now", "-5", "x.y.z"),
        ("verify", "--alg", "HS256", "--key", env["key64"], "--leeway", "1.5", "x.y.z"),
        ("verify", "--alg", "HS256", "--alg", "HS384", "--key", env["key64"], "x.y.z"),
        ("verify", "--alg", "HS256", "--key", env["key64"], "--no-exp=1", "x.y.z"),
        ("verify", "--alg", "HS256", "--key"), ("decode",), ("decode", "a", "b"),
        ("help", "nothing"),
    ]
    for args in cases:
        rc, out, err = cli.run(*args)
        assert rc == 2, (args, rc, err)
        assert out == "" and "usage:" in err and err.startswith("lightjwt: "), (args, out, err)


def test_help_and_version_print_to_stdout_and_exit_0(cli, env):
    for args in (("--help",), ("help",), ("-h",)):
        rc, out, err = cli.run(*args)
        assert rc == 0 and err == "", (args, rc, err)
        algs = offered_algorithms(out)
        assert {"HS256", "HS384", "HS512"} <= set(algs), out
        assert not any(a.lower() == "none" for a in algs), out
        assert "--ignore-aud" in out and "exit status" in out, out
    for cmd in ("sign", "verify", "decode"):
        for args in (("help", cmd), (cmd, "--help")):
            rc, out, err = cli.run(*args)
            assert rc == 0 and out.startswith("usage: lightjwt " + cmd), (args, out, err)
    rc, out, _ = cli.run("--version")
    assert rc == 0 and out.startswith("lightjwt 0.") and out.endswith("\n"), out


def test_options_accept_the_equals_form(cli, env):
    token = cli.sign("HS256", env["key64"], {"exp": NOW + 60})
    rc, _, err = cli.run("verify", "--alg=HS256", "--key=" + env["key64"], "--now=%d" % NOW, token)
    assert rc == 0, err


def rsa_pem_files(cli, bits=2048):
    """Writes a new RSA key as PKCS#8 and SPKI PEM files; returns (private, public) paths."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo)
    return cli.file(private, ".pem"), cli.file(public, ".pem"), public


def test_rs256_round_trips_with_pem_keys(cli, env):
    if "RS256" not in env["offered"]:
        return "RS256 not offered by this build"
    private, public, _ = rsa_pem_files(cli)
    token = cli.sign("RS256", private, {"sub": "x", "exp": NOW + 60})
    rc, out, err = cli.run("verify", "--alg", "RS256", "--key", public, "--now", str(NOW), token)
    assert rc == 0 and json.loads(out) == {"sub": "x", "exp": NOW + 60}, (rc, out, err)
    # The keys are not interchangeable: sign needs the private key, verify a public one.
    expect_usage(cli.run("sign", "--alg", "RS256", "--key", public, "--claims", "{}"),
                 "invalid_key: ")
    expect_usage(cli.run("verify", "--alg", "RS256", "--key", env["key64"], token),
                 "invalid_key: ")
    return None


def test_an_rsa_key_under_2048_bits_is_refused_as_key_too_weak(cli, env):
    if "RS256" not in env["offered"]:
        return "RS256 not offered by this build"
    private, public, _ = rsa_pem_files(cli, 1024)
    expect_usage(cli.run("sign", "--alg", "RS256", "--key", private, "--claims", "{}"),
                 "key_too_weak: ")
    expect_usage(cli.run("verify", "--alg", "RS256", "--key", public, "x.y.z"), "key_too_weak: ")
    return None


def test_the_rs256_to_hs256_confusion_is_refused(cli, env):
    if "RS256" not in env["offered"]:
        return "RS256 not offered by this build"
    # The classic attack: HS256 keyed with the RSA public key's PEM text (SECURITY-CATALOG KEY-2).
    _, public, public_pem = rsa_pem_files(cli)
    signing_input = b64url(b'{"alg":"HS256","typ":"JWT"}') + "." + b64url(
        b'{"sub":"admin","exp":%d}' % (NOW + 60))
    mac = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    forged = signing_input + "." + b64url(mac)
    expect_refused(cli.run("verify", "--alg", "RS256", "--key", public, "--now", str(NOW),
                           forged), "algorithm_not_allowed")
    expect_usage(cli.run("verify", "--alg", "HS256", "--key", public, "--now", str(NOW), forged),
                 "invalid_key: ")
    return None


def public_pem_from_jwk(jwk):
    """Returns the SPKI PEM of an RSA, EC or OKP (Ed25519) public JWK."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

    def num(name):
        return int.from_bytes(b64url_decode(jwk[name]), "big")
    if jwk["kty"] == "RSA":
        key = rsa.RSAPublicNumbers(num("e"), num("n")).public_key()
    elif jwk["kty"] == "EC":
        curve = {"P-256": ec.SECP256R1, "P-384": ec.SECP384R1, "P-521": ec.SECP521R1}[jwk["crv"]]
        key = ec.EllipticCurvePublicNumbers(num("x"), num("y"), curve()).public_key()
    else:
        key = ed25519.Ed25519PublicKey.from_public_bytes(b64url_decode(jwk["x"]))
    return key.public_bytes(serialization.Encoding.PEM,
                            serialization.PublicFormat.SubjectPublicKeyInfo)


def test_rfc7515_a2_and_a3_verify_before_exp_and_are_expired_at_exp(cli, env):
    missing = [a for a in ("RS256", "ES256") if a not in env["offered"]]
    if missing:
        return " ".join(missing) + " not offered by this build"
    for name in ("rfc7515_A.2_rs256.json", "rfc7515_A.3_es256.json"):
        vec = load_json(os.path.join(env["testdata"], "rfc", name))
        key = cli.file(public_pem_from_jwk(vec["jwk_public"]), ".pem")
        base = ("verify", "--alg", vec["alg"], "--key", key, "--iss", "joe")
        rc, out, err = cli.run(*base, "--now", "1300819379", vec["token"])
        assert rc == 0, (name, rc, err)
        assert json.loads(out) == vec["claims"], (name, out)
        expect_refused(cli.run(*base, "--now", "1300819380", vec["token"]), "token_expired")
    return None


def test_signed_rfc_payloads_that_are_not_json_are_refused_after_the_signature(cli, env):
    missing = [a for a in ("ES512", "EdDSA") if a not in env["offered"]]
    if missing:
        return " ".join(missing) + " not offered by this build"
    for name in ("rfc7515_A.4_es512.json", "rfc8037_A.5_ed25519_validation.json"):
        vec = load_json(os.path.join(env["testdata"], "rfc", name))
        key = cli.file(public_pem_from_jwk(vec["jwk_public"]), ".pem")
        alg = json.loads(b64url_decode(vec["token"].split(".")[0]))["alg"]
        # The signature holds, but the payload is text, not a JWT claims set.
        expect_refused(cli.run("verify", "--alg", alg, "--key", key, vec["token"]),
                       "malformed_token")
        # The positive control: a changed signature is refused as such, so the check ran.
        h, p, sig = vec["token"].split(".")
        raw = bytearray(b64url_decode(sig))
        raw[0] ^= 1
        expect_refused(cli.run("verify", "--alg", alg, "--key", key,
                               h + "." + p + "." + b64url(bytes(raw))), "invalid_signature")
    return None


def test_an_ec_key_on_the_wrong_curve_is_refused(cli, env):
    if "ES256" not in env["offered"]:
        return "ES256 not offered by this build"
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    key = ec.generate_private_key(ec.SECP384R1())
    private = cli.file(key.private_bytes(serialization.Encoding.PEM,
                                         serialization.PrivateFormat.PKCS8,
                                         serialization.NoEncryption()), ".pem")
    expect_usage(cli.run("sign", "--alg", "ES256", "--key", private, "--claims", "{}"),
                 "invalid_key: ")
    token = cli.sign("ES384", private, {"exp": NOW + 60})
    public = cli.file(key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo), ".pem")
    assert cli.run("verify", "--alg", "ES384", "--key", public, "--now", str(NOW), token)[0] == 0
    expect_usage(cli.run("verify", "--alg", "ES256", "--key", public, token), "invalid_key: ")
    return None


# ---------------------------------------------------------------------------------------- jwk


def pem_pair(cli, kind):
    """Writes a new private and public PEM key ("RSA", "P-256" or "Ed25519"); returns the paths."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
    if kind == "RSA":
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    elif kind == "P-256":
        key = ec.generate_private_key(ec.SECP256R1())
    else:
        key = ed25519.Ed25519PrivateKey.generate()
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo)
    return cli.file(private, ".pem"), cli.file(public, ".pem")


def test_jwk_thumbprint_of_the_rfc7638_and_rfc8037_keys(cli, env):
    for name in ("rfc7638_3.1_thumbprint.json", "rfc8037_A.3_thumbprint.json"):
        vec = load_json(os.path.join(env["testdata"], "rfc", name))
        rc, out, err = cli.run("jwk", "thumbprint", cli.file(json.dumps(vec["jwk"])))
        assert (rc, err) == (0, ""), (name, rc, err)
        assert out == vec["expected"]["thumbprint_b64"] + "\n", (name, out)
    # The issue's must-show: RFC 7638 §3.1's key (with its kid and alg) prints exactly this.
    vec = load_json(os.path.join(env["testdata"], "rfc", "rfc7638_3.1_thumbprint.json"))
    rc, out, _ = cli.run("jwk", "thumbprint", cli.file(json.dumps(vec["jwk"])))
    assert out == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs\n", out
    # The private RFC 8037 key has the same thumbprint: d is not a required member.
    vec = load_json(os.path.join(env["testdata"], "rfc", "rfc8037_A.1_ed25519_private_key.json"))
    jwk = vec.get("jwk", vec)
    rc, out, err = cli.run("jwk", "thumbprint", cli.file(json.dumps(jwk)))
    assert (rc, out) == (0, "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k\n"), (rc, out, err)


def test_jwk_thumbprint_refuses_what_is_not_a_valid_jwk(cli, env):
    vec = load_json(os.path.join(env["testdata"], "rfc", "rfc7638_3.1_thumbprint.json"))
    for bad, name in ((dict(vec["jwk"], n=vec["jwk"]["n"] + "="), "invalid_key"),
                      ({"kty": "RSA", "e": "AQAB"}, "invalid_key"),
                      ({"kty": "RSA", "n": "AQAB", "e": "AQAB"}, "key_too_weak")):
        expect_usage(cli.run("jwk", "thumbprint", cli.file(json.dumps(bad))), name + ": ")
    expect_usage(cli.run("jwk", "thumbprint", cli.file('{"kty":"oct","kty":"oct"}')),
                 "duplicate_member: ")
    expect_usage(cli.run("jwk", "thumbprint", os.path.join(cli.tmp, "absent")),
                 "lightjwt: cannot open")


def test_jwk_from_pem_prints_public_members_unless_private_is_given(cli, env):
    private, public = pem_pair(cli, "RSA")
    rc, out, err = cli.run("jwk", "from-pem", private, "--kid", "k1", "--alg", "RS256")
    assert rc == 0 and err == "", (rc, err)
    jwk = json.loads(out)
    assert out.endswith("\n") and out.count("\n") == 1, out
    assert set(jwk) == {"kty", "kid", "alg", "n", "e"}, jwk
    assert (jwk["kty"], jwk["kid"], jwk["alg"], jwk["e"]) == ("RSA", "k1", "RS256", "AQAB"), jwk
    # The public PEM gives the same JWK.
    assert json.loads(cli.run("jwk", "from-pem", public, "--kid", "k1", "--alg", "RS256")[1]) == jwk
    rc, out, err = cli.run("jwk", "from-pem", private, "--private")
    assert rc == 0, err
    assert {"d", "p", "q", "dp", "dq", "qi"} <= set(json.loads(out)), out
    expect_usage(cli.run("jwk", "from-pem", public, "--private"), "invalid_key: ")
    for kind, crv in (("P-256", "P-256"), ("Ed25519", "Ed25519")):
        private, _ = pem_pair(cli, kind)
        jwk = json.loads(cli.run("jwk", "from-pem", private)[1])
        assert jwk["crv"] == crv and "d" not in jwk and "kid" not in jwk, jwk


def test_jwk_from_pem_refuses_an_alg_that_does_not_fit_the_key(cli, env):
    private, _ = pem_pair(cli, "P-256")
    expect_usage(cli.run("jwk", "from-pem", private, "--alg", "RS256"), "invalid_key: ")
    expect_usage(cli.run("jwk", "from-pem", private, "--alg", "ES384"), "invalid_key: ")
    expect_usage(cli.run("jwk", "from-pem", private, "--alg", "none"), "algorithm_not_allowed: ")
    assert cli.run("jwk", "from-pem", private, "--alg", "ES256")[0] == 0
    expect_usage(cli.run("jwk", "from-pem", env["key64"]), "invalid_key: ")


def test_jwk_set_exports_public_keys_with_thumbprint_kids(cli, env):
    rsa_private, _ = pem_pair(cli, "RSA")
    ec_private, ec_public = pem_pair(cli, "P-256")
    named = cli.file(cli.run("jwk", "from-pem", ec_private, "--kid", "ec-1", "--alg", "ES256")[1])
    rc, out, err = cli.run("jwk", "set", rsa_private, named)
    assert rc == 0, err
    keys = json.loads(out)["keys"]
    assert len(keys) == 2 and all("d" not in k for k in keys), keys
    assert keys[0]["kid"] == cli.run("jwk", "thumbprint", rsa_private)[1].strip(), keys[0]
    assert (keys[1]["kid"], keys[1]["alg"]) == ("ec-1", "ES256"), keys[1]
    # The same key twice has the same thumbprint kid: two keys with one kid are refused (KEY-8).
    expect_usage(cli.run("jwk", "set", ec_private, ec_public), "invalid_key: ")
    secret = cli.file(json.dumps({"kty": "oct", "k": b64url(make_secret(32))}))
    expect_usage(cli.run("jwk", "set", secret), "invalid_key: ")


def test_verify_jwks_picks_the_key_by_kid_and_the_algorithm_by_the_key(cli, env):
    rsa_private, _ = pem_pair(cli, "RSA")
    ec_private, _ = pem_pair(cli, "P-256")
    jwks = cli.file(cli.run("jwk", "set",
                            cli.file(cli.run("jwk", "from-pem", rsa_private, "--kid", "rsa-1",
                                             "--alg", "PS256")[1]),
                            cli.file(cli.run("jwk", "from-pem", ec_private, "--kid", "ec-1")[1]))[1])
    claims = {"sub": "x", "exp": NOW + 60}
    for alg, key, kid in (("PS256", rsa_private, "rsa-1"), ("ES256", ec_private, "ec-1")):
        token = cli.sign(alg, key, claims, "--kid", kid)
        rc, out, err = cli.run("verify", "--jwks", jwks, "--now", str(NOW), token)
        assert rc == 0 and json.loads(out) == claims, (alg, rc, err)
    # --alg narrows the allowlist: the PS256 key is left out, ec-1 (no alg) fits ES256.
    token = cli.sign("ES256", ec_private, claims, "--kid", "ec-1")
    rc, _, err = cli.run("verify", "--jwks", jwks, "--alg", "ES256", "--now", str(NOW), token)
    assert rc == 0, err
    # The key bound to PS256 does not verify an RS256 token, even with its kid.
    expect_refused(cli.run("verify", "--jwks", jwks, "--now", str(NOW),
                           cli.sign("RS256", rsa_private, claims, "--kid", "rsa-1")),
                   "algorithm_not_allowed")
    expect_refused(cli.run("verify", "--jwks", jwks, "--now", str(NOW),
                           cli.sign("ES256", ec_private, claims, "--kid", "nobody")),
                   "key_not_found")
    expect_refused(cli.run("verify", "--jwks", jwks, "--now", str(NOW + 60),
                           cli.sign("ES256", ec_private, claims, "--kid", "ec-1")),
                   "token_expired")
    # The RFC 7638 key is public: its RS256 token from RFC 7515 A.2 has no kid; one key fits.
    vec = load_json(os.path.join(env["testdata"], "rfc", "rfc7515_A.2_rs256.json"))
    one = cli.file(json.dumps(dict(vec["jwk_public"], alg="RS256")))
    rc, out, err = cli.run("verify", "--jwks", one, "--iss", "joe", "--now", "1300819379",
                           vec["token"])
    assert rc == 0, (rc, err)


def test_verify_jwks_refuses_bad_sets_and_option_mixes_with_exit_2(cli, env):
    rsa_private, rsa_public = pem_pair(cli, "RSA")
    token = cli.sign("RS256", rsa_private, {"exp": NOW + 60})
    no_alg = cli.file(cli.run("jwk", "set", rsa_public)[1])
    # An RSA key without alg fits six algorithms: ambiguous without --alg.
    expect_usage(cli.run("verify", "--jwks", no_alg, "--now", str(NOW), token),
                 "insecure_configuration: ")
    assert cli.run("verify", "--jwks", no_alg, "--alg", "RS256", "--now", str(NOW), token)[0] == 0
    private_set = cli.file('{"keys":[%s]}' % cli.run("jwk", "from-pem", rsa_private,
                                                      "--private")[1])
    expect_usage(cli.run("verify", "--jwks", private_set, token), "invalid_key: ")
    expect_usage(cli.run("verify", "--jwks", cli.file('{"keys":[]}'), token), "key_not_found: ")
    expect_usage(cli.run("verify", "--jwks", cli.file("not json"), token), "invalid_key: ")
    expect_usage(cli.run("verify", "--jwks", no_alg, "--key", rsa_public, token), "lightjwt: ")
    expect_usage(cli.run("verify", "--jwks", no_alg, "--alg", "none", token),
                 "algorithm_not_allowed: ")


def test_jwk_usage_errors_exit_2_and_help_prints_jwk_usage(cli, env):
    for args in (("jwk",), ("jwk", "frob"), ("jwk", "thumbprint"), ("jwk", "from-pem"),
                 ("jwk", "from-pem", "a", "b"), ("jwk", "set"), ("jwk", "from-pem", "a", "--x")):
        rc, out, err = cli.run(*args)
        assert rc == 2 and out == "" and "usage:" in err and err.startswith("lightjwt: "), (
            args, rc, err)
    for args in (("help", "jwk"), ("jwk", "--help"), ("jwk", "from-pem", "--help")):
        rc, out, err = cli.run(*args)
        assert rc == 0 and out.startswith("usage: lightjwt jwk from-pem"), (args, out, err)
    rc, out, _ = cli.run("--help")
    assert "lightjwt jwk thumbprint FILE" in out and "--jwks FILE" in out, out


# ------------------------------------------------------------------------------------ runner


def main(argv):
    if len(argv) not in (2, 3):
        print("usage: cli_test.py PATH/TO/lightjwt [TESTDATA_DIR]", file=sys.stderr)
        return 2
    exe = os.path.abspath(argv[1])
    testdata = argv[2] if len(argv) == 3 else os.environ.get("LIGHTJWT_TESTDATA_DIR", "")
    rfc_a1 = os.path.join(testdata, "rfc", "rfc7515_A.1_hs256.json")
    if not os.path.isfile(rfc_a1):
        print("cli_test.py: %s not found (pass TESTDATA_DIR or set LIGHTJWT_TESTDATA_DIR)"
              % rfc_a1, file=sys.stderr)
        return 2
    tests = [(n, f) for n, f in globals().items() if n.startswith("test_") and callable(f)]
    passed = failed = 0
    with tempfile.TemporaryDirectory(prefix="lightjwt_cli_test_") as tmp:
        cli = Cli(exe, tmp)
        help_rc, help_out, _ = cli.run("--help")
        key64 = make_secret(64)
        env = {"key64": cli.file(key64), "key64_bytes": key64,
               "other64": cli.file(make_secret(64)),
               "rfc_a1": rfc_a1, "testdata": testdata, "offered": offered_algorithms(help_out) if help_rc == 0 else []}
        print("algorithms offered: " + " ".join(env["offered"]))
        for name, fn in tests:
            title = name[len("test_"):].replace("_", " ")
            try:
                skipped = fn(cli, env)
            except Exception:  # pylint: disable=broad-except
                failed += 1
                print("FAIL " + title)
                print("     " + traceback.format_exc().strip().replace("\n", "\n     "))
            else:
                if skipped:
                    # Every algorithm is part of the build: a missing one is a failure, never a skip.
                    failed += 1
                    print("FAIL %s (%s)" % (title, skipped))
                else:
                    passed += 1
                    print("ok   " + title)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
