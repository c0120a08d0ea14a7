/**
 * bun-k8s/pod-io: exec, attach, port-forward and cp over WebSocket, on Bun and Node. Kept
 * apart from the main entry so a program that never execs loads no WebSocket library.
 */
export { attach, exec, openExec, type ExecOptions, type ExecOutput, type SessionOptions, type StdinSource, type StreamChoice } from "./exec.ts";
export type { RemoteProcess } from "./remote-process.ts";
export type { TerminalSize } from "./channel-protocol.ts";
export { ExecError, PortForwardError } from "./errors.ts";
export type { PodTarget, Serves } from "./target.ts";
export {
  listenPortForward,
  openPortForward,
  type ListenOptions,
  type PortForwardListener,
  type PortForwardOptions,
  type PortForwardStream,
  type PortMapping,
} from "./port-forward.ts";
export { copyFromPod, copyToPod, type CopyOptions, type CopyResult } from "./copy.ts";
