/**
 * The sandbox's one store of orders (both vendors) and DigiCert revoke requests, with the
 * indexes a lookup needs: order number, certificate id and serial number, each scoped to the
 * vendor; a lookup also names the account, and another account's order is not found.
 */
import type { DigicertRequester } from './accounts.ts';
import {
  applyRevoke,
  type CertificateRecord,
  normaliseSerial,
  type OrderRecord,
  type RevokeVerdict,
  revokeCertificate,
  revokeIssued,
  type SandboxVendor,
} from './order-state.ts';
import { createPrng } from './prng.ts';
import { DEFAULT_ISSUING_CALLS, type SeedOrder } from './seed.ts';

export type TargetField = 'orderNumber' | 'certificateID' | 'serialNumber';

export type RequestStatus = 'pending' | 'approved' | 'rejected';

export interface RevokeRequestRecord {
  readonly id: number;
  readonly account: string;
  readonly orderNumber: string;
  /** A request to revoke one certificate of the order; absent: the whole order. */
  readonly certificateId: string | undefined;
  /** ISO 8601 with a `+00:00` offset, as DigiCert writes it. */
  readonly date: string;
  readonly requester: DigicertRequester;
  readonly comments: string;
  readonly revocationReason: string | undefined;
  status: RequestStatus;
  processorComment: string | undefined;
  processor: DigicertRequester | undefined;
  dateProcessed: string | undefined;
}

/** A JSON view of one order for `GET /_sandbox/orders/…` and tests. */
export interface OrderSnapshot {
  vendor: SandboxVendor;
  account: string;
  orderNumber: string;
  certificateID?: string;
  serialNumber?: string;
  product?: string;
  state: OrderRecord['state'];
  issuingCallsLeft: number;
  pendingFaults: string[];
  successfulRevokes: number;
  replacedBy: string[];
  replaces?: string;
  changedAt?: string;
  requests: RevokeRequestRecord[];
  /** DigiCert: the certificates on the order. */
  certificates: CertificateRecord[];
}

export interface OrderStore {
  add(seed: SeedOrder): OrderRecord;
  /** Any account's order: for the control endpoints and tests. */
  find(vendor: SandboxVendor, orderNumber: string): OrderRecord | undefined;
  /** The account's own order named by `field`, or undefined. */
  lookup(vendor: SandboxVendor, account: string, field: TargetField, value: string): OrderRecord | undefined;
  /** Any account's order named by `field` (to tell "another's order" from "no such order"). */
  lookupAny(vendor: SandboxVendor, field: TargetField, value: string): OrderRecord | undefined;
  /**
   * The account's DigiCert certificate named by its id or serial number (an all-digit
   * identifier is tried as an id first, as DigiCert's one path takes either), with its order.
   */
  certificate(
    account: string,
    identifier: string,
  ): { order: OrderRecord; certificate: CertificateRecord } | undefined;
  list(vendor?: SandboxVendor): OrderRecord[];
  revoke(
    order: OrderRecord,
    options: { test: boolean; unissued: 'reject' | 'refuse'; markOnly?: boolean },
  ): RevokeVerdict;
  /** AutoReplaceSMIME: a new issued order for the same account; the old one is revoked when asked. */
  replace(order: OrderRecord, options: { revokeOld: boolean }): OrderRecord;
  /** The pending request for the order (`certificateId` absent) or for one of its certificates. */
  pendingRequestOf(order: OrderRecord, certificateId?: string): RevokeRequestRecord | undefined;
  createRequest(
    order: OrderRecord,
    init: {
      requester: DigicertRequester;
      comments: string;
      revocationReason: string | undefined;
      certificateId?: string;
    },
  ): RevokeRequestRecord;
  getRequest(account: string, id: number): RevokeRequestRecord | undefined;
  /** Every request of the account, oldest first. */
  requestsOf(account: string): RevokeRequestRecord[];
  /** Approving revokes the order (if still issued), or its one certificate; rejecting leaves it as it is. */
  decideRequest(
    request: RevokeRequestRecord,
    decision: { status: 'approved' | 'rejected'; processorComment: string; processor: DigicertRequester },
  ): void;
  snapshot(order: OrderRecord): OrderSnapshot;
}

export interface OrderStoreOptions {
  /** Seeds the serials and certificate ids of replacement orders. */
  seed?: number;
  now?: () => number;
}

