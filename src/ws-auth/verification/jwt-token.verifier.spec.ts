import { createHmac, generateKeyPairSync, type KeyObject } from 'node:crypto';

import { jest } from '@jest/globals';
import { JwtService, type JwtSignOptions } from '@nestjs/jwt';

import type { Clock } from '../clock/clock.js';
import { AuthUnavailableError } from '../errors/auth-unavailable.error.js';
import { WsAuthErrorCode } from '../errors/ws-auth-error-code.js';
import { resolveWsAuthOptions, type ResolvedWsAuthOptions } from '../options/resolve-options.js';
import type { WsAuthModuleOptions } from '../options/ws-auth-options.interface.js';
import type { JwksKeyProvider } from '../remote/jwks-key.provider.js';
import { JwtTokenVerifier, readVerificationKey } from './jwt-token.verifier.js';
import type { JwtHeader } from './token-shape.js';
import { rejected, type AcceptedVerdict, type TokenVerdict } from './token-verdict.js';
import { noopRecorder } from '../../../test/support/noop-recorder.js';

const SECRET = 'unit-test-secret-0123456789-abcdefghij';
const OTHER_SECRET = 'another-unit-test-secret-0123456789-xyz';

/** 2030-01-01T00:00:00.750Z: the fraction checks that the verifier floors to whole seconds. */
const NOW_MS = Date.UTC(2030, 0, 1) + 750;
const NOW_SEC = Math.floor(NOW_MS / 1000);

/** JWKS endpoint of the tests. The fake key provider never fetches it. */
const JWKS_URI = 'http://127.0.0.1:9/jwks';

const jwt = new JwtService();

type AsymmetricAlgorithm = 'RS256' | 'PS256' | 'ES256';

function claims(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { sub: 'alice', exp: NOW_SEC + 600, ...extra };
}

function signHs(payload: Record<string, unknown>, secret = SECRET, algorithm: 'HS256' | 'HS512' = 'HS256'): string {
  return jwt.sign(payload, { secret, algorithm, noTimestamp: true });
}

function signAsymmetric(payload: Record<string, unknown>, privateKey: KeyObject, algorithm: AsymmetricAlgorithm): string {
  const options: JwtSignOptions = { privateKey, algorithm, noTimestamp: true };
  return jwt.sign(payload, options);
}

/** Signs raw payload text with HS256, so that the payload can be any JSON value or no JSON at all. */
function signRawPayload(payloadText: string, header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' }): string {
  const unsigned = `${encode(JSON.stringify(header))}.${encode(payloadText)}`;
  const signature = createHmac('sha256', SECRET).update(unsigned).digest('base64url');
  return `${unsigned}.${signature}`;
}

function encode(text: string): string {
  return Buffer.from(text).toString('base64url');
}

/** Key provider standing in for the JWKS: disabled, or returning keys from `getKey`. */
function fakeJwks(getKey?: (header: JwtHeader) => Promise<KeyObject | null>) {
  const getKeyMock = jest.fn<(header: JwtHeader) => Promise<KeyObject | null>>(
    getKey ?? (() => Promise.reject(new Error('The JWKS is disabled.'))),
  );
  const provider = { enabled: getKey !== undefined, getKey: getKeyMock } as unknown as JwksKeyProvider;
  return { provider, getKey: getKeyMock };
}

function setup(moduleOptions: WsAuthModuleOptions = { secret: SECRET }, jwks = fakeJwks()) {
  const options = resolveWsAuthOptions(moduleOptions);
  return setupWithResolved(options, jwks);
}

function setupWithResolved(options: ResolvedWsAuthOptions, jwks = fakeJwks()) {
  const jwtService = new JwtService({ secretOrKeyProvider: readVerificationKey });
  const clock: Clock = { now: () => NOW_MS };
  const verifier = new JwtTokenVerifier(jwtService, options, clock, jwks.provider, noopRecorder());
  return { verifier, jwtService, options, getKey: jwks.getKey };
}

function expectAccepted(verdict: TokenVerdict): AcceptedVerdict {
  if (!verdict.accepted) {
    throw new Error(`Expected an accepted verdict, but the token was rejected with ${verdict.code}.`);
  }
  return verdict;
}

const invalid = rejected(WsAuthErrorCode.TOKEN_INVALID);
const malformed = rejected(WsAuthErrorCode.TOKEN_MALFORMED);

