#!/usr/bin/python3
"""Writes the seed corpus of lightjwt's fuzz targets from shared/testdata.

Usage: make_corpus.py --testdata DIR --out DIR

Collects every compact JWS in the test vectors (RFC 7515/7519/8037 examples, the JOSE cookbook,
Wycheproof's JWS strings) and derives from them, for each target, OUT/<target>/<sha1>:
  fuzz_base64url   each segment of each token, and some non-canonical spellings
  fuzz_json_scan   each decoded header and payload, each JSON object in the vectors, hostile JSON
  fuzz_decode      each token
  fuzz_verify_hs   each token, and "header JSON \\0 payload JSON" inputs with an HS256 header
  fuzz_verify_es   each token, and the same with an ES256 header
  fuzz_jwk         each JWK and JWK Set object in the vectors (kty, or keys), and hostile JWKs
The corpus is regenerated from scratch on every run and never committed; crash inputs that must
stay go to fuzz/regressions/<target>/ instead. Needs only the Python standard library.
SPDX-License-Identifier: MIT
"""

import argparse
import base64
import hashlib
import json
import os
import shutil
import sys

TARGETS = ("fuzz_base64url", "fuzz_json_scan", "fuzz_decode", "fuzz_verify_hs", "fuzz_verify_es",
           "fuzz_jwk")
MAX_INPUT = 16 * 1024  # a verifier's default max_token_size
B64_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/")

# Inputs aimed at the scanner's edge cases: duplicates (escaped too), depth, surrogates, numbers
# at and beyond double's range, BOM, control characters, UTF-8 corner cases.
HOSTILE_JSON = [
    b'{}',
    b'{"a":1,"a":2}',
    b'{"a":1,"\\u0061":2}',
    b'{"x":{"k":1,"k":2}}',
    b'{"a":' + b'[' * 20 + b']' * 20 + b'}',
    b'{"a":' + b'{"b":' * 20 + b'1' + b'}' * 21,
    b'{"s":"\\ud83d\\ude00","t":"\\u00e9\\u0000"}',
    b'{"s":"\\ud800"}',
    b'{"s":"\\udc00\\ud800"}',
    b'{"n":1e400}',
    b'{"n":1e-400,"m":-0,"o":-0.0e+0}',
    b'{"n":9223372036854775807,"m":9223372036854775808,"o":-9223372036854775809}',
    b'{"n":18446744073709551616,"f":0.1e1,"g":1E2,"h":4.9e-324,"i":1.7976931348623157e308}',
    b'{"n":01}',
    b'\xef\xbb\xbf{"a":1}',
    b'{"a":"\x01"}',
    b'{"a":"\xc0\xaf","b":"\xed\xa0\x80","c":"\xf4\x90\x80\x80"}',
    b'{"a":true,"b":false,"c":null,"d":[],"e":{}}',
    b'{"a":[1,"x",true,null,{"b":[2]}]} ',
    b' \t\r\n{ "a" : 1 } \n',
    b'{"a":1,}',
    b'{"a":tru}',
    b'{"exp":1300819380,"nbf":1300000000.5,"iat":1299999999.9,"aud":["x","y"],"iss":"joe"}',
]
HS_HEADER = b'{"alg":"HS256","typ":"JWT"}'
ES_HEADER = b'{"alg":"ES256","typ":"JWT"}'
STRICT_PAYLOAD = (b'{"iss":"joe","sub":"alice","aud":"https://aud.example","jti":"1",'
                  b'"exp":1300000600,"iat":1300000000,"role":"user","n":1,"admin":false}')


def b64decode(segment):
    """Decodes Base64URL leniently (padding optional); None when it is not Base64 at all."""
    try:
        return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (ValueError, TypeError):
        return None


def is_compact_jws(s):
    if not isinstance(s, str) or s.count(".") != 2 or not 5 <= len(s) <= MAX_INPUT:
        return False
    header = s.split(".", 1)[0]
    return bool(header) and all(c in B64_CHARS for c in header)


JWKS = set()  # every JWK and JWK Set found by walk()

# JWKs aimed at the parser's refusals: private members, duplicates, wrong lengths, odd types.
HOSTILE_JWK = [
    b'{"kty":"oct","k":"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"}',
    b'{"kty":"EC","crv":"P-256","x":"AA","y":"AA"}',
    b'{"kty":"RSA","n":"AQAB","e":"AQAB","kty":"RSA"}',
    b'{"kty":"OKP","crv":"Ed25519","x":11}',
    b'{"keys":[{"kty":"FOO"},{"kty":"oct","k":"AA"}]}',
    b'{"keys":{}}',
]


