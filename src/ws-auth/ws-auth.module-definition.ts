import { ConfigurableModuleBuilder } from '@nestjs/common';

import type { WsAuthModuleOptions } from './options/ws-auth-options.interface.js';

/** Extras of `forRoot()` and `forRootAsync()` beyond the module options. */
export interface WsAuthModuleExtras {
  /**
   * Registers the module globally, so that every gateway's module can resolve `WsAuthGuard`
   * without importing `WsAuthModule`.
   * @default false
   */
  isGlobal: boolean;
}

export const {
  ConfigurableModuleClass: WsAuthConfigurableModule,
  MODULE_OPTIONS_TOKEN: WS_AUTH_MODULE_OPTIONS,
  OPTIONS_TYPE: WS_AUTH_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: WS_AUTH_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<WsAuthModuleOptions>({ moduleName: 'WsAuth' })
  .setClassMethodName('forRoot')
  .setExtras<WsAuthModuleExtras>({ isGlobal: false }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
  }))
  .build();
