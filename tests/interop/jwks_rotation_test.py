#!/usr/bin/python3
# Two processes over loopback HTTP: examples/jwks/jwks_server (the auth server) and
# examples/jwks/jwks_client_service (a resource server verifying with a jwks_cache), through a
# key rotation and a key retirement.
# SPDX-License-Identifier: MIT
#
# Usage: /usr/bin/python3 jwks_rotation_test.py PATH/TO/jwks_server PATH/TO/jwks_client_service
#   Standard library only. Starts both on free ports (each binds port 0 and prints
#   "listening <port>"), runs the steps below in order, prints one line per step and, last,
#   "N passed, M failed"; a step after a failed one is not run and counts as failed. Exits 1 when
#   a step failed, 2 on bad arguments. The child processes are always killed.
import base64
import json
import os
import secrets
import select
import subprocess
import sys
import time
import traceback
import urllib.error
import urllib.request

MIN_REFRESH = 1  # seconds: the client's min_refresh_interval, short for this test
START_TIMEOUT = 60  # seconds: RSA key generation under a sanitizer can be slow


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def header_of(token):
    return json.loads(b64url_decode(token.split(".")[0]))


def start(argv):
    """Starts a server that prints "listening <port>"; returns (process, port)."""
    # stderr is inherited: whatever a server reports shows in the test's output.
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE)
    deadline = time.monotonic() + START_TIMEOUT
    line = b""
    while not line.endswith(b"\n"):
        left = deadline - time.monotonic()
        ready, _, _ = select.select([proc.stdout], [], [], max(left, 0))
        if not ready:
            raise AssertionError("%s did not print 'listening <port>' within %ds"
                                 % (os.path.basename(argv[0]), START_TIMEOUT))
        chunk = os.read(proc.stdout.fileno(), 1)
        if not chunk:
            raise AssertionError("%s exited with status %s before it listened"
                                 % (os.path.basename(argv[0]), proc.wait()))
        line += chunk
    words = line.decode().split()
    assert len(words) == 2 and words[0] == "listening", line
    return proc, int(words[1])


def stop(proc):
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def http(method, url, token=None):
    """Returns (status, parsed JSON body)."""
    req = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
    if token is not None:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


class Env:
    def __init__(self, server_port, client_port):
        self.auth = "http://127.0.0.1:%d" % server_port
        self.api = "http://127.0.0.1:%d" % client_port
        self.tokens = {}
        self.kids = {}

    def token(self, alg, sub, ttl=None):
        url = "%s/token?alg=%s&sub=%s" % (self.auth, alg, sub)
        if ttl is not None:
            url += "&ttl=%d" % ttl
        status, body = http("GET", url)
        assert status == 200, (status, body)
        return body["token"]

    def me(self, token):
        return http("GET", self.api + "/me", token)

    def fetches(self):
        status, body = http("GET", self.api + "/stats")
        assert status == 200, body
        return body["fetches"]

    def jwks(self):
        status, body = http("GET", self.auth + "/.well-known/jwks.json")
        assert status == 200, body
        return body

    def expect_ok(self, token, sub):
        status, body = self.me(token)
        assert (status, body) == (200, {"sub": sub}), (status, body)

    def expect_401(self, token, name):
        status, body = self.me(token)
        assert (status, body) == (401, {"error": name}), (status, body)


def wait_out_the_interval():
    time.sleep(MIN_REFRESH + 0.2)


# ------------------------------------------------------------------------------------- steps
# Run in this order; each builds on the state the previous ones left.


def step_the_server_publishes_an_rs256_and_an_es256_public_key(env):
    keys = env.jwks()["keys"]
    assert sorted(k["alg"] for k in keys) == ["ES256", "RS256"], keys
    for k in keys:
        assert k["kid"] and "d" not in k, k
        env.kids[k["alg"]] = k["kid"]


def step_tokens_of_both_algorithms_verify_with_the_first_fetched_set(env):
    for alg, sub in (("RS256", "alice"), ("ES256", "bob")):
        token = env.token(alg, sub)
        assert header_of(token)["kid"] == env.kids[alg], header_of(token)
        env.expect_ok(token, sub)
        env.tokens[alg] = token
    assert env.fetches() == 1, env.fetches()


def step_the_server_rotates_to_a_new_rs256_key_with_a_new_kid(env):
    status, body = http("POST", env.auth + "/rotate?alg=RS256")
    assert status == 200, (status, body)
    new_kid = body["kid"]
    assert new_kid != env.kids["RS256"], body
    assert new_kid in [k["kid"] for k in env.jwks()["keys"]]
    token = env.token("RS256", "carol")
    assert header_of(token)["kid"] == new_kid, header_of(token)
    env.kids["RS256-old"], env.kids["RS256"] = env.kids["RS256"], new_kid
    env.tokens["RS256-new"] = token


