/**
 * bun-k8s/testing: for users' own tests. A real local control plane (startControlPlane), CRD
 * installation, and a Transport that records a real session to a file and replays it with no
 * server (TransportRecorder, TransportReplay).
 */
export { controlPlaneDir, startControlPlane, type ControlPlaneOptions, type FluxServers, type StartedControlPlane } from "./control-plane.ts";
export { installCrds, type CrdSource } from "./crds.ts";
export { TransportRecorder, type TransportRecorderOptions } from "./transport-recorder.ts";
export { ReplayMismatchError, TransportReplay, type TransportReplayOptions } from "./transport-replay.ts";
export {
  RECORDING_FORMAT,
  RECORDING_VERSION,
  parseRecording,
  redactBody,
  type BodyEnd,
  type RecordedExchange,
} from "./recording.ts";
