// The project's own peer scripts (bench/peers/): they start Docker, aardvark-dns and etcd in
// namespaces of their own and install their Debian packages when missing.
import path from 'node:path';

export const peerScript = (name: string): string => path.join(__dirname, '../peers', name);
