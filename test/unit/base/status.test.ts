import { describe, expect, it } from "vitest";
import { toStatus } from "../../../src/base/object.ts";

describe("toStatus", () => {
  it("keeps a cause's reason (the wire name of StatusCause.Type), message and field; drops other keys and wrong types", () => {
    const status = toStatus({
      kind: "Status",
      code: 409,
      reason: "Conflict",
      details: {
        causes: [
          { reason: "FieldManagerConflict", message: 'conflict with "autoscaler"', field: ".spec.replicas", extra: "x" },
          { reason: 7, message: "m" },
          "not a cause",
        ],
      },
    });
    expect(status.details?.causes).toEqual([
      { reason: "FieldManagerConflict", message: 'conflict with "autoscaler"', field: ".spec.replicas" },
      { message: "m" },
    ]);
  });
});
