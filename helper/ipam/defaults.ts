// Docker's predefined local-scope pools, in its order: 172.17.0.0/16 … 172.31.0.0/16 (from
// 172.17/16, 172.18/16, 172.19/16, 172.20/14, 172.24/14, 172.28/14 split into /16s), then
// 192.168.0.0/20 … 192.168.240.0/20. There are no IPv6 defaults (Docker 20.10).
export const DEFAULT_POOLS: readonly string[] = [
  ...Array.from({ length: 15 }, (_, i) => `172.${17 + i}.0.0/16`),
  ...Array.from({ length: 16 }, (_, i) => `192.168.${i * 16}.0/20`),
];
