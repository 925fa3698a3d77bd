/**
 * Vendors the charting library of the `-graph` HTML report.
 *
 * Downloads the pinned `uplot` tarball from the npm registry, checks its integrity against
 * the pinned SHA-512, takes the minified browser build (IIFE), its CSS and its license, and
 * writes them as string constants to `lib/report/_graph_vendor.ts`.
 *
 * Run: `deno run --allow-net --allow-write=lib/report --allow-env scripts/vendor_graph_lib.ts`
 * (from the repository root). The registry is `NPM_CONFIG_REGISTRY` when set, else
 * https://registry.npmjs.org. To move to a new version, change {@linkcode VENDORED_PACKAGE}
 * (take the integrity from `npm view uplot@<version> dist.integrity`) and run it again.
 *
 * @module
 */

/** The package that is vendored, pinned by version and tarball integrity. */
export interface VendoredPackage {
  /** The npm package name. */
  readonly name: string;
  /** The exact version. */
  readonly version: string;
  /** The tarball's `dist.integrity` (`sha512-<base64>`). */
  readonly integrity: string;
  /** The path of the minified IIFE build inside the tarball. */
  readonly jsPath: string;
  /** The path of the minified CSS inside the tarball. */
  readonly cssPath: string;
  /** The path of the license inside the tarball. */
  readonly licensePath: string;
}

/**
 * The pin: `uplot` 1.6.32 (MIT).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { VENDORED_PACKAGE } from "./vendor_graph_lib.ts";
 * assert.equal(VENDORED_PACKAGE.name, "uplot");
 * ```
 */
export const VENDORED_PACKAGE: VendoredPackage = {
  name: "uplot",
  version: "1.6.32",
  integrity:
    "sha512-KIMVnG68zvu5XXUbC4LQEPnhwOxBuLyW1AHtpm6IKTXImkbLgkMy+jabjLgSLMasNuGGzQm/ep3tOkyTxpiQIw==",
  jsPath: "package/dist/uPlot.iife.min.js",
  cssPath: "package/dist/uPlot.min.css",
  licensePath: "package/LICENSE",
};

/** The texts taken from the tarball. */
export interface VendorFiles {
  /** The package version. */
  version: string;
  /** The minified IIFE build (defines the global `uPlot`). */
  js: string;
  /** The minified CSS. */
  css: string;
  /** The license text. */
  license: string;
}

/** Options of {@linkcode downloadVendorFiles}. */
export interface DownloadVendorFilesOptions {
  /**
   * The npm registry base URL.
   *
   * @default {"https://registry.npmjs.org"}
   */
  registry?: string;
}

function tarballUrl(registry: string, pkg: VendoredPackage): string {
  return `${registry.replace(/\/+$/, "")}/${pkg.name}/-/${pkg.name}-${pkg.version}.tgz`;
}

async function integrityOf(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-512", bytes));
  let binary = "";
  for (const byte of digest) binary += String.fromCharCode(byte);
  return `sha512-${btoa(binary)}`;
}

function readCString(block: Uint8Array, start: number, length: number): string {
  const field = block.subarray(start, start + length);
  const end = field.indexOf(0);
  return new TextDecoder().decode(end === -1 ? field : field.subarray(0, end));
}

/** Reads the regular files of an uncompressed (ustar) tar archive. */
function readTar(tar: Uint8Array): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  let offset = 0;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) break;
    const name = readCString(header, 0, 100);
    const prefix = readCString(header, 345, 155);
    const sizeBytes = parseInt(readCString(header, 124, 12).trim() || "0", 8);
    const type = String.fromCharCode(header[156]);
    const body = tar.subarray(offset + 512, offset + 512 + sizeBytes);
    if (type === "0" || type === "\0") files.set(prefix ? `${prefix}/${name}` : name, body);
    offset += 512 + Math.ceil(sizeBytes / 512) * 512;
  }
  return files;
}

async function gunzip(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * Downloads the pinned tarball, checks its integrity and returns the files to vendor.
 *
 * @param pkg The pinned package.
 * @param options The registry.
 * @returns The version, JS, CSS and license texts.
 * @throws {Error} When the download fails, the integrity differs or a file is missing.
 *
 * @example Usage
 * ```ts ignore
 * import assert from "node:assert/strict";
 * import { downloadVendorFiles, VENDORED_PACKAGE } from "./vendor_graph_lib.ts";
 * const files = await downloadVendorFiles(VENDORED_PACKAGE);
 * assert.equal(files.version, VENDORED_PACKAGE.version);
 * ```
 */
export async function downloadVendorFiles(
  pkg: VendoredPackage,
  options: DownloadVendorFilesOptions = {},
): Promise<VendorFiles> {
  const url = tarballUrl(options.registry ?? "https://registry.npmjs.org", pkg);
  const response = await fetch(url);
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`Cannot download "${url}": HTTP ${response.status}, expected 200`);
  }
  const tgz = new Uint8Array(await response.arrayBuffer());
  const integrity = await integrityOf(tgz);
  if (integrity !== pkg.integrity) {
    throw new Error(
      `Cannot vendor "${url}": integrity is "${integrity}", expected "${pkg.integrity}"`,
    );
  }
  const files = readTar(await gunzip(tgz));
  const text = (path: string): string => {
    const bytes = files.get(path);
    if (bytes === undefined) throw new Error(`Cannot vendor "${url}": "${path}" is missing`);
    return new TextDecoder().decode(bytes);
  };
  const manifest = JSON.parse(text("package/package.json")) as { version?: unknown };
  if (manifest.version !== pkg.version) {
    throw new Error(
      `Cannot vendor "${url}": version is "${manifest.version}", expected "${pkg.version}"`,
    );
  }
  return {
    version: pkg.version,
    js: text(pkg.jsPath),
    css: text(pkg.cssPath),
    license: text(pkg.licensePath),
  };
}

