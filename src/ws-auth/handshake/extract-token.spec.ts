import { WsAuthErrorCode } from '../errors/ws-auth-error-code.js';
import {
  checkToken,
  extractHandshakeToken,
  type ExtractedToken,
  type HandshakeTokenSources,
  type TokenExtractionPolicy,
} from './extract-token.js';

const POLICY: TokenExtractionPolicy = { allowQueryToken: false, queryTokenParameter: 'token', maxTokenBytes: 64 };
const WITH_QUERY: TokenExtractionPolicy = { ...POLICY, allowQueryToken: true, queryTokenParameter: 'access_token' };

function handshake(sources: Partial<HandshakeTokenSources> = {}): HandshakeTokenSources {
  return { auth: {}, headers: {}, query: {}, ...sources };
}

function found(token: string, source: 'auth' | 'header' | 'query'): ExtractedToken {
  return { ok: true, token, source };
}

function failed(code: WsAuthErrorCode): ExtractedToken {
  return { ok: false, code };
}

function tooLarge(maxTokenBytes: number): ExtractedToken {
  return {
    ok: false,
    code: WsAuthErrorCode.TOKEN_MALFORMED,
    message: `Authentication token is larger than the limit of ${maxTokenBytes} bytes.`,
  };
}

describe('extractHandshakeToken', () => {
  describe('auth.token', () => {
    it('reads a plain token', () => {
      expect(extractHandshakeToken(handshake({ auth: { token: 'abc' } }), POLICY)).toEqual(found('abc', 'auth'));
    });

    it.each(['Bearer abc', 'bearer abc', 'BEARER abc', 'Bearer    abc'])('strips the prefix of "%s"', (token) => {
      expect(extractHandshakeToken(handshake({ auth: { token } }), POLICY)).toEqual(found('abc', 'auth'));
    });

    it('trims surrounding whitespace', () => {
      expect(extractHandshakeToken(handshake({ auth: { token: '\t abc \n' } }), POLICY)).toEqual(found('abc', 'auth'));
    });

    it.each([
      ['a number', 12345],
      ['a boolean', true],
      ['an object', { jwt: 'abc' }],
      ['an array', ['abc']],
    ])('rejects %s as malformed', (_name, token) => {
      expect(extractHandshakeToken(handshake({ auth: { token } }), POLICY)).toEqual(
        failed(WsAuthErrorCode.TOKEN_MALFORMED),
      );
    });

    it.each([
      ['an empty string', ''],
      ['only spaces', '   '],
      ['a bare Bearer prefix', 'Bearer '],
    ])('reports %s as missing', (_name, token) => {
      expect(extractHandshakeToken(handshake({ auth: { token } }), POLICY)).toEqual(
        failed(WsAuthErrorCode.TOKEN_MISSING),
      );
    });

    it('decides even when empty', () => {
      const sources = handshake({ auth: { token: '' }, headers: { authorization: 'Bearer header-token' } });

      expect(extractHandshakeToken(sources, POLICY)).toEqual(failed(WsAuthErrorCode.TOKEN_MISSING));
    });
  });

  describe('precedence', () => {
    it('prefers auth.token over the header', () => {
      const sources = handshake({ auth: { token: 'auth-token' }, headers: { authorization: 'Bearer header-token' } });

      expect(extractHandshakeToken(sources, POLICY)).toEqual(found('auth-token', 'auth'));
    });

    it('prefers the header over the query', () => {
      const sources = handshake({ headers: { authorization: 'Bearer header-token' }, query: { access_token: 'query-token' } });

      expect(extractHandshakeToken(sources, WITH_QUERY)).toEqual(found('header-token', 'header'));
    });

    it('falls through a null auth.token', () => {
      const sources = handshake({ auth: { token: null }, headers: { authorization: 'Bearer header-token' } });

      expect(extractHandshakeToken(sources, POLICY)).toEqual(found('header-token', 'header'));
    });

    it('falls through an undefined auth.token', () => {
      const sources = handshake({ auth: { token: undefined }, query: { access_token: 'query-token' } });

      expect(extractHandshakeToken(sources, WITH_QUERY)).toEqual(found('query-token', 'query'));
    });
  });

  describe('Authorization header', () => {
    it.each(['Bearer abc', 'bearer abc', 'BeArEr abc', 'Bearer     abc'])('reads "%s"', (authorization) => {
      expect(extractHandshakeToken(handshake({ headers: { authorization } }), POLICY)).toEqual(found('abc', 'header'));
    });

    it.each([
      ['Basic credentials', 'Basic YTpi'],
      ['a bare token', 'abc'],
      ['Bearer without a space', 'Bearerabc'],
      ['a bare Bearer word', 'Bearer'],
    ])('ignores %s', (_name, authorization) => {
      expect(extractHandshakeToken(handshake({ headers: { authorization } }), POLICY)).toEqual(
        failed(WsAuthErrorCode.TOKEN_MISSING),
      );
    });

    it('ignores a non-Bearer header for the query', () => {
      const sources = handshake({ headers: { authorization: 'Basic YTpi' }, query: { access_token: 'query-token' } });

      expect(extractHandshakeToken(sources, WITH_QUERY)).toEqual(found('query-token', 'query'));
    });

    it('reports a Bearer prefix alone as missing', () => {
      const sources = handshake({ headers: { authorization: 'Bearer   ' }, query: { access_token: 'query-token' } });

      expect(extractHandshakeToken(sources, WITH_QUERY)).toEqual(failed(WsAuthErrorCode.TOKEN_MISSING));
    });

    it('ignores a header given as an array', () => {
      expect(extractHandshakeToken(handshake({ headers: { authorization: ['Bearer abc'] } }), POLICY)).toEqual(
        failed(WsAuthErrorCode.TOKEN_MISSING),
      );
    });
  });

  describe('query string', () => {
    it('ignores the query while disabled', () => {
      const sources = handshake({ query: { token: 'query-token' } });

      expect(extractHandshakeToken(sources, POLICY)).toEqual(failed(WsAuthErrorCode.TOKEN_MISSING));
    });

    it('reads the configured parameter', () => {
      const sources = handshake({ query: { access_token: 'query-token' } });

      expect(extractHandshakeToken(sources, WITH_QUERY)).toEqual(found('query-token', 'query'));
    });

    it('ignores other parameters', () => {
      const sources = handshake({ query: { token: 'query-token' } });

      expect(extractHandshakeToken(sources, WITH_QUERY)).toEqual(failed(WsAuthErrorCode.TOKEN_MISSING));
    });

    it('keeps a Bearer prefix in the query', () => {
      const sources = handshake({ query: { access_token: 'Bearer abc' } });

      expect(extractHandshakeToken(sources, WITH_QUERY)).toEqual(found('Bearer abc', 'query'));
    });

    it('rejects a repeated parameter as malformed', () => {
      const sources = handshake({ query: { access_token: ['first', 'second'] } });

      expect(extractHandshakeToken(sources, WITH_QUERY)).toEqual(failed(WsAuthErrorCode.TOKEN_MALFORMED));
    });

    it('reports an empty parameter as missing', () => {
      const sources = handshake({ query: { access_token: '' } });

      expect(extractHandshakeToken(sources, WITH_QUERY)).toEqual(failed(WsAuthErrorCode.TOKEN_MISSING));
    });
  });

  describe('absent source objects', () => {
    const bare = {} as unknown as HandshakeTokenSources;

    it('reports missing without auth, headers or query', () => {
      expect(extractHandshakeToken(bare, WITH_QUERY)).toEqual(failed(WsAuthErrorCode.TOKEN_MISSING));
    });

    it('reads the header without auth', () => {
      const sources = { headers: { authorization: 'Bearer abc' } } as unknown as HandshakeTokenSources;

      expect(extractHandshakeToken(sources, POLICY)).toEqual(found('abc', 'header'));
    });

    it('reads the query without auth or headers', () => {
      const sources = { query: { access_token: 'abc' } } as unknown as HandshakeTokenSources;

      expect(extractHandshakeToken(sources, WITH_QUERY)).toEqual(found('abc', 'query'));
    });
  });

  describe('size limit', () => {
    it.each([
      ['auth.token', handshake({ auth: { token: 'a'.repeat(64) } }), 'auth'],
      ['the header', handshake({ headers: { authorization: `Bearer ${'a'.repeat(64)}` } }), 'header'],
      ['the query', handshake({ query: { access_token: 'a'.repeat(64) } }), 'query'],
    ] as const)('accepts exactly the limit from %s', (_name, sources, source) => {
      expect(extractHandshakeToken(sources, WITH_QUERY)).toEqual(found('a'.repeat(64), source));
    });

    it.each([
      ['auth.token', handshake({ auth: { token: 'a'.repeat(65) } })],
      ['the header', handshake({ headers: { authorization: `Bearer ${'a'.repeat(65)}` } })],
      ['the query', handshake({ query: { access_token: 'a'.repeat(65) } })],
    ])('rejects one above the limit from %s', (_name, sources) => {
      expect(extractHandshakeToken(sources, WITH_QUERY)).toEqual(tooLarge(64));
    });

    it('measures the limit after the prefix', () => {
      const sources = handshake({ auth: { token: `Bearer ${'a'.repeat(64)}` } });

      expect(extractHandshakeToken(sources, POLICY)).toEqual(found('a'.repeat(64), 'auth'));
    });
  });
});

describe('checkToken', () => {
  it('returns the trimmed token and its source', () => {
    expect(checkToken('  abc  ', 'query', { maxTokenBytes: 3 })).toEqual(found('abc', 'query'));
  });

  it('measures the limit after trimming', () => {
    expect(checkToken(`  ${'a'.repeat(3)}  `, 'auth', { maxTokenBytes: 3 })).toEqual(found('aaa', 'auth'));
  });

  it('rejects one above the limit', () => {
    expect(checkToken('abcd', 'auth', { maxTokenBytes: 3 })).toEqual(tooLarge(3));
  });

  it('counts bytes, not characters, of a non-ASCII token', () => {
    expect(checkToken('ééé', 'auth', { maxTokenBytes: 6 })).toEqual(found('ééé', 'auth'));
    expect(checkToken('éééé', 'auth', { maxTokenBytes: 6 })).toEqual(tooLarge(6));
  });

  it('reports whitespace as missing', () => {
    expect(checkToken(' \t\n', 'header', { maxTokenBytes: 3 })).toEqual(failed(WsAuthErrorCode.TOKEN_MISSING));
  });
});