export function createOrderStore(
  orders: readonly SeedOrder[] = [],
  options: OrderStoreOptions = {},
): OrderStore {
  const now = () => new Date((options.now ?? Date.now)());
  const prng = createPrng((options.seed ?? 1) ^ 0x5eed);
  const byNumber = new Map<string, OrderRecord>();
  const byCertificateID = new Map<string, OrderRecord>();
  const bySerial = new Map<string, OrderRecord>();
  const requests = new Map<number, RevokeRequestRecord>();
  // DigiCert certificates by id and by serial (their orders' own indexes are per order).
  const certificatesById = new Map<string, { order: OrderRecord; certificate: CertificateRecord }>();
  const certificatesBySerial = new Map<string, { order: OrderRecord; certificate: CertificateRecord }>();
  const requestsByOrder = new Map<string, RevokeRequestRecord[]>();
  let nextRequestId = 1;
  const nextOrderNumber: Record<SandboxVendor, bigint> = { sectigo: 1n, digicert: 1n };

  const key = (vendor: SandboxVendor, value: string) => `${vendor}:${value}`;

  const store: OrderStore = {
    add(seed) {
      const numberKey = key(seed.vendor, seed.orderNumber);
      if (byNumber.has(numberKey))
        throw new Error(`duplicate ${seed.vendor} order number ${seed.orderNumber}`);
      const issuingCalls = seed.issuingCalls ?? DEFAULT_ISSUING_CALLS;
      const order: OrderRecord = {
        vendor: seed.vendor,
        account: seed.account,
        orderNumber: seed.orderNumber,
        certificateID: seed.certificateID,
        serialNumber: seed.serialNumber === undefined ? undefined : normaliseSerial(seed.serialNumber),
        product: seed.product,
        // A being-issued order with no calls left to wait is simply issued.
        state: seed.state === 'being-issued' && issuingCalls === 0 ? 'issued' : seed.state,
        issuingCallsLeft: seed.state === 'being-issued' ? issuingCalls : 0,
        faults: [...seed.faults],
        latencyMs: seed.latencyMs,
        successfulRevokes: 0,
        replacedBy: [],
        replaces: undefined,
        changedAt: undefined,
        certificates: seed.certificates.map((c) => ({
          id: c.certificateID,
          serialNumber: normaliseSerial(c.serialNumber),
          state: c.state,
          reissuePending: c.reissuePending,
          successfulRevokes: 0,
        })),
      };
      for (const certificate of order.certificates) {
        if (certificatesById.has(certificate.id) || certificatesBySerial.has(certificate.serialNumber)) {
          throw new Error(`duplicate DigiCert certificate ${certificate.id} / ${certificate.serialNumber}`);
        }
        certificatesById.set(certificate.id, { order, certificate });
        certificatesBySerial.set(certificate.serialNumber, { order, certificate });
      }
      if (order.certificateID !== undefined) {
        const idKey = key(seed.vendor, order.certificateID);
        if (byCertificateID.has(idKey)) throw new Error(`duplicate certificateID ${order.certificateID}`);
        byCertificateID.set(idKey, order);
      }
      if (order.serialNumber !== undefined) {
        const serialKey = key(seed.vendor, order.serialNumber);
        if (bySerial.has(serialKey)) throw new Error(`duplicate serialNumber ${order.serialNumber}`);
        bySerial.set(serialKey, order);
      }
      byNumber.set(numberKey, order);
      const numeric = BigInt(seed.orderNumber);
      if (numeric >= nextOrderNumber[seed.vendor]) nextOrderNumber[seed.vendor] = numeric + 1n;
      return order;
    },

    find: (vendor, orderNumber) =>
      byNumber.get(key(vendor, stripZeros(orderNumber))) ?? byNumber.get(key(vendor, orderNumber)),

    lookup(vendor, account, field, value) {
      const order = store.lookupAny(vendor, field, value);
      return order?.account === account ? order : undefined;
    },

    certificate(account, identifier) {
      const byId = /^\d+$/.test(identifier) ? certificatesById.get(identifier) : undefined;
      const found =
        byId ??
        (/^[0-9a-fA-F:]+$/.test(identifier)
          ? certificatesBySerial.get(normaliseSerial(identifier))
          : undefined);
      return found?.order.account === account ? found : undefined;
    },

    lookupAny(vendor, field, value) {
      if (field === 'orderNumber') return store.find(vendor, value);
      if (field === 'certificateID') return byCertificateID.get(key(vendor, value));
      return bySerial.get(key(vendor, normaliseSerial(value)));
    },

    list: (vendor) => [...byNumber.values()].filter((o) => vendor === undefined || o.vendor === vendor),

    revoke: (order, opts) => applyRevoke(order, { ...opts, now: now() }),

    replace(order, { revokeOld }) {
      const fresh = store.add({
        vendor: order.vendor,
        account: order.account,
        orderNumber: String(nextOrderNumber[order.vendor]),
        certificateID: uniqueCertificateID(order.vendor),
        serialNumber: uniqueSerial(order.vendor),
        product: order.product,
        state: 'issued',
        faults: [],
        latencyMs: 0,
        certificates: [],
      });
      fresh.replaces = order.orderNumber;
      order.replacedBy.push(fresh.orderNumber);
      if (revokeOld) revokeIssued(order, now());
      return fresh;
    },

    pendingRequestOf: (order, certificateId) =>
      requestsByOrder
        .get(key(order.vendor, order.orderNumber))
        ?.find((r) => r.status === 'pending' && r.certificateId === certificateId),

    createRequest(order, init) {
      const request: RevokeRequestRecord = {
        id: nextRequestId++,
        account: order.account,
        orderNumber: order.orderNumber,
        certificateId: init.certificateId,
        date: digicertDate(now()),
        requester: init.requester,
        comments: init.comments,
        revocationReason: init.revocationReason,
        status: 'pending',
        processorComment: undefined,
        processor: undefined,
        dateProcessed: undefined,
      };
      requests.set(request.id, request);
      const orderKey = key(order.vendor, order.orderNumber);
      requestsByOrder.set(orderKey, [...(requestsByOrder.get(orderKey) ?? []), request]);
      return request;
    },

    requestsOf: (account) => [...requests.values()].filter((r) => r.account === account),

    getRequest(account, id) {
      const request = requests.get(id);
      return request?.account === account ? request : undefined;
    },

    decideRequest(request, decision) {
      request.status = decision.status;
      request.processorComment = decision.processorComment;
      request.processor = decision.processor;
      request.dateProcessed = digicertDate(now());
      const order = store.find('digicert', request.orderNumber);
      if (decision.status !== 'approved' || !order) return;
      if (request.certificateId === undefined) {
        revokeIssued(order, now());
        return;
      }
      const certificate = order.certificates.find((c) => c.id === request.certificateId);
      if (certificate) revokeCertificate(certificate);
    },

    snapshot(order) {
      const snapshot: OrderSnapshot = {
        vendor: order.vendor,
        account: order.account,
        orderNumber: order.orderNumber,
        state: order.state,
        issuingCallsLeft: order.issuingCallsLeft,
        pendingFaults: [...order.faults],
        successfulRevokes: order.successfulRevokes,
        replacedBy: [...order.replacedBy],
        requests: (requestsByOrder.get(key(order.vendor, order.orderNumber)) ?? []).map((r) => ({ ...r })),
        certificates: order.certificates.map((c) => ({ ...c })),
      };
      if (order.certificateID !== undefined) snapshot.certificateID = order.certificateID;
      if (order.serialNumber !== undefined) snapshot.serialNumber = order.serialNumber;
      if (order.product !== undefined) snapshot.product = order.product;
      if (order.replaces !== undefined) snapshot.replaces = order.replaces;
      if (order.changedAt !== undefined) snapshot.changedAt = order.changedAt;
      return snapshot;
    },
  };

  function uniqueCertificateID(vendor: SandboxVendor): string {
    for (;;) {
      const id = String(prng.int(1_000_000_000, 9_999_999_999));
      if (!byCertificateID.has(key(vendor, id))) return id;
    }
  }

  function uniqueSerial(vendor: SandboxVendor): string {
    for (;;) {
      const serial = normaliseSerial(`7${prng.hex(15)}`);
      if (!bySerial.has(key(vendor, serial))) return serial;
    }
  }

  for (const order of orders) store.add(order);
  return store;
}

/** `2016-02-10T17:06:15+00:00`: DigiCert's timestamp form. */
export function digicertDate(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

function stripZeros(orderNumber: string): string {
  return orderNumber.replace(/^0+(?=\d)/, '');
}
