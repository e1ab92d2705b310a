/**
 * What every route plugin of the API is given: the deployment handle (queue layer), the tokens
 * that guard the routes, and the configuration.
 */
import type { RevokerConfig } from '../config.ts';
import type { Revoker } from '../open-revoker.ts';
import type { TokenBook } from './api-tokens.ts';

export interface RouteDeps {
  revoker: Revoker;
  tokens: TokenBook;
  config: RevokerConfig;
}

/** The bearer scheme, on every documented route that needs a token. */
export const BEARER = [{ bearerAuth: [] }];
