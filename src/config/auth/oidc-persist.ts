import { chmod, readFile, rename, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import yaml from "js-yaml";
import { AuthError } from "../../base/errors.ts";
import { isRecord } from "../../base/object.ts";
import { KUBECONFIG_SCHEMA, loadKubeconfigYaml } from "../kubeconfig-yaml.ts";

/**
 * Writes refreshed OIDC tokens into the auth-provider config of `userName` in `file`, as
 * kubectl does. The file is rewritten whole (comments are lost, as with kubectl) through a
 * temporary file and a rename, keeping its permissions.
 *
 * @example
 * await persistOidcTokens(`${os.homedir()}/.kube/config`, "me", { "id-token": idToken, "refresh-token": refreshToken });
 */
export async function persistOidcTokens(
  file: string,
  userName: string,
  tokens: { "id-token": string; "refresh-token"?: string },
): Promise<void> {
  const doc = loadKubeconfigYaml(await readFile(file, "utf8"), file);
  const users = isRecord(doc) && Array.isArray(doc.users) ? doc.users : [];
  const entry: unknown = users.find((u: unknown) => isRecord(u) && u.name === userName);
  const user = isRecord(entry) ? entry.user : undefined;
  const provider = isRecord(user) ? user["auth-provider"] : undefined;
  if (!isRecord(provider)) throw new AuthError(`cannot store refreshed OIDC tokens: user "${userName}" has no auth-provider in ${file}`);
  const config = isRecord(provider.config) ? provider.config : (provider.config = {});
  config["id-token"] = tokens["id-token"];
  if (tokens["refresh-token"]) config["refresh-token"] = tokens["refresh-token"];

  const mode = (await stat(file)).mode & 0o777;
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  // kubectl's schema: a string such as "yes" is written quoted, so kubectl reads it back as a string.
  await writeFile(temp, yaml.dump(doc, { lineWidth: -1, noRefs: true, schema: KUBECONFIG_SCHEMA }), { mode });
  await chmod(temp, mode);
  await rename(temp, file);
}
