// Docker's IPAM error texts (libnetwork ipam/ipamapi/network.go and endpoint.go, Docker 20.10, and
// the docker CLI's `network create` checks where the daemon has none), with Docker's status where
// libnetwork classifies the error. Where Docker answers a bad request with a plain (500) error we
// answer 400, keeping the text.
import { CnmError, type ErrorContext } from '../errors.js';

type Ctx = ErrorContext;

export const ipamErrors = {
  // ipamapi.ErrPoolOverlap: types.ForbiddenErrorf → 403.
  // cnm's wording names the network that holds the overlapping pool.
  poolOverlap: (subnet: string, pool: string, network: string, ctx: Ctx) =>
    new CnmError('forbidden', 'Pool overlaps with other one on this address space', ctx, undefined, {
      reason: 'pool-overlap',
      subnet,
      pool,
      overlaps: network,
    }),
  // ipamapi.ErrIPAlreadyAllocated: types.ForbiddenErrorf → 403.
  addressInUse: (ctx: Ctx) => new CnmError('forbidden', 'Address already in use', ctx),
  // getPredefinedPool: types.NotFoundErrorf → 404.
  noDefaultPool: (v: 4 | 6, ctx: Ctx) =>
    new CnmError(
      'not-found',
      `could not find an available, non-overlapping IPv${v} address pool among the defaults to assign to the network`,
      ctx,
    ),
  // endpoint.assignAddressVersion: a plain error → 500 in Docker.
  noAddress: (v: 4 | 6, name: string, id: string, ctx: Ctx) =>
    new CnmError('internal', `no available IPv${v} addresses on this network's address pools: ${name} (${id})`, ctx),
  // endpoint.assignAddressVersion: types.BadRequestErrorf → 400.
  addressNotInSubnet: (addr: string, ctx: Ctx) =>
    new CnmError('invalid', `Invalid address ${addr}: It does not belong to any of this network's subnets`, ctx),
  // daemon getIpamConfig: plain error wrapping Go's net.ParseCIDR error.
  invalidSubnet: (s: string, ctx: Ctx) => new CnmError('invalid', `Invalid subnet ${s} : invalid CIDR address: ${s}`, ctx),
  // docker CLI (net.ParseCIDR's text) for --ip-range.
  invalidCidr: (s: string, ctx: Ctx) => new CnmError('invalid', `invalid CIDR address: ${s}`, ctx),
  // docker CLI consolidateIpam.
  noSubnetForRange: (r: string, ctx: Ctx) => new CnmError('invalid', `no matching subnet for range ${r}`, ctx),
  needsSubnet: (ctx: Ctx) => new CnmError('invalid', 'every ip-range or gateway must have a corresponding subnet', ctx),
  // IpamConf.Validate: types.BadRequestErrorf → 400.
  invalidGateway: (gw: string, ctx: Ctx) => new CnmError('invalid', `invalid gateway address ${gw} in Ipam configuration`, ctx),
  // network.ipamAllocateVersion: types.InternalErrorf wrapping the allocator's error.
  gatewayFailed: (gw: string, reason: string, ctx: Ctx) => new CnmError('invalid', `failed to allocate gateway (${gw}): ${reason}`, ctx),
  // network.ipamAllocateVersion: BadRequest / Forbidden / Internal for the three aux failures.
  auxUnparsable: (k: string, v: string, name: string, ctx: Ctx) =>
    new CnmError('invalid', `non parsable secondary ip address (${k}:${v}) passed for network ${name}`, ctx),
  auxOutsidePool: (k: string, v: string, subnet: string, ctx: Ctx) =>
    new CnmError('forbidden', `auxiliary address: (${k}:${v}) must belong to the master pool: ${subnet}`, ctx),
  auxFailed: (k: string, v: string, reason: string, ctx: Ctx) =>
    new CnmError('invalid', `failed to allocate secondary ip address (${k}:${v}): ${reason}`, ctx),
  // docker CLI validateIPAddress.
  notAnAddress: (s: string, ctx: Ctx) => new CnmError('invalid', `${s} is not an ip address`, ctx),
  unknownPool: (subnet: string, ctx: Ctx) => new CnmError('not-found', `cannot find address pool for ${subnet}`, ctx),
};

/** libnetwork's reasons, as they appear inside the wrapping messages above. */
export const REASON = {
  outOfRange: 'Requested address is out of range',
  inUse: 'Address already in use',
  noAddresses: 'No available addresses on this pool',
} as const;
