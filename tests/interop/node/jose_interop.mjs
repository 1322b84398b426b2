// Interoperability of the lightjwt command-line tool with node's jose (panva/jose), both ways.
// SPDX-License-Identifier: MIT
//
// Usage: node jose_interop.mjs PATH/TO/lightjwt
//   Run from a directory holding node_modules/jose (`npm ci` with package.json and
//   package-lock.json of this directory; tests/cli_tests.cmake copies all three into
//   <build>/interop-node and runs it as the ctest entry interop_node_jose). ESM ignores NODE_PATH,
//   so the script must sit next to node_modules.
//   For each of the 13 algorithms: jose signs -> lightjwt verifies; lightjwt signs -> jose
//   verifies; a tampered token is refused by both. Prints one line per check and, last,
//   "N passed, M failed". Exits 1 when a check failed, when one of the 13 algorithms is not
//   offered by `lightjwt --help` (a failure, not a skip), or when jose is missing; 2 on bad
//   arguments.
import { spawnSync } from 'node:child_process';
import {
  createSecretKey, generateKeyPairSync, randomBytes,
} from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';

const ISSUER = 'https://auth.example.com';
const AUDIENCE = 'orders-api';
const SUBJECT = 'user-42';
const KID = 'key-2026';

let jose;
let joseVersion;
try {
  jose = await import('jose');
  joseVersion = createRequire(import.meta.url)('jose/package.json').version;
} catch (e) {
  console.log(`jose_interop.mjs: jose is not importable (${e.message}); run \`npm ci\` in the `
              + 'directory of this script (ctest: the interop_node_install fixture)');
  console.log('0 passed, 1 failed');
  process.exit(1);
}

// ------------------------------------------------------------------------------------ keys
// Each maker returns the CLI's sign and verify key files and jose's sign and verify keys
// (node KeyObjects, which jose 5 takes directly).

function write(tmp, name, data) {
  const path = join(tmp, name);
  writeFileSync(path, data, { mode: 0o600 });
  return path;
}

function hmacKeys(tmp, alg) {
  let secret;
  do {
    // lightjwt refuses secrets that look like PEM, a JWK or an OpenSSH key.
    secret = randomBytes(64);
  } while (' \t\r\n{-se'.includes(String.fromCharCode(secret[0])));
  const path = write(tmp, `${alg}.key`, secret);
  const key = createSecretKey(secret);
  return { cliSign: path, cliVerify: path, joseSign: key, joseVerify: key };
}

function asymmetricKeys(type, options) {
  return (tmp, alg) => {
    const { privateKey, publicKey } = generateKeyPairSync(type, options);
    return {
      cliSign: write(tmp, `${alg}.private.pem`,
                     privateKey.export({ type: 'pkcs8', format: 'pem' })),
      cliVerify: write(tmp, `${alg}.public.pem`,
                       publicKey.export({ type: 'spki', format: 'pem' })),
      joseSign: privateKey,
      joseVerify: publicKey,
    };
  };
}

const rsa = asymmetricKeys('rsa', { modulusLength: 2048, publicExponent: 0x10001 });
const ec = (namedCurve) => asymmetricKeys('ec', { namedCurve });

// [JOSE alg, key maker]. Order is the order of the report. All 13 are required.
const ALGORITHMS = [
  ['HS256', hmacKeys], ['HS384', hmacKeys], ['HS512', hmacKeys],
  ['RS256', rsa], ['RS384', rsa], ['RS512', rsa],
  ['PS256', rsa], ['PS384', rsa], ['PS512', rsa],
  ['ES256', ec('P-256')], ['ES384', ec('P-384')], ['ES512', ec('P-521')],
  ['EdDSA', asymmetricKeys('ed25519')],
];

// ------------------------------------------------------------------------------------- CLI

class Cli {
  constructor(exe) { this.exe = exe; }

  run(...args) {
    const r = spawnSync(this.exe, args, { encoding: 'utf8', timeout: 60000 });
    if (r.error) throw r.error;
    return { rc: r.status, out: r.stdout, err: r.stderr };
  }

  offeredAlgorithms() {
    const { rc, out, err } = this.run('--help');
    assert(rc === 0, `lightjwt --help: rc=${rc} ${err}`);
    const line = out.split('\n').find((l) => l.startsWith('algorithms:'));
    assert(line, `\`lightjwt --help\` lists no algorithms:\n${out}`);
    return line.slice('algorithms:'.length).trim().split(/\s+/);
  }

  sign(alg, key, claims, ...extra) {
    const { rc, out, err } = this.run('sign', '--alg', alg, '--key', key, '--claims', claims,
                                      ...extra);
    assert(rc === 0, `lightjwt sign: rc=${rc} ${err}`);
    return out.replace(/\n$/, '');
  }

  verify(alg, key, token) {
    return this.run('verify', '--alg', alg, '--key', key, '--iss', ISSUER, '--aud', AUDIENCE,
                    '--sub', SUBJECT, token);
  }
}

// ---------------------------------------------------------------------------------- helpers

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

function assertEqual(actual, expected, what) {
  assert(isDeepStrictEqual(actual, expected),
         `${what}:\n  got      ${JSON.stringify(actual)}\n  expected ${JSON.stringify(expected)}`);
}

const b64urlJson = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
const decodePart = (part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));

