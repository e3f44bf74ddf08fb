// Applies cnm's table to the kernel through libnftables (Debian's nftables package), called
// in-process through koffi: no `nft` spawn per change. Each apply is ONE transaction that creates
// (if missing), deletes and re-creates `inet cnm` and never names any other table, so other
// firewalls on the machine (Docker's, the host's) are left exactly as they were.
//
// Namespace binding (measured with libnftables 1.0.6): nft_ctx_new opens the netlink socket, so a
// context acts on the netns the thread was in when it was made, wherever it is used later. A
// Firewall made with `inNetns(path)` creates its context AND runs each command with the thread
// switched into that netns (synchronous calls, so that is safe; it also covers libnftables
// reopening its socket after an error); `forCurrent()` acts on cnmd's own netns.
import { execFile } from 'node:child_process';
import koffi from 'koffi';
import { CnmError } from '../../errors.js';
import { log } from '../../log.js';
import { inNetns } from '../netns/setns.js';
import { readSysctl, writeSysctl } from '../sysctl.js';
import { needsBridgeNetfilter, type NetworkRules, renderRuleset, TABLE } from './ruleset.js';
import { localnetBridges, type PortRule } from './ports.js';

/** CNMD_LIBNFTABLES names another library file (a non-standard install; tests point it at a missing one). */
const LIB = process.env.CNMD_LIBNFTABLES || 'libnftables.so.1';

interface Lib {
  ctxNew(flags: number): unknown;
  ctxFree(ctx: unknown): void;
  bufferOutput(ctx: unknown): number;
  bufferError(ctx: unknown): number;
  run(ctx: unknown, text: string): number;
  errorBuffer(ctx: unknown): string;
  outputBuffer(ctx: unknown): string;
}

let lib: Lib | undefined;
/** Loads libnftables once; throws an 'unsupported' CnmError naming the Debian package when it is missing. */
function load(): Lib {
  if (!lib) {
    let l: koffi.IKoffiLib;
    try {
      l = koffi.load(LIB);
    } catch (err) {
      throw new CnmError(
        'unsupported',
        `libnftables is not installed (${LIB}): install the Debian package libnftables1`,
        { call: 'dlopen' },
        err,
      );
    }
    const ctx = koffi.pointer('nft_ctx', koffi.opaque());
    lib = {
      ctxNew: l.func('nft_ctx_new', ctx, ['uint32']),
      ctxFree: l.func('nft_ctx_free', 'void', [ctx]),
      bufferOutput: l.func('nft_ctx_buffer_output', 'int', [ctx]),
      bufferError: l.func('nft_ctx_buffer_error', 'int', [ctx]),
      run: l.func('nft_run_cmd_from_buffer', 'int', [ctx, 'str']),
      errorBuffer: l.func('nft_ctx_get_error_buffer', 'str', [ctx]),
      outputBuffer: l.func('nft_ctx_get_output_buffer', 'str', [ctx]),
    };
  }
  return lib;
}

/** cnmd's start-up check: throws the 'unsupported' error of a missing libnftables. */
export function checkLibnftables(): void {
  load();
}

/** Create-then-delete makes the delete valid whether or not the table exists: no race, one batch. */
const DROP_TABLE = `table inet ${TABLE}\ndelete table inet ${TABLE}\n`;

export class Firewall {
  private ctx: unknown;

  private constructor(private readonly nsPath: string | undefined) {}

  /** Acts on the netns the process is in (cnmd's own). */
  static forCurrent(): Firewall {
    return new Firewall(undefined);
  }

  /** Acts on the netns at `nsPath`, whatever namespace the caller is in. */
  static inNetns(nsPath: string): Firewall {
    return new Firewall(nsPath);
  }

