/**
 * Reads a cloud assembly directory (what `cdk synth` writes, from an app in any CDK language):
 * manifest.json → its stack artifacts (nested assemblies of Stages too), each stack's template,
 * environment and asset directories. Plain JSON reading: no aws-cdk-lib at run time, so the
 * command-line tool that deploys an assembly locally stays small.
 *
 * Format: the cloud assembly schema of aws-cdk-lib (cloud-assembly-schema, manifest.json
 * `artifacts` of type `aws:cloudformation:stack`, `cdk:asset-manifest`, `cdk:cloud-assembly`).
 */
import * as fs from 'fs';
import * as path from 'path';
import { Template } from './template';

/** The account and Region of a stack whose environment is not set (`aws://unknown-account/unknown-region`). */
export const DEFAULT_ENVIRONMENT = { account: '111122223333', region: 'us-east-1' } as const;

/** One stack of a cloud assembly. */
export interface AssemblyStack {
  /** The CloudFormation stack name. */
  readonly name: string;
  /** The artifact id in the manifest (`Stage/Stack` stacks have the stage's assembly as `assemblyDir`). */
  readonly artifactId: string;
  /** The construct path the CDK CLI shows (e.g. `Prod/Connect`). */
  readonly displayName: string;
  readonly account: string;
  readonly region: string;
  /** Whether the environment was set in the app (`env`), rather than the defaults above. */
  readonly environmentSet: boolean;
  readonly template: Template;
  /** The directory holding the stack's manifest (its asset paths are relative to it). */
  readonly assemblyDir: string;
  /** Asset hash (the S3 key without `.zip`) to its directory in the assembly. */
  readonly assets: Record<string, string>;
}

interface ManifestArtifact {
  readonly type: string;
  readonly environment?: string;
  readonly displayName?: string;
  readonly dependencies?: string[];
  readonly properties?: { templateFile?: string; stackName?: string; file?: string; directoryName?: string };
}

/** Every stack of the assembly in `dir`, nested assemblies included, in manifest order. */
export function readAssembly(dir: string): AssemblyStack[] {
  const manifestFile = path.join(dir, 'manifest.json');
  if (!fs.existsSync(manifestFile)) {
    throw new Error(`${dir} is not a cloud assembly: it has no manifest.json. Run \`cdk synth\` (it writes cdk.out) and pass that directory.`);
  }
  const manifest = readJson(manifestFile) as { version?: string; artifacts?: Record<string, ManifestArtifact> };
  const artifacts = manifest.artifacts ?? {};
  const stacks: AssemblyStack[] = [];
  for (const [id, artifact] of Object.entries(artifacts)) {
    if (artifact.type === 'cdk:cloud-assembly' && artifact.properties?.directoryName !== undefined) {
      stacks.push(...readAssembly(path.resolve(dir, artifact.properties.directoryName)));
    }
    if (artifact.type !== 'aws:cloudformation:stack') {
      continue;
    }
    const templateFile = artifact.properties?.templateFile;
    if (templateFile === undefined) {
      throw new Error(`${manifestFile}: stack ${id} names no templateFile`);
    }
    const env = /^aws:\/\/([^/]+)\/(.+)$/.exec(artifact.environment ?? '');
    const account = env === null || env[1] === 'unknown-account' ? undefined : env[1];
    const region = env === null || env[2] === 'unknown-region' ? undefined : env[2];
    const assets: Record<string, string> = {};
    for (const dep of artifact.dependencies ?? []) {
      const file = artifacts[dep]?.type === 'cdk:asset-manifest' ? artifacts[dep].properties?.file : undefined;
      if (file === undefined) {
        continue;
      }
      const assetManifest = readJson(path.resolve(dir, file)) as { files?: Record<string, { source: { path?: string } }> };
      for (const [hash, asset] of Object.entries(assetManifest.files ?? {})) {
        if (asset.source.path !== undefined) {
          assets[hash] = path.resolve(dir, asset.source.path);
        }
      }
    }
    stacks.push({
      name: artifact.properties?.stackName ?? id,
      artifactId: id,
      displayName: artifact.displayName ?? id,
      account: account ?? DEFAULT_ENVIRONMENT.account,
      region: region ?? DEFAULT_ENVIRONMENT.region,
      environmentSet: account !== undefined && region !== undefined,
      template: readJson(path.resolve(dir, templateFile)) as Template,
      assemblyDir: dir,
      assets,
    });
  }
  return stacks;
}

/**
 * The stack to deploy: the one named (by stack name, artifact id or display name), or the only
 * stack of the assembly. Fails naming the stacks there are.
 */
export function selectStack(stacks: AssemblyStack[], name: string | undefined, dir: string): AssemblyStack {
  const names = stacks.map(s => s.displayName === s.name ? s.name : `${s.name} (${s.displayName})`).join(', ');
  if (name === undefined) {
    if (stacks.length === 1) {
      return stacks[0];
    }
    throw new Error(stacks.length === 0
      ? `The cloud assembly ${dir} has no stack.`
      : `The cloud assembly ${dir} has ${stacks.length} stacks (${names}): name one with --stack.`);
  }
  const found = stacks.find(s => s.name === name || s.artifactId === name || s.displayName === name);
  if (found === undefined) {
    throw new Error(`The cloud assembly ${dir} has no stack ${name}; it has: ${names || 'none'}.`);
  }
  return found;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`Cannot read ${file}: ${(e as Error).message}`);
  }
}
