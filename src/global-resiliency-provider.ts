/** GlobalResiliencyProvider: the public way to set the settings of the one provider of a stack. */
import { IConstruct } from 'constructs';
import { ConnectProvider } from './provider/connect-provider';
import type { GlobalResiliencyProviderSettings } from './provider/settings';

/**
 * The custom-resource provider that every construct of this library in a stack shares.
 *
 * The first construct of the library in a stack creates it; to change its settings, call
 * {@link GlobalResiliencyProvider.configure} before that.
 */
export class GlobalResiliencyProvider {
  /**
   * Sets the provider settings of the stack that contains `scope`.
   *
   * Call it once per stack, before the first construct of this library is added to the stack:
   * the provider is created with the settings in force at that moment, so a later call throws
   * rather than being silently ignored.
   *
   * @param scope any construct in the stack (or the stack itself)
   * @param settings the settings
   */
  public static configure(scope: IConstruct, settings: GlobalResiliencyProviderSettings): void {
    ConnectProvider.configure(scope, settings);
  }

  private constructor() {
  }
}
