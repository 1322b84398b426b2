// JWK and JWKS interoperability of the lightjwt command-line tool with node's jose, both ways:
// jose's createLocalJWKSet over a JWK Set that `lightjwt jwk set` exports verifies lightjwt's
// tokens, and a JWK Set of jose's exportJWK output verifies jose's tokens in
// `lightjwt verify --jwks`; RFC 7638 thumbprints agree.
// SPDX-License-Identifier: MIT
//
// Usage: node jose_jwks_interop.mjs PATH/TO/lightjwt
//   Run from a directory holding node_modules/jose, as jose_interop.mjs (tests/cli_tests.cmake
//   copies both into <build>/interop-node; ctest entry interop_node_jose_jwks). Prints one line
//   per check and, last, "N passed, M failed". Exits 1 when a check failed or jose is missing,
//   2 on bad arguments.
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';

const ISSUER = 'https://auth.example.com';
const AUDIENCE = 'orders-api';
const SUBJECT = 'user-42';

let jose;
let joseVersion;
try {
  jose = await import('jose');
  joseVersion = createRequire(import.meta.url)('jose/package.json').version;
} catch (e) {
  console.log(`jose_jwks_interop.mjs: jose is not importable (${e.message}); run \`npm ci\` in `
              + 'the directory of this script (ctest: the interop_node_install fixture)');
  console.log('0 passed, 1 failed');
  process.exit(1);
}

// [JOSE alg, node key type, options]. The asymmetric algorithms a JWK Set is for.
const ALGORITHMS = [
  ['RS256', 'rsa', { modulusLength: 2048 }], ['PS256', 'rsa', { modulusLength: 2048 }],
  ['ES256', 'ec', { namedCurve: 'P-256' }], ['ES384', 'ec', { namedCurve: 'P-384' }],
  ['ES512', 'ec', { namedCurve: 'P-521' }], ['EdDSA', 'ed25519', {}],
];

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

function assertEqual(actual, expected, what) {
  assert(isDeepStrictEqual(actual, expected),
         `${what}:\n  got      ${JSON.stringify(actual)}\n  expected ${JSON.stringify(expected)}`);
}

class Cli {
  constructor(exe, tmp) {
    this.exe = exe;
    this.tmp = tmp;
    this.count = 0;
  }

  run(...args) {
    const r = spawnSync(this.exe, args, { encoding: 'utf8', timeout: 60000 });
    if (r.error) throw r.error;
    return { rc: r.status, out: r.stdout, err: r.stderr };
  }

  ok(...args) {
    const { rc, out, err } = this.run(...args);
    assert(rc === 0, `lightjwt ${args.slice(0, 2).join(' ')}: rc=${rc} ${err}`);
    return out;
  }

  file(data, suffix = '') {
    this.count += 1;
    const path = join(this.tmp, `f${this.count}${suffix}`);
    writeFileSync(path, data, { mode: 0o600 });
    return path;
  }

  verifyJwks(jwksPath, token, ...extra) {
    return this.run('verify', '--jwks', jwksPath, '--iss', ISSUER, '--aud', AUDIENCE, '--sub',
                    SUBJECT, ...extra, token);
  }
}

function claimsNow(extra = {}) {
  const now = Math.floor(Date.now() / 1000);
  return { iss: ISSUER, sub: SUBJECT, aud: AUDIENCE, iat: now, exp: now + 600, ...extra };
}

async function joseSign(alg, key, kid, claims) {
  const { iss, sub, aud, iat, exp, ...custom } = claims;
  return new jose.SignJWT(custom).setProtectedHeader({ alg, kid, typ: 'JWT' })
    .setIssuer(iss).setAudience(aud).setSubject(sub).setIssuedAt(iat).setExpirationTime(exp)
    .sign(key);
}

function expectRefused({ rc, out, err }, name, what) {
  assert(rc === 1 && out === '' && err.startsWith(`${name}: `),
         `${what}: expected exit 1 with ${name}, got rc=${rc} stdout=${JSON.stringify(out)} `
         + `stderr=${JSON.stringify(err)}`);
}

function expectKeyError({ rc, out, err }, name, what) {
  assert(rc === 2 && out === '' && err.startsWith(`${name}: `),
         `${what}: expected exit 2 with ${name}, got rc=${rc} stderr=${JSON.stringify(err)}`);
}