function claimsNow(extra = {}) {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: ISSUER, sub: SUBJECT, aud: AUDIENCE, iat: now, exp: now + 600,
    jti: randomBytes(16).toString('hex'), role: 'admin',
    profile: { name: 'Zo\u00eb', langs: ['en', 'fr'], score: 4.5, ok: true },
    ...extra,
  };
}

// Signs `claims` with jose, through SignJWT's registered-claim setters.
async function joseSign(alg, key, claims) {
  const { iss, sub, aud, iat, exp, jti, ...custom } = claims;
  return new jose.SignJWT(custom)
    .setProtectedHeader({ alg, kid: KID, typ: 'JWT' })
    .setIssuer(iss).setAudience(aud).setSubject(sub)
    .setIssuedAt(iat).setExpirationTime(exp).setJti(jti)
    .sign(key);
}

function joseVerify(token, alg, key) {
  return jose.jwtVerify(token, key, { algorithms: [alg], issuer: ISSUER, audience: AUDIENCE });
}

function replacePayload(token, payload) {
  const [h, , s] = token.split('.');
  return `${h}.${b64urlJson(payload)}.${s}`;
}

// ----------------------------------------------------------------------------------- checks
// Each check is (cli, alg, keys) => Promise; it throws on failure.

const CHECKS = [
  ['jose token verifies with lightjwt', async (cli, alg, keys) => {
    const claims = claimsNow();
    const token = await joseSign(alg, keys.joseSign, claims);
    assertEqual(decodePart(token.split('.')[0]), { alg, kid: KID, typ: 'JWT' }, 'jose header');
    const { rc, out, err } = cli.verify(alg, keys.cliVerify, token);
    assert(rc === 0 && err === '', `lightjwt verify: rc=${rc} ${err}`);
    assertEqual(JSON.parse(out), claims, 'claims printed by lightjwt verify');
  }],
  ['lightjwt token verifies with jose', async (cli, alg, keys) => {
    const claims = claimsNow();
    const token = cli.sign(alg, keys.cliSign, JSON.stringify(claims), '--kid', KID);
    const { payload, protectedHeader } = await joseVerify(token, alg, keys.joseVerify);
    assertEqual(protectedHeader, { alg, kid: KID, typ: 'JWT' }, 'lightjwt header');
    assertEqual(payload, claims, 'payload verified by jose');
  }],
  ['tampered jose token is refused by lightjwt', async (cli, alg, keys) => {
    const token = await joseSign(alg, keys.joseSign, claimsNow());
    const forged = replacePayload(token, claimsNow({ role: 'root' }));
    const { rc, out, err } = cli.verify(alg, keys.cliVerify, forged);
    assert(rc === 1 && out === '' && err.startsWith('invalid_signature: '),
           `lightjwt verify of a tampered token: rc=${rc} stdout=${JSON.stringify(out)} `
           + `stderr=${JSON.stringify(err)}`);
  }],
  ['tampered lightjwt token is refused by jose', async (cli, alg, keys) => {
    const token = cli.sign(alg, keys.cliSign, JSON.stringify(claimsNow()), '--kid', KID);
    const forged = replacePayload(token, claimsNow({ role: 'root' }));
    let error;
    try {
      await joseVerify(forged, alg, keys.joseVerify);
    } catch (e) {
      error = e;
    }
    assert(error, 'jose accepted a tampered lightjwt token');
    assert(error.code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
           `jose refused the tampered token with ${error.code}: ${error.message}`);
  }],
];

// ------------------------------------------------------------------------------------ runner

function indent(error) {
  return `     ${String(error && error.stack ? error.stack : error).replace(/\n/g, '\n     ')}`;
}

async function main(argv) {
  if (argv.length !== 1) {
    console.error('usage: node jose_interop.mjs PATH/TO/lightjwt');
    return 2;
  }
  const cli = new Cli(resolve(argv[0]));
  let passed = 0;
  let failed = 0;
  const fail = (title, error) => {
    failed += 1;
    console.log(`FAIL ${title}`);
    if (error !== undefined) console.log(indent(error));
  };

  let offered;
  try {
    offered = cli.offeredAlgorithms();
  } catch (e) {
    fail('lightjwt --help', e);
    console.log(`${passed} passed, ${failed} failed`);
    return 1;
  }
  const names = ALGORITHMS.map(([name]) => name);
  const tested = ALGORITHMS.filter(([name]) => offered.includes(name));
  console.log(`jose ${joseVersion} (node ${process.version}); algorithms tested: `
              + `${tested.map(([name]) => name).join(' ')}`);
  for (const name of names.filter((n) => !offered.includes(n))) {
    fail(`${name}: not offered by this lightjwt (all ${names.length} algorithms are required)`);
  }
  const unknown = offered.filter((n) => !names.includes(n));
  if (unknown.length) {
    console.log(`offered by lightjwt but not in this test's table: ${unknown.join(' ')}`);
  }

  const tmp = mkdtempSync(join(tmpdir(), 'lightjwt_jose_'));
  try {
    for (const [alg, make] of tested) {
      let keys;
      try {
        keys = make(tmp, alg);
      } catch (e) {
        fail(`${alg}: making keys`, e);
        continue;
      }
      for (const [name, check] of CHECKS) {
        const title = `${alg}: ${name}`;
        try {
          await check(cli, alg, keys);
          passed += 1;
          console.log(`ok   ${title}`);
        } catch (e) {
          fail(title, e);
        }
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed || passed === 0 ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
