/**
 * Shape of specs/manifest.json: every upstream input of the generator, pinned by version
 * and by the sha256 of each file. Nothing upstream is committed; only these pins are.
 */

/** Where an input's files are read from. */
export type InputSource =
  /** The Go module, via `go mod download` (module cache). */
  | "go-module"
  /** ../shared/specs/flux/ beside the checkout: used when the module proxy cannot serve the module. */
  | "shared";

/** File name → lowercase hex sha256 of its bytes. */
export type FileChecksums = Record<string, string>;

export interface KubernetesPin {
  /** "k8s.io/kubernetes" */
  readonly module: string;
  /** Folder inside the module that holds the OpenAPI v3 documents. */
  readonly dir: string;
  /** The go.sum hash of the module zip ("h1:..."), as reported by `go mod download -json`. */
  readonly goSum: string;
  readonly files: FileChecksums;
  /**
   * The Go file whose OpenAPI definitions keep the enums the JSON documents leave out
   * (pkg/generated/openapi/zz_generated.openapi.go), read by codegen/enums/.
   */
  readonly enums?: { readonly file: string; readonly sha256: string };
}

export interface FluxControllerPin {
  /** e.g. "source-controller" */
  readonly controller: string;
  /** e.g. "github.com/fluxcd/source-controller" */
  readonly module: string;
  /** e.g. "v1.9.0" */
  readonly version: string;
  readonly source: InputSource;
  /** Folder inside the module ("config/crd/bases") or, for "shared", inside ../shared. */
  readonly dir: string;
  /** Why this source was used (e.g. the error `go mod download` gave). */
  readonly note?: string;
  /** go.sum hash when source is "go-module". */
  readonly goSum?: string;
  readonly files: FileChecksums;
}

export interface SpecManifest {
  readonly kubernetes: {
    /** The version `npm run generate` uses unless told otherwise, e.g. "v1.37.2". */
    readonly selected: string;
    /** Every version whose checksums have been recorded, keyed by version. */
    readonly versions: Readonly<Record<string, KubernetesPin>>;
  };
  readonly flux: readonly FluxControllerPin[];
}
