/**
 * The slot audit: watches every command this process sends to Redis (ioredis's one door,
 * `Redis.prototype.sendCommand`, which a cluster's node connections go through too) and finds each
 * unit Redis Cluster requires to keep to one slot: a script (EVAL/EVALSHA, ours and BullMQ's), a
 * MULTI/EXEC transaction or a pipeline (its commands share one write), and a single command that
 * names several keys (DEL, HMGET across keys, …). A unit whose keys hash to more than one slot
 * (key-slot.ts) is a violation: on a cluster it fails with CROSSSLOT.
 *
 * Installed for every integration test file (slot-audit-setup.ts), so each test that runs on the
 * single node also proves that what it sent would run on a cluster. Worker child processes are
 * not watched here; the cluster tests run them on a real cluster instead.
 */
import { Redis } from 'ioredis';
import { keySlot } from '../../src/queue/key-slot.ts';

interface SentCommand {
  name: string;
  getKeys(): (string | Buffer)[];
}

/** One unit that must keep to one slot, as far as it has been sent. */
interface Unit {
  commands: string[];
  keys: Map<string, number>;
  reported: boolean;
}

export interface SlotViolation {
  /** The unit's commands, in order (`multi hset zadd exec`, or one `evalsha`). */
  commands: string;
  /** Each key with its slot. */
  keys: Record<string, number>;
}

export interface SlotAudit {
  /** Units seen so far that name keys of more than one slot. */
  violations(): SlotViolation[];
  /** Returns the violations seen so far and forgets them (a test that makes one on purpose). */
  take(): SlotViolation[];
  /** How many units naming two or more keys were checked (a run that checked nothing proves nothing). */
  multiKeyUnits(): number;
  uninstall(): void;
}

type SendCommand = (this: Redis, command: SentCommand, stream?: object, node?: unknown) => unknown;

export function installSlotAudit(): SlotAudit {
  const prototype = Redis.prototype as unknown as { sendCommand: SendCommand };
  const original = prototype.sendCommand;
  // A pipeline (MULTI/EXEC included) passes the same `stream` object with each of its commands.
  const pipelines = new WeakMap<object, Unit>();
  let found: SlotViolation[] = [];
  let checked = 0;

  const check = (unit: Unit, command: SentCommand) => {
    unit.commands.push(command.name);
    let keys: (string | Buffer)[] = [];
    try {
      keys = command.getKeys();
    } catch {
      // A command ioredis cannot read keys from names none we could check.
    }
    for (const key of keys) {
      const text = key.toString();
      unit.keys.set(text, keySlot(text));
    }
    if (unit.keys.size === 2 && !unit.reported) checked++;
    if (!unit.reported && new Set(unit.keys.values()).size > 1) {
      unit.reported = true;
      found.push({ commands: unit.commands.join(' '), keys: Object.fromEntries(unit.keys) });
    }
  };

  prototype.sendCommand = function (this: Redis, command, stream, node) {
    const isPipeline = (stream as { isPipeline?: boolean } | undefined)?.isPipeline === true;
    let unit: Unit | undefined = isPipeline && stream ? pipelines.get(stream) : undefined;
    if (!unit) {
      unit = { commands: [], keys: new Map(), reported: false };
      if (isPipeline && stream) pipelines.set(stream, unit);
    }
    // ioredis auto-pipelining batches what one event-loop turn sends, grouped per cluster node;
    // such a batch is no transaction, so only each command in it must keep to one slot.
    if (autoPipelined(this) && command.name !== 'multi' && unit.commands[0] !== 'multi') {
      unit = { commands: [], keys: new Map(), reported: false };
    }
    check(unit, command);
    return original.call(this, command, stream, node);
  };

  return {
    violations: () => [...found],
    take() {
      const taken = found;
      found = [];
      return taken;
    },
    multiKeyUnits: () => checked,
    uninstall() {
      prototype.sendCommand = original;
    },
  };
}

function autoPipelined(client: Redis): boolean {
  return (client.options as { enableAutoPipelining?: boolean }).enableAutoPipelining === true;
}
