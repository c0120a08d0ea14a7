/**
 * Contender: @kubernetes/client-node 2.0.x (installed under the npm alias client-node-2 beside
 * 1.4), through the same calls as 1.4. A release that fails here (a TLS error on Bun, a crash
 * on Node 20) is recorded as the result with its error, and tried again on every run.
 */
import * as clientNode2 from "client-node-2";
import { ClientNodeContender, type ClientNodeModule } from "./client-node-contender.ts";
import { runChild } from "./case-runner.ts";

await runChild(() => new ClientNodeContender(clientNode2 as unknown as ClientNodeModule));