describe('JwtTokenVerifier', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const otherRsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const rsaPss = generateKeyPairSync('rsa-pss', {
    modulusLength: 2048,
    hashAlgorithm: 'sha256',
    mgf1HashAlgorithm: 'sha256',
  });
  const ecP256 = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const rsaPublicPem = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();

  describe('HS256', () => {
    it('accepts a valid token', () => {
      const { verifier } = setup();

      const verdict = expectAccepted(verifier.verifyNow(signHs(claims({ scope: 'chat:write' }))));

      expect(verdict.principal.sub).toBe('alice');
      expect(verdict.principal.scopes).toEqual(['chat:write']);
      expect(verdict.expiresAt).toBe((NOW_SEC + 600) * 1000);
      expect(verdict.notBefore).toBeNull();
    });

    it('resolves verify with the same verdict', async () => {
      const { verifier } = setup();
      const token = signHs(claims());

      await expect(verifier.verify(token)).resolves.toEqual(verifier.verifyNow(token));
    });

    it('rejects another secret', () => {
      const { verifier } = setup();

      expect(verifier.verifyNow(signHs(claims(), OTHER_SECRET))).toEqual(invalid);
    });

    it('rejects an edited payload', () => {
      const { verifier } = setup();
      const [header, , signature] = signHs(claims()).split('.');
      const edited = `${header}.${encode(JSON.stringify(claims({ sub: 'mallory' })))}.${signature}`;

      expect(verifier.verifyNow(edited)).toEqual(invalid);
    });

    it('rejects a stripped signature', () => {
      const { verifier } = setup();
      const [header, payload] = signHs(claims()).split('.');

      expect(verifier.verifyNow(`${header}.${payload}.`)).toEqual(invalid);
    });
  });

  describe('public keys', () => {
    it('accepts RS256 with a PEM key', () => {
      const { verifier } = setup({ publicKey: rsaPublicPem });

      const verdict = expectAccepted(verifier.verifyNow(signAsymmetric(claims(), rsa.privateKey, 'RS256')));

      expect(verdict.principal.sub).toBe('alice');
    });

    it('accepts PS256 with an RSA-PSS key', () => {
      const { verifier, options } = setup({ publicKey: rsaPss.publicKey });

      const verdict = expectAccepted(verifier.verifyNow(signAsymmetric(claims(), rsaPss.privateKey, 'PS256')));

      expect(options.algorithms).toEqual(['PS256']);
      expect(verdict.principal.sub).toBe('alice');
    });

    it('accepts PS256 with an RSA key', () => {
      const { verifier } = setup({ publicKey: rsaPublicPem, algorithms: ['PS256'] });

      const verdict = expectAccepted(verifier.verifyNow(signAsymmetric(claims(), rsa.privateKey, 'PS256')));

      expect(verdict.principal.sub).toBe('alice');
    });

    it('accepts ES256 with a P-256 key', () => {
      const { verifier } = setup({ publicKey: ecP256.publicKey });

      const verdict = expectAccepted(verifier.verifyNow(signAsymmetric(claims(), ecP256.privateKey, 'ES256')));

      expect(verdict.principal.sub).toBe('alice');
    });

    it('rejects RS256 signed by another key', () => {
      const { verifier } = setup({ publicKey: rsaPublicPem });

      expect(verifier.verifyNow(signAsymmetric(claims(), otherRsa.privateKey, 'RS256'))).toEqual(invalid);
    });

    it('rejects HS256 when only a public key is set', () => {
      const { verifier } = setup({ publicKey: rsaPublicPem });

      expect(verifier.verifyNow(signHs(claims()))).toEqual(invalid);
    });

    it('rejects HS256 signed with the public PEM', () => {
      const { verifier } = setup({ publicKey: rsaPublicPem });

      expect(verifier.verifyNow(signHs(claims(), rsaPublicPem))).toEqual(invalid);
    });

    it('accepts each family with both keys set', () => {
      const { verifier } = setup({ secret: SECRET, publicKey: rsaPublicPem });

      expect(verifier.verifyNow(signHs(claims())).accepted).toBe(true);
      expect(verifier.verifyNow(signAsymmetric(claims(), rsa.privateKey, 'RS256')).accepted).toBe(true);
    });
  });

  describe('missing key for an allowed algorithm', () => {
    it('rejects HS256 without a secret', () => {
      const resolved = resolveWsAuthOptions({ secret: SECRET, publicKey: rsaPublicPem });
      const { verifier, jwtService } = setupWithResolved({ ...resolved, secretKey: null });
      const verify = jest.spyOn(jwtService, 'verify');

      expect(verifier.verifyNow(signHs(claims()))).toEqual(invalid);
      expect(verify).not.toHaveBeenCalled();
    });

    it('rejects RS256 without a public key', () => {
      const resolved = resolveWsAuthOptions({ secret: SECRET, publicKey: rsaPublicPem });
      const { verifier, jwtService } = setupWithResolved({ ...resolved, publicKey: null });
      const verify = jest.spyOn(jwtService, 'verify');

      expect(verifier.verifyNow(signAsymmetric(claims(), rsa.privateKey, 'RS256'))).toEqual(invalid);
      expect(verify).not.toHaveBeenCalled();
    });
  });

  describe('algorithm allow-list', () => {
    it('rejects HS512 when only HS256 is allowed', () => {
      const { verifier, jwtService } = setup();
      const verify = jest.spyOn(jwtService, 'verify');

      expect(verifier.verifyNow(signHs(claims(), SECRET, 'HS512'))).toEqual(invalid);
      expect(verify).not.toHaveBeenCalled();
    });

    it('accepts HS512 when allowed', () => {
      const { verifier } = setup({ secret: SECRET, algorithms: ['HS256', 'HS512'] });

      expect(verifier.verifyNow(signHs(claims(), SECRET, 'HS512')).accepted).toBe(true);
    });

    it('rejects alg none', () => {
      const { verifier } = setup();
      const token = `${encode('{"alg":"none"}')}.${encode(JSON.stringify(claims()))}.`;

      expect(verifier.verifyNow(token)).toEqual(invalid);
    });

    it('passes only the header algorithm', () => {
      const { verifier, jwtService } = setup({ secret: SECRET, algorithms: ['HS256', 'HS512'] });
      const verify = jest.spyOn(jwtService, 'verify');

      verifier.verifyNow(signHs(claims(), SECRET, 'HS512'));

      expect(verify).toHaveBeenCalledWith(expect.any(String), expect.objectContaining({ algorithms: ['HS512'] }));
    });
  });

  describe('issuer and audience', () => {
    const withIssuerAndAudience: WsAuthModuleOptions = {
      secret: SECRET,
      issuer: ['https://issuer.test', 'https://backup.test'],
      audience: 'chat-api',
    };

    it('accepts a listed issuer', () => {
      const { verifier } = setup(withIssuerAndAudience);
      const token = signHs(claims({ iss: 'https://backup.test', aud: 'chat-api' }));

      expect(verifier.verifyNow(token).accepted).toBe(true);
    });

    it('rejects another issuer', () => {
      const { verifier } = setup(withIssuerAndAudience);
      const token = signHs(claims({ iss: 'https://other.test', aud: 'chat-api' }));

      expect(verifier.verifyNow(token)).toEqual(invalid);
    });

    it('rejects another audience', () => {
      const { verifier } = setup(withIssuerAndAudience);
      const token = signHs(claims({ iss: 'https://issuer.test', aud: 'other-api' }));

      expect(verifier.verifyNow(token)).toEqual(invalid);
    });

    it('rejects a missing audience', () => {
      const { verifier } = setup(withIssuerAndAudience);
      const token = signHs(claims({ iss: 'https://issuer.test' }));

      expect(verifier.verifyNow(token)).toEqual(invalid);
    });
  });

  describe('malformed tokens', () => {
    it.each([
      ['random text', 'not a token'],
      ['two segments', 'aaa.bbb'],
      ['a header that is not JSON', `${encode('not json')}.${encode('{}')}.sig`],
      ['a header without alg', `${encode('{"typ":"JWT"}')}.${encode('{}')}.sig`],
    ])('rejects %s before verifying', (_name, token) => {
      const { verifier, jwtService } = setup();
      const verify = jest.spyOn(jwtService, 'verify');

      expect(verifier.verifyNow(token)).toEqual(malformed);
      expect(verify).not.toHaveBeenCalled();
    });

    it.each([
      ['a JSON string', '"alice"'],
      ['a JSON array', '["alice"]'],
      ['a JSON number', '42'],
      ['JSON null', 'null'],
    ])('rejects a signed payload of %s', (_name, payloadText) => {
      const { verifier } = setup();

      expect(verifier.verifyNow(signRawPayload(payloadText))).toEqual(malformed);
    });

    it('rejects a signed array without typ', () => {
      const { verifier } = setup();

      expect(verifier.verifyNow(signRawPayload('["alice"]', { alg: 'HS256' }))).toEqual(malformed);
    });

    it('rejects signed text that is not JSON', () => {
      const { verifier } = setup();

      expect(verifier.verifyNow(signRawPayload('not json'))).toEqual(malformed);
    });

    it('rejects a non-object payload under an issuer check', () => {
      const { verifier } = setup({ secret: SECRET, issuer: 'https://issuer.test' });

      expect(verifier.verifyNow(signRawPayload('"alice"'))).toEqual(malformed);
    });

    it('rejects an array payload with a bad signature', () => {
      const { verifier } = setup();
      const [header, payload] = signRawPayload('["alice"]').split('.');

      expect(verifier.verifyNow(`${header}.${payload}.${encode('forged')}`)).toEqual(malformed);
    });
  });

  describe('errors thrown by JwtService', () => {
    it.each(['jwt malformed', 'invalid token', 'jwt must be a string'])(
      'maps "%s" to malformed',
      (message) => {
        const { verifier, jwtService } = setup();
        jest.spyOn(jwtService, 'verify').mockImplementation(() => {
          throw new Error(message);
        });

        expect(verifier.verifyNow(signHs(claims()))).toEqual(malformed);
      },
    );

    it('maps other errors to invalid', () => {
      const { verifier, jwtService } = setup();
      jest.spyOn(jwtService, 'verify').mockImplementation(() => {
        throw new Error('invalid signature');
      });

      expect(verifier.verifyNow(signHs(claims()))).toEqual(invalid);
    });

    it('maps a non-Error throw to invalid', () => {
      const { verifier, jwtService } = setup();
      const thrown: unknown = 'jwt malformed';
      jest.spyOn(jwtService, 'verify').mockImplementation(() => {
        throw thrown;
      });

      expect(verifier.verifyNow(signHs(claims()))).toEqual(invalid);
    });
  });

  describe('time claims', () => {
    it('accepts an expired token', () => {
      const { verifier } = setup();

      const verdict = expectAccepted(verifier.verifyNow(signHs(claims({ exp: NOW_SEC - 3600 }))));

      expect(verdict.expiresAt).toBe((NOW_SEC - 3600) * 1000);
      expect(verdict.expiresAt).toBeLessThan(NOW_MS);
    });

    it('accepts a token not yet valid', () => {
      const { verifier } = setup();

      const verdict = expectAccepted(verifier.verifyNow(signHs(claims({ nbf: NOW_SEC + 3600 }))));

      expect(verdict.notBefore).toBe((NOW_SEC + 3600) * 1000);
    });

    it('leaves time claims to the verdict evaluation', () => {
      const { verifier, jwtService } = setup();
      const verify = jest.spyOn(jwtService, 'verify');

      verifier.verifyNow(signHs(claims()));

      expect(verify).toHaveBeenCalledTimes(1);
      expect(verify).toHaveBeenCalledWith(
        expect.any(String),
        expect.objectContaining({ ignoreExpiration: true, ignoreNotBefore: true }),
      );
      expect(verify.mock.calls[0]?.[1]).not.toHaveProperty('clockTimestamp');
    });

    it('reuses the verify options of one algorithm and key', () => {
      const { verifier, jwtService } = setup();
      const verify = jest.spyOn(jwtService, 'verify');

      verifier.verifyNow(signHs(claims()));
      verifier.verifyNow(signHs(claims({ sub: 'bob' })));

      expect(verify.mock.calls[1]?.[1]).toBe(verify.mock.calls[0]?.[1]);
    });

    it('passes the key to the module JwtService only', () => {
      expect(() => readVerificationKey('verify', 'token', {})).toThrow(/verifies only with the keys JwtTokenVerifier passes/);
      expect(() => readVerificationKey('verify', 'token')).toThrow(TypeError);
    });

    it('rejects a missing exp by default', () => {
      const { verifier } = setup();

      expect(verifier.verifyNow(signHs({ sub: 'alice' }))).toEqual(invalid);
    });

    it('accepts a missing exp when allowed', () => {
      const { verifier } = setup({ secret: SECRET, requireExpiration: false });

      const verdict = expectAccepted(verifier.verifyNow(signHs({ sub: 'alice' })));

      expect(verdict.expiresAt).toBeNull();
    });
  });

  describe('JWKS', () => {
    const rsToken = (): string =>
      jwt.sign(claims(), {
        privateKey: rsa.privateKey,
        algorithm: 'RS256',
        keyid: 'key-1',
        noTimestamp: true,
      });

    it('verifies with the key it returns', async () => {
      const jwks = fakeJwks(() => Promise.resolve(rsa.publicKey));
      const { verifier, getKey } = setup({ jwksUri: JWKS_URI }, jwks);

      const verdict = expectAccepted(await verifier.verify(rsToken()));

      expect(verdict.principal.sub).toBe('alice');
      expect(getKey).toHaveBeenCalledWith({ alg: 'RS256', kid: 'key-1' });
    });

    it('rejects a token without a matching key', async () => {
      const { verifier } = setup({ jwksUri: JWKS_URI }, fakeJwks(() => Promise.resolve(null)));

      await expect(verifier.verify(rsToken())).resolves.toEqual(invalid);
    });

    it('rejects a signature by another key', async () => {
      const { verifier } = setup({ jwksUri: JWKS_URI }, fakeJwks(() => Promise.resolve(otherRsa.publicKey)));

      await expect(verifier.verify(rsToken())).resolves.toEqual(invalid);
    });

    it('passes a failed fetch through', async () => {
      const failure = new AuthUnavailableError('timeout', 'The JWKS endpoint timed out.');
      const { verifier } = setup({ jwksUri: JWKS_URI }, fakeJwks(() => Promise.reject(failure)));

      await expect(verifier.verify(rsToken())).rejects.toBe(failure);
    });

    it('checks the allow-list before fetching', async () => {
      const jwks = fakeJwks(() => Promise.resolve(rsa.publicKey));
      const { verifier, getKey } = setup({ jwksUri: JWKS_URI, algorithms: ['ES256'] }, jwks);

      await expect(verifier.verify(rsToken())).resolves.toEqual(invalid);
      expect(getKey).not.toHaveBeenCalled();
    });

    it('verifies HS tokens with the secret', async () => {
      const jwks = fakeJwks(() => Promise.resolve(rsa.publicKey));
      const { verifier, getKey } = setup({ secret: SECRET, jwksUri: JWKS_URI }, jwks);

      expect((await verifier.verify(signHs(claims()))).accepted).toBe(true);
      expect(getKey).not.toHaveBeenCalled();
    });

    it('prefers a configured public key', async () => {
      const jwks = fakeJwks(() => Promise.resolve(otherRsa.publicKey));
      const { verifier, getKey } = setup({ publicKey: rsa.publicKey }, jwks);

      expect((await verifier.verify(rsToken())).accepted).toBe(true);
      expect(getKey).not.toHaveBeenCalled();
    });

    it('leaves JWKS tokens to verify', () => {
      const jwks = fakeJwks(() => Promise.resolve(rsa.publicKey));
      const { verifier, getKey } = setup({ jwksUri: JWKS_URI }, jwks);

      expect(verifier.verifyNow(rsToken())).toEqual(invalid);
      expect(getKey).not.toHaveBeenCalled();
    });

    it('rejects a malformed token before fetching', async () => {
      const jwks = fakeJwks(() => Promise.resolve(rsa.publicKey));
      const { verifier, getKey } = setup({ jwksUri: JWKS_URI }, jwks);

      await expect(verifier.verify('not a token')).resolves.toEqual(malformed);
      expect(getKey).not.toHaveBeenCalled();
    });
  });

  describe('usesJwks', () => {
    const jwksEnabled = (): ReturnType<typeof fakeJwks> => fakeJwks(() => Promise.resolve(rsa.publicKey));
    const rsToken = (): string => signAsymmetric(claims(), rsa.privateKey, 'RS256');

    it('is true for an RS token', () => {
      const { verifier } = setup({ jwksUri: JWKS_URI }, jwksEnabled());

      expect(verifier.usesJwks(rsToken())).toBe(true);
    });

    it('is false for an HS token', () => {
      const { verifier } = setup({ secret: SECRET, jwksUri: JWKS_URI }, jwksEnabled());

      expect(verifier.usesJwks(signHs(claims()))).toBe(false);
    });

    it('is false without a JWKS', () => {
      const { verifier } = setup({ publicKey: rsaPublicPem });

      expect(verifier.usesJwks(rsToken())).toBe(false);
    });

    it('is false with a public key', () => {
      const { verifier } = setup({ publicKey: rsaPublicPem }, jwksEnabled());

      expect(verifier.usesJwks(rsToken())).toBe(false);
    });

    it('is false for an algorithm outside the allow-list', () => {
      const { verifier } = setup({ jwksUri: JWKS_URI, algorithms: ['RS256'] }, jwksEnabled());

      expect(verifier.usesJwks(signAsymmetric(claims(), ecP256.privateKey, 'ES256'))).toBe(false);
    });

    it('is false for a non-JWT', () => {
      const { verifier } = setup({ jwksUri: JWKS_URI }, jwksEnabled());

      expect(verifier.usesJwks('opaque-token')).toBe(false);
    });

    it('is false for an unreadable header', () => {
      const { verifier } = setup({ jwksUri: JWKS_URI }, jwksEnabled());

      expect(verifier.usesJwks(`${encode('not json')}.${encode('{}')}.sig`)).toBe(false);
    });
  });
});
