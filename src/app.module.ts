import { type DynamicModule, Module } from '@nestjs/common';

import { AdminModule } from './admin/admin.module.js';
import { ChatModule } from './chat/chat.module.js';
import type { DemoConfig } from './config/demo-config.js';
import { OperationsModule } from './operations/operations.module.js';
import { WsAuthModule } from './ws-auth/index.js';

/** Injection token of the demo's {@link DemoConfig}. */
export const DEMO_CONFIG = Symbol('DEMO_CONFIG');

/** Provides the demo configuration to the modules that need it. */
@Module({})
export class DemoConfigModule {
  static register(config: DemoConfig): DynamicModule {
    return {
      module: DemoConfigModule,
      providers: [{ provide: DEMO_CONFIG, useValue: config }],
      exports: [DEMO_CONFIG],
    };
  }
}

/** Root module of the demo chat server and its admin endpoint. */
@Module({})
export class AppModule {
  static forRoot(config: DemoConfig): DynamicModule {
    const configModule = DemoConfigModule.register(config);

    return {
      module: AppModule,
      imports: [
        configModule,
        WsAuthModule.forRootAsync({
          isGlobal: true,
          imports: [configModule],
          inject: [DEMO_CONFIG],
          useFactory: (demoConfig: DemoConfig) => demoConfig.wsAuth,
        }),
        ChatModule,
        OperationsModule,
        AdminModule,
      ],
    };
  }
}
