import { type DynamicModule, Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';

import { type WsAuthModuleOptions, WsAuthModule } from '../../src/ws-auth/index.js';
import { BENCH_AUDIENCE, BENCH_ISSUER, BENCH_SECRET } from '../fixtures.js';
import {
  BareGateway,
  GuardedChatGateway,
  IoUseJwtGateway,
  IoUseKeyObjectGateway,
  IoUsePassThroughGateway,
  UnguardedChatGateway,
  WsAuthGuardedGateway,
} from './bench-gateways.js';

/** Root module of the benchmark server: every gateway variant on one port. */
@Module({})
export class BenchAppModule {
  /** @param introspectionUrl introspection endpoint for opaque tokens, or `null` for JWTs only. */
  static forRoot(introspectionUrl: string | null): DynamicModule {
    const wsAuthOptions: WsAuthModuleOptions = {
      secret: BENCH_SECRET,
      issuer: BENCH_ISSUER,
      audience: BENCH_AUDIENCE,
      ...(introspectionUrl === null
        ? {}
        : { introspection: { url: introspectionUrl, clientId: 'bench', clientSecret: 'bench-client-secret' } }),
    };

    return {
      module: BenchAppModule,
      imports: [
        WsAuthModule.forRoot(wsAuthOptions),
        JwtModule.register({
          secret: BENCH_SECRET,
          verifyOptions: { algorithms: ['HS256'], issuer: BENCH_ISSUER, audience: BENCH_AUDIENCE },
        }),
      ],
      providers: [
        BareGateway,
        WsAuthGuardedGateway,
        IoUseJwtGateway,
        IoUsePassThroughGateway,
        IoUseKeyObjectGateway,
        GuardedChatGateway,
        UnguardedChatGateway,
      ],
    };
  }
}