// ------------------------------------------------------------------------------------ setup
// For each algorithm: a node key pair; its PEM files; lightjwt's JWK of it (jwk from-pem with
// kid and alg); jose's JWK of it (exportJWK plus kid and alg).

async function makeKeys(cli) {
  const keys = {};
  for (const [alg, type, options] of ALGORITHMS) {
    const { privateKey, publicKey } = generateKeyPairSync(type, options);
    const pem = cli.file(privateKey.export({ type: 'pkcs8', format: 'pem' }), '.pem');
    const kid = `lightjwt-${alg.toLowerCase()}`;
    const lightjwtJwk = cli.ok('jwk', 'from-pem', pem, '--kid', kid, '--alg', alg);
    const joseJwk = { ...(await jose.exportJWK(publicKey)), kid: `jose-${alg.toLowerCase()}`, alg };
    keys[alg] = {
      privateKey, publicKey, pem, kid, joseJwk, lightjwtJwkFile: cli.file(lightjwtJwk, '.jwk'),
    };
  }
  return keys;
}

// ----------------------------------------------------------------------------------- checks

const CHECKS = [
  ['lightjwt exports a public JWK Set that createLocalJWKSet accepts', async (cli, keys, ctx) => {
    const text = cli.ok('jwk', 'set', ...Object.values(keys).map((k) => k.lightjwtJwkFile));
    const jwks = JSON.parse(text);
    assertEqual(jwks.keys.map((k) => k.kid), Object.values(keys).map((k) => k.kid), 'kids');
    for (const k of jwks.keys) {
      assert(!['d', 'p', 'q', 'dp', 'dq', 'qi'].some((m) => m in k), `private member in ${k.kid}`);
    }
    ctx.lightjwtSet = jose.createLocalJWKSet(jwks);
  }],
  ['lightjwt tokens verify with jose over lightjwt\'s JWK Set', async (cli, keys, ctx) => {
    for (const [alg] of ALGORITHMS) {
      const claims = claimsNow({ alg_under_test: alg });
      const token = cli.ok('sign', '--alg', alg, '--key', keys[alg].pem, '--claims',
                           JSON.stringify(claims), '--kid', keys[alg].kid).trim();
      const { payload, protectedHeader } = await jose.jwtVerify(token, ctx.lightjwtSet,
                                                                { issuer: ISSUER,
                                                                  audience: AUDIENCE });
      assertEqual(protectedHeader, { alg, typ: 'JWT', kid: keys[alg].kid }, `${alg} header`);
      assertEqual(payload, claims, `${alg} payload`);
    }
  }],
  ['jose refuses tampered and unknown-kid lightjwt tokens', async (cli, keys, ctx) => {
    for (const [alg] of ALGORITHMS) {
      const token = cli.ok('sign', '--alg', alg, '--key', keys[alg].pem, '--claims',
                           JSON.stringify(claimsNow()), '--kid', keys[alg].kid).trim();
      const [h, , s] = token.split('.');
      const forged = `${h}.${Buffer.from(JSON.stringify(claimsNow({ sub: 'root' })))
        .toString('base64url')}.${s}`;
      const unknown = cli.ok('sign', '--alg', alg, '--key', keys[alg].pem, '--claims',
                             JSON.stringify(claimsNow()), '--kid', 'nobody').trim();
      for (const [t, code] of [[forged, 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED'],
                               [unknown, 'ERR_JWKS_NO_MATCHING_KEY']]) {
        let error;
        try {
          await jose.jwtVerify(t, ctx.lightjwtSet, { issuer: ISSUER, audience: AUDIENCE });
        } catch (e) {
          error = e;
        }
        assert(error && error.code === code, `${alg}: expected ${code}, got ${error && error.code}`);
      }
    }
  }],
  ['jose tokens verify with lightjwt verify --jwks over jose\'s exportJWK', async (cli, keys) => {
    const jwks = cli.file(JSON.stringify({ keys: Object.values(keys).map((k) => k.joseJwk) }));
    for (const [alg] of ALGORITHMS) {
      const claims = claimsNow({ alg_under_test: alg });
      const token = await joseSign(alg, keys[alg].privateKey, keys[alg].joseJwk.kid, claims);
      const { rc, out, err } = cli.verifyJwks(jwks, token);
      assert(rc === 0 && err === '', `${alg}: lightjwt verify --jwks: rc=${rc} ${err}`);
      assertEqual(JSON.parse(out), claims, `${alg} claims printed by lightjwt`);
      // A kid the set does not hold, and a tampered token.
      expectRefused(cli.verifyJwks(jwks, await joseSign(alg, keys[alg].privateKey, 'nobody',
                                                        claims)),
                    'key_not_found', `${alg} unknown kid`);
      const [h, , s] = token.split('.');
      const forged = `${h}.${Buffer.from(JSON.stringify(claimsNow({ sub: SUBJECT, role: 'x' })))
        .toString('base64url')}.${s}`;
      expectRefused(cli.verifyJwks(jwks, forged), 'invalid_signature', `${alg} tampered`);
    }
  }],
  ['RFC 7638 thumbprints agree between jose and lightjwt', async (cli, keys) => {
    for (const [alg] of ALGORITHMS) {
      const expected = await jose.calculateJwkThumbprint(keys[alg].joseJwk, 'sha256');
      assertEqual(cli.ok('jwk', 'thumbprint', cli.file(JSON.stringify(keys[alg].joseJwk))),
                  `${expected}\n`, `${alg} thumbprint of jose's JWK`);
      assertEqual(cli.ok('jwk', 'thumbprint', keys[alg].lightjwtJwkFile), `${expected}\n`,
                  `${alg} thumbprint of lightjwt's JWK of the same key`);
    }
  }],
  ['a jose JWK Set holding a private key is refused by verify --jwks', async (cli, keys) => {
    const priv = { ...(await jose.exportJWK(keys.ES256.privateKey)), kid: 'p', alg: 'ES256' };
    const jwks = cli.file(JSON.stringify({ keys: [keys.RS256.joseJwk, priv] }));
    const token = await joseSign('RS256', keys.RS256.privateKey, keys.RS256.joseJwk.kid,
                                 claimsNow());
    expectKeyError(cli.verifyJwks(jwks, token), 'invalid_key', 'private JWK in the set');
  }],
  ['an RSA JWK without alg needs --alg to pick among the RSA algorithms', async (cli, keys) => {
    const { alg, ...noAlg } = keys.PS256.joseJwk;
    const jwks = cli.file(JSON.stringify({ keys: [noAlg] }));
    const claims = claimsNow();
    const token = await joseSign(alg, keys.PS256.privateKey, noAlg.kid, claims);
    expectKeyError(cli.verifyJwks(jwks, token), 'insecure_configuration', 'RSA JWK without alg');
    const { rc, out, err } = cli.verifyJwks(jwks, token, '--alg', 'PS256');
    assert(rc === 0, `--alg PS256: rc=${rc} ${err}`);
    assertEqual(JSON.parse(out), claims, 'claims');
    expectRefused(cli.verifyJwks(jwks, token, '--alg', 'RS256'), 'algorithm_not_allowed',
                  'the same key bound to RS256');
  }],
];

// ------------------------------------------------------------------------------------ runner

async function main(argv) {
  if (argv.length !== 1) {
    console.error('usage: node jose_jwks_interop.mjs PATH/TO/lightjwt');
    return 2;
  }
  let passed = 0;
  let failed = 0;
  const indent = (e) => `     ${String(e && e.stack ? e.stack : e).replace(/\n/g, '\n     ')}`;
  console.log(`jose ${joseVersion} (node ${process.version}); algorithms: `
              + `${ALGORITHMS.map(([a]) => a).join(' ')}`);
  const tmp = mkdtempSync(join(tmpdir(), 'lightjwt_jose_jwks_'));
  try {
    const cli = new Cli(resolve(argv[0]), tmp);
    let keys;
    try {
      keys = await makeKeys(cli);
    } catch (e) {
      console.log(`FAIL making keys\n${indent(e)}`);
      console.log(`0 passed, ${CHECKS.length + 1} failed`);
      return 1;
    }
    const ctx = {};
    for (const [title, check] of CHECKS) {
      try {
        await check(cli, keys, ctx);
        passed += 1;
        console.log(`ok   ${title}`);
      } catch (e) {
        failed += 1;
        console.log(`FAIL ${title}\n${indent(e)}`);
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed || passed === 0 ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
