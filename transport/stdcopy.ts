// Docker's stdcopy framing for a non-TTY exec stream: each chunk is an 8-byte header (stream id:
// 0 stdin, 1 stdout, 2 stderr; three zero bytes; big-endian length) followed by that many bytes.
// Both ends use it: cnmd frames, the CLI and the extension take the frames apart.

export type StreamId = 0 | 1 | 2;
const HEADER = 8;

export function frame(stream: StreamId, data: Buffer): Buffer {
  const head = Buffer.alloc(HEADER);
  head[0] = stream;
  head.writeUInt32BE(data.length, 4);
  return Buffer.concat([head, data]);
}

/** Feeds chunks as they arrive (frames may be split anywhere); calls `out` once per whole frame. */
export class Demuxer {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly out: (stream: StreamId, data: Buffer) => void) {}

  push(chunk: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    while (this.pending.length >= HEADER) {
      const size = this.pending.readUInt32BE(4);
      if (this.pending.length < HEADER + size) return;
      const stream = this.pending[0]!;
      if (stream > 2) throw new Error(`malformed exec stream: unknown stream id ${stream}`);
      this.out(stream as StreamId, this.pending.subarray(HEADER, HEADER + size));
      this.pending = this.pending.subarray(HEADER + size);
    }
  }

  /** Bytes of an unfinished frame left at the end of the stream. */
  get leftover(): number {
    return this.pending.length;
  }
}