def walk(value, tokens, objects):
    """Collects compact JWS strings and small JSON objects from a parsed vector file."""
    if isinstance(value, dict):
        text = json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()
        if len(text) <= 4096:
            objects.add(text)
        if ("kty" in value or isinstance(value.get("keys"), list)) and len(text) <= MAX_INPUT:
            JWKS.add(text)
        for v in value.values():
            walk(v, tokens, objects)
    elif isinstance(value, list):
        for v in value:
            walk(v, tokens, objects)
    elif is_compact_jws(value):
        tokens.add(value)


def collect(testdata):
    tokens, objects, texts = set(), set(), set()
    for root, dirs, files in os.walk(testdata):
        dirs[:] = sorted(d for d in dirs if d != "schemas")
        for name in sorted(files):
            if not name.endswith(".json"):
                continue
            with open(os.path.join(root, name), "rb") as f:
                data = json.load(f)
            walk(data, tokens, objects)
            # The RFC files print the exact JSON texts that were signed (CRLF, spaces).
            if isinstance(data, dict):
                for key in ("header_json", "payload"):
                    if isinstance(data.get(key), str) and data[key].startswith("{"):
                        texts.add(data[key].encode())
    return sorted(tokens), sorted(objects), sorted(texts)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--testdata", required=True, help="the shared/testdata directory")
    parser.add_argument("--out", required=True, help="corpus root; <target>/ is made under it")
    args = parser.parse_args()
    if not os.path.isdir(args.testdata):
        sys.exit(f"make_corpus.py: {args.testdata} is not a directory")

    tokens, objects, texts = collect(args.testdata)
    seeds = {t: set() for t in TARGETS}
    payloads = set(texts)
    for token in tokens:
        raw = token.encode()
        seeds["fuzz_decode"].add(raw)
        seeds["fuzz_verify_hs"].add(raw)
        seeds["fuzz_verify_es"].add(raw)
        parts = token.split(".")
        for part in parts:
            seeds["fuzz_base64url"].add(part.encode())
        header, payload = b64decode(parts[0]), b64decode(parts[1])
        for decoded in (header, payload):
            if decoded and decoded.lstrip()[:1] == b"{":
                seeds["fuzz_json_scan"].add(decoded)
        if header and header[:1] == b"{" and payload:
            seeds["fuzz_verify_hs"].add(header + b"\0" + payload)
            seeds["fuzz_verify_es"].add(header + b"\0" + payload)
        if payload and payload.lstrip()[:1] == b"{":
            payloads.add(payload)
    for p in sorted(payloads) + [STRICT_PAYLOAD]:
        seeds["fuzz_verify_hs"].add(HS_HEADER + b"\0" + p)
        seeds["fuzz_verify_es"].add(ES_HEADER + b"\0" + p)
    seeds["fuzz_verify_hs"].add(b'{"alg":"HS256","kid":"hs-1","typ":"JWT","crit":'
                                b'["http://example.com/crit"],"http://example.com/crit":1}\0'
                                + STRICT_PAYLOAD)
    seeds["fuzz_verify_es"].add(b'{"alg":"ES256","kid":"es-1","typ":"JWT"}\0' + STRICT_PAYLOAD)
    # Thousands of Wycheproof test entries differ only in their values: a deterministic sample
    # of the objects is enough to seed the structure.
    seeds["fuzz_json_scan"].update(sorted(objects, key=lambda o: hashlib.sha1(o).digest())[:600])
    seeds["fuzz_json_scan"].update(texts)
    seeds["fuzz_json_scan"].update(HOSTILE_JSON)
    for j in HOSTILE_JSON:
        seeds["fuzz_verify_hs"].add(HS_HEADER + b"\0" + j)
        seeds["fuzz_base64url"].add(base64.urlsafe_b64encode(j).rstrip(b"="))
    seeds["fuzz_jwk"].update(JWKS)
    seeds["fuzz_jwk"].update(HOSTILE_JWK)
    # Non-canonical spellings: padding, the other alphabet, stray bits, impossible lengths.
    seeds["fuzz_base64url"].update([b"", b"A", b"QQ", b"QR", b"QUI", b"QUJ", b"QQ==", b"+/8",
                                    b"-_8", b"ab cd", b"ab\ncd"])

    if os.path.isdir(args.out):
        shutil.rmtree(args.out)
    for target in TARGETS:
        d = os.path.join(args.out, target)
        os.makedirs(d)
        for seed in seeds[target]:
            if len(seed) > MAX_INPUT:
                continue
            with open(os.path.join(d, hashlib.sha1(seed).hexdigest()), "wb") as f:
                f.write(seed)
        print(f"{target}: {len(os.listdir(d))} seeds")
    return 0


if __name__ == "__main__":
    sys.exit(main())