  /** Replace cnm's table with the rules for these networks and published ports, atomically. */
  async apply(rules: NetworkRules[], ports: PortRule[] = []): Promise<void> {
    if (needsBridgeNetfilter(rules, ports)) this.ensureBridgeNetfilter();
    this.inNs(() => {
      // Loopback sources may leave by a bridge only with route_localnet (see ports.ts).
      for (const br of localnetBridges(ports)) setOnce(`net.ipv4.conf.${br}.route_localnet`, '1');
      // IPv6 forwarding only once an IPv6 network routes to the outside (it stops RA acceptance).
      if (rules.some((r) => !r.internal && r.subnets.some((s) => s.includes(':')))) setOnce('net.ipv6.conf.all.forwarding', '1');
    });
    this.run(DROP_TABLE + renderRuleset(rules, ports), `apply ${rules.length} network(s), ${ports.length} port(s)`);
  }

  private inNs(fn: () => void): void {
    if (this.nsPath) inNetns(this.nsPath, fn);
    else fn();
  }

  /** Remove cnm's table (cnmd shutdown with clean-up). */
  async flush(): Promise<void> {
    this.run(DROP_TABLE, 'flush');
  }

  /** Frees the libnftables context (and its netlink socket, which would keep its netns alive). */
  close(): void {
    if (this.ctx) load().ctxFree(this.ctx);
    this.ctx = undefined;
  }

  /** Whether cnm's table exists (for clean-up listings). */
  hasTable(): boolean {
    try {
      this.run(`list table inet ${TABLE}\n`, 'list');
      return true;
    } catch (err) {
      if (err instanceof CnmError && /No such file or directory/.test(err.message)) return false;
      throw err;
    }
  }

  /** cnm's table as nft prints it (rules included, as `cnm why` quotes them); '' when it does not exist. */
  listTable(): string {
    try {
      return this.run(`list table inet ${TABLE}\n`, 'list');
    } catch (err) {
      if (err instanceof CnmError && /No such file or directory/.test(err.message)) return '';
      throw err;
    }
  }

  /** ICC off relies on bridged IP traffic passing the inet forward hook (see ruleset.ts). */
  private ensureBridgeNetfilter(): void {
    const turnOn = () => {
      for (const key of ['net.bridge.bridge-nf-call-iptables', 'net.bridge.bridge-nf-call-ip6tables']) {
        try {
          setOnce(key, '1');
        } catch (err) {
          throw new CnmError(
            'unsupported',
            `the kernel has no br_netfilter support (${key}), needed for enable_icc=false`,
            { call: key, netns: this.nsPath },
            err,
          );
        }
      }
    };
    this.inNs(turnOn);
  }

  /** Runs nft commands; returns what they printed. */
  private run(text: string, what: string): string {
    const l = load();
    const exec = () => {
      if (!this.ctx) {
        this.ctx = l.ctxNew(0);
        l.bufferOutput(this.ctx);
        l.bufferError(this.ctx);
      }
      const rc = l.run(this.ctx, text);
      return { rc, error: rc === 0 ? '' : l.errorBuffer(this.ctx), output: l.outputBuffer(this.ctx) ?? '' };
    };
    const { rc, error, output } = this.nsPath ? inNetns(this.nsPath, exec) : exec();
    if (rc !== 0) {
      throw new CnmError('internal', `nftables rejected cnm's ruleset (${what}): ${error.trim()}`, {
        call: 'nft_run_cmd_from_buffer',
        netns: this.nsPath,
      });
    }
    log('debug', 'firewall applied', { what, netns: this.nsPath });
    return output;
  }
}

function setOnce(key: string, value: string): void {
  if (readSysctl(key) !== value) writeSysctl(key, value);
}

/** `nft -f -` with the same batch: the slower path, kept for comparison in the timing script. */
export function applyWithNftBinary(rules: NetworkRules[], nsPath?: string): Promise<void> {
  const [cmd, args] = nsPath ? ['ip', ['netns', 'exec', nsPath.split('/').pop()!, 'nft', '-f', '-']] : ['nft', ['-f', '-']];
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args as string[], (err, _out, stderr) =>
      err ? reject(new CnmError('internal', `nft -f failed: ${stderr.trim()}`, { call: 'nft -f', netns: nsPath }, err)) : resolve(),
    );
    child.stdin!.end(DROP_TABLE + renderRuleset(rules));
  });
}
