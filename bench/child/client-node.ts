/** Contender: @kubernetes/client-node 1.4.x (see client-node-contender.ts). */
import * as clientNode14 from "@kubernetes/client-node";
import { ClientNodeContender } from "./client-node-contender.ts";
import { runChild } from "./case-runner.ts";

await runChild(() => new ClientNodeContender(clientNode14));
