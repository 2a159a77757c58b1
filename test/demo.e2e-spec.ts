import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

describe('npm run demo (e2e)', () => {
  it('prints the transcript and exits 0 with no configuration', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.WS_AUTH_JWT_SECRET;
    delete env.NODE_ENV;

    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/demo.ts'], { env, timeout: 60_000 });

    expect(stdout).toContain('bob   receives chat:message from "alice": "Hi Bob!"');
    expect(stdout).toContain('alice swaps in a fresh token with auth:refresh         -> ack ok: true, still connected: true');
    expect(stdout).toContain('HTTP 200; bob receives auth:revoked TOKEN_REVOKED');
    expect(stdout).toContain('bob reconnects with the revoked token                  -> connect_error TOKEN_REVOKED');
    expect(stdout).toContain('denied FORBIDDEN');
    expect(stdout).toContain('denied BAD_REQUEST');
    expect(stdout).toContain('connect_error TOKEN_EXPIRED');
    expect(stdout).toContain('connect_error TOKEN_INVALID');
    expect(stdout).toContain('Demo finished: every step went as expected.');
  });
});

describe('npm run token (e2e)', () => {
  it('prints a token that the secret verifies', async () => {
    const env = { ...process.env, WS_AUTH_JWT_SECRET: 'a-token-script-secret-of-at-least-32-bytes' };

    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'scripts/token.ts', '--sub', 'alice', '--scopes', 'chat:write,chat:read', '--ttl', '15m'],
      { env, timeout: 60_000 },
    );

    const [, payload] = stdout.trim().split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    expect(claims.sub).toBe('alice');
    expect(claims.scope).toBe('chat:write chat:read');
    expect(Number(claims.exp) - Number(claims.iat)).toBe(900);
  });

  it('fails with a message when the secret is missing', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.WS_AUTH_JWT_SECRET;

    const running = run(process.execPath, ['--import', 'tsx', 'scripts/token.ts', '--sub', 'alice'], { env, timeout: 60_000 });

    await expect(running).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('WS_AUTH_JWT_SECRET must be set') as string });
  });
});
