// Tests that make network namespaces, links or firewall rules need root. Without it they skip,
// saying why, instead of failing: `test(name, needsRoot, fn)`, and hooks start with `if (!isRoot) return;`.
export const isRoot = process.getuid?.() === 0;

export const needsRoot: { skip: string | false } = {
  skip: isRoot ? false : 'needs root: it makes network namespaces, links and nftables rules',
};