/**
 * A string literal as `deno fmt` writes it: double quotes unless the text has more double
 * than single quotes (its "preferDouble" rule).
 */
function stringLiteral(value: string): string {
  const json = JSON.stringify(value);
  const doubles = value.split('"').length - 1;
  const singles = value.split("'").length - 1;
  if (doubles <= singles) return json;
  const body = json.slice(1, -1).replace(
    /\\.|'/g,
    (m) => (m === '\\"' ? '"' : m === "'" ? "\\'" : m),
  );
  return `'${body}'`;
}

/** A string constant, wrapped after `=` as `deno fmt` does when it passes the line width. */
function declaration(name: string, value: string): string {
  const head = `export const ${name}: string =`;
  const line = `${head} ${stringLiteral(value)};`;
  return line.length <= 100 ? line : `${head}\n  ${stringLiteral(value)};`;
}

/**
 * Renders `lib/report/_graph_vendor.ts`, already in `deno fmt` form (each text is one
 * JSON string literal).
 *
 * @param pkg The pinned package.
 * @param files The texts from {@linkcode downloadVendorFiles}.
 * @returns The module source.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderVendorModule, VENDORED_PACKAGE } from "./vendor_graph_lib.ts";
 * const source = renderVendorModule(VENDORED_PACKAGE, {
 *   version: "1.6.32",
 *   js: "var uPlot=1;",
 *   css: ".uplot{}",
 *   license: "MIT",
 * });
 * assert.ok(source.includes('export const UPLOT_JS: string = "var uPlot=1;";'));
 * ```
 */
export function renderVendorModule(pkg: VendoredPackage, files: VendorFiles): string {
  const constant = (doc: string, name: string, value: string, check: string): string =>
    [
      `/**`,
      ` * ${doc}`,
      ` *`,
      ` * @example Usage`,
      ` * \`\`\`ts`,
      ` * import assert from "node:assert/strict";`,
      ` * import { ${name} } from "./_graph_vendor.ts";`,
      ` * assert.ok(${check});`,
      ` * \`\`\``,
      ` */`,
      declaration(name, value),
      ``,
    ].join("\n");
  return [
    `// GENERATED by scripts/vendor_graph_lib.ts: do not edit.`,
    `// Source: npm package "${pkg.name}@${pkg.version}" (MIT), tarball integrity`,
    `// ${pkg.integrity}`,
    `// files ${pkg.jsPath}, ${pkg.cssPath}, ${pkg.licensePath}.`,
    `// Regenerate: deno run --allow-net --allow-write=lib/report --allow-env \\`,
    `//   scripts/vendor_graph_lib.ts`,
    ``,
    `/**`,
    ` * The charting library of the \`-graph\` report (uPlot), vendored from npm so the HTML`,
    ` * file opens with no network.`,
    ` *`,
    ` * @module`,
    ` */`,
    ``,
    constant(
      "The vendored uPlot version.",
      "UPLOT_VERSION",
      files.version,
      "/^\\d+\\.\\d+\\.\\d+$/.test(UPLOT_VERSION)",
    ),
    constant(
      "uPlot's minified browser build; it defines the global `uPlot`.",
      "UPLOT_JS",
      files.js,
      'UPLOT_JS.includes("uPlot")',
    ),
    constant("uPlot's minified CSS.", "UPLOT_CSS", files.css, 'UPLOT_CSS.includes(".uplot")'),
    constant(
      "uPlot's license (MIT), shipped inside every report.",
      "UPLOT_LICENSE",
      files.license,
      'UPLOT_LICENSE.includes("MIT")',
    ),
  ].join("\n");
}

if (import.meta.main) {
  const files = await downloadVendorFiles(VENDORED_PACKAGE, {
    registry: Deno.env.get("NPM_CONFIG_REGISTRY"),
  });
  const target = new URL("../lib/report/_graph_vendor.ts", import.meta.url);
  await Deno.writeTextFile(target, renderVendorModule(VENDORED_PACKAGE, files));
  // deno-lint-ignore no-console
  console.log(`Wrote ${target.pathname} (uplot ${files.version})`);
}
