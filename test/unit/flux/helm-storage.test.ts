import { gzipSync } from "node:zlib";
import { describe, expect, test } from "vitest";
import { DecodeError } from "../../../src/base/errors.ts";
import { decodeHelmRelease, helmStorageSecretName, manifestObjects } from "../../../src/flux/helm-storage.ts";
import type { Secret } from "../../../generated/k8s/core/v1/index.ts";

/** A storage Secret as helm writes it and the API returns it: base64(base64(gzip(JSON))). */
function storageSecret(release: unknown, options: { gzip?: boolean; name?: string } = {}): Secret {
  const json = Buffer.from(JSON.stringify(release));
  const helmBase64 = (options.gzip === false ? json : gzipSync(json)).toString("base64");
  return {
    metadata: { name: options.name ?? "sh.helm.release.v1.web.v2", namespace: "apps" },
    type: "helm.sh/release.v1",
    data: { release: Buffer.from(helmBase64).toString("base64") },
  };
}

const manifest = `---
# Source: web/templates/cm.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-settings
data:
  a: "1"
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: web-reader
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: elsewhere
---
`;

describe("decodeHelmRelease", () => {
  const release = { name: "web", namespace: "apps", version: 2, manifest, info: { status: "deployed" }, chart: { metadata: { name: "web", version: "1.2.3" } } };

  test("reads the release out of gzip and two layers of base64", () => {
    expect(decodeHelmRelease(storageSecret(release))).toEqual({
      name: "web",
      namespace: "apps",
      version: 2,
      status: "deployed",
      chart: { name: "web", version: "1.2.3" },
      manifest,
    });
  });

  test("also without gzip (Helm compresses only when it helps)", () => {
    expect(decodeHelmRelease(storageSecret(release, { gzip: false })).manifest).toBe(manifest);
  });

  test.each([
    ["no release key", { metadata: { name: "s", namespace: "apps" }, data: {} } as Secret, 'has no "release" key'],
    ["not JSON", { metadata: { name: "s", namespace: "apps" }, data: { release: Buffer.from(Buffer.from("{oops").toString("base64")).toString("base64") } } as Secret, "is not JSON"],
    ["JSON without a name", storageSecret({ version: 1 }), "has no name or version"],
  ])("%s: DecodeError naming the Secret", (_what, secret, message) => {
    expect(() => decodeHelmRelease(secret)).toThrow(DecodeError);
    expect(() => decodeHelmRelease(secret)).toThrow(message);
    expect(() => decodeHelmRelease(secret)).toThrow(`Helm storage Secret apps/${secret.metadata?.name}`);
  });

  test("a gzip bomb is cut off, not inflated into memory", () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20));
    const secret: Secret = { metadata: { name: "bomb", namespace: "apps" }, data: { release: Buffer.from(bomb.toString("base64")).toString("base64") } };
    expect(bomb.length).toBeLessThan(200_000);
    expect(() => decodeHelmRelease(secret)).toThrow(DecodeError);
  });

  test("helmStorageSecretName", () => {
    expect(helmStorageSecretName("web", 2)).toBe("sh.helm.release.v1.web.v2");
  });
});

describe("manifestObjects", () => {
  test("namespaced objects without a namespace get the release's; cluster-scoped ones none; given ones stay", async () => {
    const asked: string[] = [];
    const objects = await manifestObjects(manifest, "apps", (apiVersion, kind) => {
      asked.push(`${apiVersion} ${kind}`);
      return kind !== "ClusterRole";
    });
    expect(objects).toEqual([
      { apiVersion: "v1", kind: "ConfigMap", name: "web-settings", namespace: "apps" },
      { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", name: "web-reader", namespace: undefined },
      { apiVersion: "apps/v1", kind: "Deployment", name: "web", namespace: "elsewhere" },
    ]);
    expect(asked).toEqual(["v1 ConfigMap", "rbac.authorization.k8s.io/v1 ClusterRole"]);
  });

  test("documents that are not objects are skipped; broken YAML is a DecodeError", async () => {
    expect(await manifestObjects("---\n# only a comment\n---\nplain text\n---\nkind: X\n", "apps", () => true)).toEqual([]);
    await expect(manifestObjects("a: [unclosed", "apps", () => true)).rejects.toBeInstanceOf(DecodeError);
  });
});
