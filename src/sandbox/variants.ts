/**
 * Vendor behaviours the documents leave open, each one an answer the real vendor might give.
 * The sandbox plays the default (the first guess) unless a variant is switched on; variants of
 * one group are alternatives, so at most one of a group is on at a time. Contract tests run
 * the client against every variant: it must be right whichever the vendor turns out to be.
 */

export interface VariantSpec {
  /** Alternatives to one another (at most one per group). */
  readonly group: string;
  /** What the variant models, for `revoker sandbox --help`, the control route and README. */
  readonly models: string;
}

export const VARIANT_SPECS = {
  'digicert-201-empty': {
    group: 'digicert-revoke-answer',
    models:
      'DigiCert files a revoke request but answers 201 with an empty body (the docs allow an empty 201 only for skip_approval)',
  },
  'digicert-repeat-new-request': {
    group: 'digicert-repeat-revoke',
    models:
      'a revoke of an order that already has a pending revoke request files a second request (default: answers the pending one again)',
  },
  'digicert-repeat-refused': {
    group: 'digicert-repeat-revoke',
    models:
      'a revoke of an order that already has a pending revoke request is refused: 400 duplicate_request "A revoke request is already pending for this order."',
  },
  'digicert-already-revoked-status': {
    group: 'digicert-already-revoked',
    models:
      'a revoke of a revoked order answers 400 invalid_order_status|revoked (default: 400 already_revoked)',
  },
  'digicert-already-revoked-conflict': {
    group: 'digicert-already-revoked',
    models: 'a revoke of a revoked order answers 409 conflict "This order has already been revoked."',
  },
  'digicert-reason-camel': {
    group: 'digicert-reason-spelling',
    models:
      'revocation_reason takes camelCase names (keyCompromise) and refuses snake_case ones with 400 invalid_field|revocation_reason (default: snake_case, key_compromise)',
  },
  'digicert-comments-optional': {
    group: 'digicert-comments',
    models:
      'the revoke takes no comment at all, as newer public pages show (default: comments or comment is required, as the table and samples say)',
  },
  'sectigo-permission-per-order': {
    group: 'sectigo-foreign-order',
    models:
      "an order of another account or context answers -16 Permission denied! (default: -4 naming the order's parameter)",
  },
  'sectigo-front-404': {
    group: 'sectigo-front',
    models: 'a proxy in front of the Partner API answers every /products request with an HTML 404 page',
  },
  'sectigo-front-302': {
    group: 'sectigo-front',
    models: 'a proxy in front of the Partner API redirects every /products request (302) to a login page',
  },
  'sectigo-front-403': {
    group: 'sectigo-front',
    models: 'a web application firewall in front of the Partner API answers an HTML 403 page',
  },
} as const satisfies Record<string, VariantSpec>;

export type SandboxVariant = keyof typeof VARIANT_SPECS;
export const SANDBOX_VARIANTS = Object.keys(VARIANT_SPECS) as SandboxVariant[];

export function isSandboxVariant(name: string): name is SandboxVariant {
  return Object.hasOwn(VARIANT_SPECS, name);
}

/**
 * Checks a set of variants: every name known, at most one of a group. Throws an Error whose
 * message names the offender and the choices.
 */
export function checkVariants(names: readonly string[]): SandboxVariant[] {
  const byGroup = new Map<string, string>();
  for (const name of names) {
    if (!isSandboxVariant(name)) {
      throw new Error(`unknown variant "${name}" (known: ${SANDBOX_VARIANTS.join(', ')})`);
    }
    const { group } = VARIANT_SPECS[name];
    const other = byGroup.get(group);
    if (other !== undefined && other !== name) {
      throw new Error(`variants "${other}" and "${name}" are alternatives (group ${group}): choose one`);
    }
    byGroup.set(group, name);
  }
  return [...new Set(names)] as SandboxVariant[];
}
