// Docker's exec API shapes (POST /containers/{id}/exec, /exec/{id}/start|resize|json), served by
// cnmd on a sandbox: POST /cnm/sandboxes/{id}/exec, then Docker's own /exec/{id}/… paths.

export interface ExecCreateRequest {
  AttachStdin?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  Tty?: boolean;
  Cmd: string[];
  Env?: string[];
  WorkingDir?: string;
  /** Initial terminal size [height, width] (Docker 20.10's ConsoleSize). */
  ConsoleSize?: [number, number];
}

export interface ExecCreateResponse {
  Id: string;
}

export interface ExecStartRequest {
  Detach?: boolean;
  Tty?: boolean;
}

export interface ExecInspect {
  ID: string;
  Running: boolean;
  /** null until the process has exited (Docker's shape). */
  ExitCode: number | null;
  ProcessConfig: { tty: boolean; entrypoint: string; arguments: string[]; privileged: boolean; user: string };
  OpenStdin: boolean;
  OpenStderr: boolean;
  OpenStdout: boolean;
  CanRemove: boolean;
  /** The sandbox's id (Docker: the container's). */
  ContainerID: string;
  DetachKeys: string;
  Pid: number;
}

/** Content types of an upgraded exec stream: raw with a TTY, stdcopy-multiplexed without. */
export const RAW_STREAM = 'application/vnd.docker.raw-stream';
export const MULTIPLEXED_STREAM = 'application/vnd.docker.multiplexed-stream';

/** Who made an API call, from the socket's peer credentials (fields unknown when not available). */
export interface Caller {
  uid?: number;
  pid?: number;
  /** Over TCP (mutual TLS): the client certificate's common name and the client's address. */
  tlsClient?: string;
  remote?: string;
}