def step_a_new_token_verifies_after_the_client_refetches_on_its_unknown_kid(env):
    wait_out_the_interval()
    before = env.fetches()
    env.expect_ok(env.tokens["RS256-new"], "carol")
    assert env.fetches() == before + 1, (before, env.fetches())
    # Known now: no further fetch.
    env.expect_ok(env.tokens["RS256-new"], "carol")
    assert env.fetches() == before + 1


def step_tokens_of_the_previous_key_verify_while_it_is_still_published(env):
    env.expect_ok(env.tokens["RS256"], "alice")


def step_the_active_signing_key_cannot_be_retired(env):
    status, body = http("POST", env.auth + "/retire/" + env.kids["RS256"])
    assert status == 409, (status, body)


def step_retired_key_tokens_are_refused_once_the_client_has_refreshed(env):
    status, body = http("POST", env.auth + "/retire/" + env.kids["RS256-old"])
    assert status == 200, (status, body)
    assert env.kids["RS256-old"] not in [k["kid"] for k in env.jwks()["keys"]]
    # The client has not refreshed yet: its set still holds the retired key.
    env.expect_ok(env.tokens["RS256"], "alice")
    # An ES256 rotation makes the client meet an unknown kid and refetch the set.
    status, body = http("POST", env.auth + "/rotate?alg=ES256")
    assert status == 200, (status, body)
    wait_out_the_interval()
    before = env.fetches()
    env.expect_ok(env.token("ES256", "dave"), "dave")
    assert env.fetches() == before + 1, (before, env.fetches())
    env.expect_401(env.tokens["RS256"], "key_not_found")
    # Tokens of the keys still published verify.
    env.expect_ok(env.tokens["RS256-new"], "carol")
    env.expect_ok(env.tokens["ES256"], "bob")


def step_a_flood_of_unknown_kids_makes_at_most_one_fetch(env):
    wait_out_the_interval()
    before = env.fetches()
    h, p, s = env.token("ES256", "mallory").split(".")
    for _ in range(40):
        header = json.loads(b64url_decode(h))
        header["kid"] = secrets.token_hex(8)
        env.expect_401(b64url(json.dumps(header).encode()) + "." + p + "." + s, "key_not_found")
    assert env.fetches() <= before + 1, (before, env.fetches())


def step_expired_tampered_and_missing_tokens_are_refused_with_their_names(env):
    env.expect_401(env.token("RS256", "erin", ttl=-120), "token_expired")
    env.expect_401(env.token("ES256", "erin", ttl=-120), "token_expired")
    h, _, s = env.token("RS256", "erin").split(".")
    forged = b64url(json.dumps({"iss": "https://auth.example.test", "sub": "admin",
                                "aud": "orders-api", "exp": int(time.time()) + 600}).encode())
    env.expect_401(h + "." + forged + "." + s, "invalid_signature")
    status, body = http("GET", env.api + "/me")
    assert (status, body) == (401, {"error": "malformed_token"}), (status, body)
    env.expect_401("not.a.token", "malformed_token")


STEPS = [(n, f) for n, f in list(globals().items()) if n.startswith("step_") and callable(f)]


def main(argv):
    if len(argv) != 3:
        print("usage: jwks_rotation_test.py PATH/TO/jwks_server PATH/TO/jwks_client_service",
              file=sys.stderr)
        return 2
    server = client = None
    passed = failed = 0
    try:
        try:
            server, server_port = start([os.path.abspath(argv[1]), "0"])
            url = "http://127.0.0.1:%d/.well-known/jwks.json" % server_port
            client, client_port = start([os.path.abspath(argv[2]), "0", url, str(MIN_REFRESH),
                                         "300"])
            print("ok   both servers started: auth on %d, api on %d" % (server_port, client_port))
            passed += 1
        except Exception:  # pylint: disable=broad-except
            print("FAIL starting the servers\n     " + traceback.format_exc().strip())
            print("%d passed, %d failed" % (passed, len(STEPS) + 1))
            return 1
        env = Env(server_port, client_port)
        for i, (name, fn) in enumerate(STEPS):
            title = name[len("step_"):].replace("_", " ")
            try:
                fn(env)
            except Exception:  # pylint: disable=broad-except
                failed += len(STEPS) - i
                print("FAIL " + title)
                print("     " + traceback.format_exc().strip().replace("\n", "\n     "))
                for later, _ in STEPS[i + 1:]:
                    print("--   not run: " + later[len("step_"):].replace("_", " "))
                break
            passed += 1
            print("ok   " + title)
    finally:
        stop(client)
        stop(server)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
